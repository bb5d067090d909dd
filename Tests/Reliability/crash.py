#!/usr/bin/env python3
"""Crash safety, after Jepsen's bank workload: concurrent idempotent transfers while bank-server is
killed with SIGKILL at random moments, restarted on the same data directory, and every unacknowledged
request retried with its own Idempotency-Key and the same bytes until it gets a definite answer.

  Tests/Reliability/crash.py            # short form: 8 kills, ~30 s (part of `make test`)
  Tests/Reliability/crash.py --long     # long form: 60 kills, more members and threads, ~10 min
  Tests/Reliability/crash.py --kills 12 --threads 32 --members 10 --seed 7 --keep

Asserts at the end:
  * every acknowledged transfer (201) exists exactly once (GET /transfers/{id}, and the transfers
    table holds exactly the acknowledged ids, nothing more);
  * every key, replayed once more at the end, answers 201 `Idempotent-Replayed: true` with the same
    transfer id as its acknowledgement (a retry after a crash never makes a second transfer);
  * no transfer is applied twice: for every account, funding - outgoing + incoming = balance, over the
    distinct transfers that exist, and that balance is what GET /accounts/{id}/balance reports, with
    `match: true`;
  * no request ever got a 5xx; every request ended with 201;
  * `bankctl verify` exits 0 (postings sum to zero, cached = computed balances, audit chain).
Exit status 1 on any failed assertion.
"""
import argparse
import json
import random
import shutil
import sqlite3
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import harness
from harness import Client, log

DEPOSIT = 10_000_000  # cents per account: transfers of 1..500 cents never run dry


class Op:
    __slots__ = ("key", "member", "from_id", "to_id", "amount", "payload", "attempts", "transport_failures",
                 "acked_id", "ids", "replayed", "statuses", "done")

    def __init__(self, member, from_id, to_id, amount):
        self.key = f"crash-{uuid.uuid4()}"
        self.member = member
        self.from_id, self.to_id, self.amount = from_id, to_id, amount
        # Serialized once: the server fingerprints the exact bytes, a retry must send the same ones.
        self.payload = json.dumps({"from_account_id": from_id, "to_account_id": to_id, "amount_cents": amount,
                                   "description": f"crash test {self.key[-8:]}"}).encode()
        self.attempts = 0
        self.transport_failures = 0
        self.acked_id = None
        self.ids = []  # every transfer id a 201 carried for this key
        self.replayed = False
        self.statuses = []
        self.done = False


class Member:
    def __init__(self, email, token):
        self.email = email
        self.token = token
        self.accounts = []
        self.lock = threading.Lock()

    def relogin(self, base):
        with self.lock:
            self.token = harness.login(base, self.email)["access_token"]


class Run:
    def __init__(self, server, members, accounts, args):
        self.server = server
        self.members = members
        self.accounts = accounts
        self.args = args
        self.ops = []
        self.ops_lock = threading.Lock()
        self.stop = threading.Event()
        self.inflight = 0
        self.inflight_lock = threading.Lock()
        self.server_errors = []  # (key, status, body)
        self.unexpected = []  # (key, status, body) definite answers other than 201
        self.id_mismatch = []

    def add_inflight(self, delta):
        with self.inflight_lock:
            self.inflight += delta

    def execute(self, client, op):
        """Sends op until a definite answer arrives; transport failures and 'in progress' are retried."""
        backoff = 0.05
        while True:
            op.attempts += 1
            client.rebase(self.server.base)
            self.add_inflight(1)
            try:
                status, headers, body = client.call("POST", "/transfers", op.payload, token=op.member.token, key=op.key)
            except Exception:  # connection refused/reset, EOF mid-response, timeout: no answer, so unknown outcome
                op.transport_failures += 1
                time.sleep(backoff + random.random() * backoff)
                backoff = min(backoff * 2, 1.0)
                continue
            finally:
                self.add_inflight(-1)
            op.statuses.append(status)
            if status == 201:
                op.ids.append(body["id"])
                op.replayed = op.replayed or headers.get("idempotent-replayed") == "true"
                if op.acked_id is None:
                    op.acked_id = body["id"]
                elif op.acked_id != body["id"]:
                    self.id_mismatch.append((op.key, op.acked_id, body["id"]))
                if (body.get("from_account_id"), body.get("to_account_id"), body.get("amount_cents")) != (op.from_id, op.to_id, op.amount):
                    self.unexpected.append((op.key, status, body))
                op.done = True
                return
            if status >= 500:
                self.server_errors.append((op.key, status, body))
                time.sleep(backoff)
                continue
            code = body.get("code") if isinstance(body, dict) else None
            if status == 409 and code == "request_in_progress":
                time.sleep(backoff)
                backoff = min(backoff * 2, 1.0)
                continue
            if status == 401:  # access token expired (long runs): log in again, same key
                op.member.relogin(self.server.base)
                continue
            if status == 429:
                time.sleep(backoff)
                continue
            self.unexpected.append((op.key, status, body))
            op.done = True
            return

    def worker(self, index):
        rng = random.Random(self.args.seed * 1000 + index)
        client = Client(self.server.base, timeout=60)
        while not self.stop.is_set():
            member = rng.choice(self.members)
            source = rng.choice(member.accounts)
            target = rng.choice([a for a in self.accounts if a != source])
            op = Op(member, source, target, rng.randint(1, 500))
            with self.ops_lock:
                self.ops.append(op)
            self.execute(client, op)
        client.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--long", action="store_true", help="long form: 60 kills up to 20 s apart, 16 members x 3 accounts, 48 threads (~10 min)")
    parser.add_argument("--max-gap", type=float, help="longest pause between a restart and the next random kill, seconds (4; 20 with --long)")
    parser.add_argument("--kills", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--members", type=int)
    parser.add_argument("--accounts-per-member", type=int, default=3)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--keep", action="store_true", help="keep the data directory (its path is printed)")
    args = parser.parse_args()
    args.kills = args.kills or (60 if args.long else 8)
    args.max_gap = args.max_gap or (20.0 if args.long else 4.0)
    args.threads = args.threads or (48 if args.long else 24)
    args.members = args.members or (16 if args.long else 6)
    rng = random.Random(args.seed)
    started = time.time()

    workdir = harness.make_workdir("bankkit-crash-")
    data = workdir / "data"
    data.mkdir()
    binaries = harness.Binaries(workdir)
    server = harness.Server(binaries, data, ratelimit=False)
    failures = []
    try:
        log(f"== crash safety: {args.kills} kills, {args.threads} threads, {args.members} members x {args.accounts_per_member} accounts, seed {args.seed}")
        server.start()
        members = []
        accounts = []
        funding = {}
        for m in range(args.members):
            email = f"crash-{m}-{uuid.uuid4().hex[:8]}@reliability.bankkit.dev"
            member = Member(email, harness.signup(server.base, email, last=f"Crash{m}")["access_token"])
            for _ in range(args.accounts_per_member):
                account = harness.open_funded_account(server.base, member.token, DEPOSIT)
                member.accounts.append(account["id"])
                accounts.append(account["id"])
                funding[account["id"]] = DEPOSIT
            members.append(member)
        log(f"   {len(accounts)} accounts funded with {DEPOSIT} cents each")

        run = Run(server, members, accounts, args)
        threads = [threading.Thread(target=run.worker, args=(i,), daemon=True) for i in range(args.threads)]
        for thread in threads:
            thread.start()

        kills = []
        for k in range(args.kills):
            style = ["random", "loaded", "recovery"][k % 3]
            if style == "random":
                time.sleep(rng.uniform(0.5, args.max_gap))
            elif style == "loaded":  # many transfers in flight: group commits are cut
                time.sleep(rng.uniform(0.5, args.max_gap / 2))
                deadline = time.time() + 5
                while run.inflight < args.threads * 0.75 and time.time() < deadline:
                    time.sleep(0.002)
            else:  # right after a restart, while the retries of the last crash pour in
                time.sleep(rng.uniform(0.05, 0.4))
            with run.ops_lock:
                count = len(run.ops)
            inflight = run.inflight
            server.kill()
            kills.append((style, inflight))
            log(f"   kill {k + 1}/{args.kills} ({style}): {inflight} requests in flight, {count} transfers requested so far")
            time.sleep(rng.uniform(0.0, 0.8))
            t0 = time.time()
            server.start()
            log(f"   restarted in {time.time() - t0:.2f} s")
        time.sleep(rng.uniform(1.0, 2.0))
        run.stop.set()
        for thread in threads:
            thread.join(timeout=120)
        if any(t.is_alive() for t in threads):
            failures.append("workers did not finish (requests never got a definite answer)")

        ops = run.ops
        acked = [op for op in ops if op.acked_id]
        retried = [op for op in ops if op.transport_failures]
        committed_before_crash = [op for op in retried if op.replayed]
        log(f"== {len(ops)} transfers requested, {len(acked)} acknowledged; {len(retried)} retried after a transport failure "
            f"({len(committed_before_crash)} had committed before the crash and were replayed, "
            f"{len(retried) - len(committed_before_crash)} had not and ran on retry)")

        if run.server_errors:
            failures.append(f"{len(run.server_errors)} 5xx answers, first: {run.server_errors[0]}")
        if run.unexpected:
            failures.append(f"{len(run.unexpected)} answers other than a matching 201, first: {run.unexpected[0]}"[:600])
        if run.id_mismatch:
            failures.append(f"{len(run.id_mismatch)} keys got two different transfer ids: {run.id_mismatch[:3]}")
        ids = [op.acked_id for op in acked]
        if len(set(ids)) != len(ids):
            failures.append(f"{len(ids) - len(set(ids))} transfer ids acknowledged for two different keys")

        # Replay every key once more: the stored answer, same id, and nothing new applied.
        # One keep-alive connection per checking thread: the long form checks about 200,000 transfers.
        local = threading.local()
        clients = []

        def client():
            if not hasattr(local, "client"):
                local.client = Client(server.base, timeout=60)
                clients.append(local.client)
            return local.client

        def replay(op):
            for _ in range(50):
                status, headers, body = client().call("POST", "/transfers", op.payload, token=op.member.token, key=op.key)
                if status == 401:
                    op.member.relogin(server.base)
                    continue
                return status, headers.get("idempotent-replayed"), body.get("id") if isinstance(body, dict) else None
            return status, None, None

        def fetch(op):
            for _ in range(50):
                status, _, body = client().call("GET", f"/transfers/{op.acked_id}", token=op.member.token)
                if status == 401:
                    op.member.relogin(server.base)
                    continue
                return status, body
            return status, body

        with ThreadPoolExecutor(max_workers=16) as pool:
            replays = list(pool.map(replay, acked))
            fetched = list(pool.map(fetch, acked))
        for each in clients:
            each.close()
        bad_replays = [(op.key, op.acked_id, r) for op, r in zip(acked, replays) if r != (201, "true", op.acked_id)]
        if bad_replays:
            failures.append(f"{len(bad_replays)} keys did not replay their acknowledged transfer, first: {bad_replays[0]}")

        existing = {}
        for op, (status, body) in zip(acked, fetched):
            if status != 200:
                failures.append(f"GET /transfers/{op.acked_id} answered {status}")
                continue
            existing[body["id"]] = (body["from_account_id"], body["to_account_id"], body["amount_cents"])
            if existing[body["id"]] != (op.from_id, op.to_id, op.amount):
                failures.append(f"transfer {op.acked_id} is not what key {op.key} asked for: {body}")

        # The model: funding - outgoing + incoming over the distinct transfers that exist.
        model = dict(funding)
        for source, target, amount in existing.values():
            model[source] -= amount
            model[target] += amount
        member_of = {a: m for m in members for a in m.accounts}
        mismatched = []
        for account in accounts:
            status, _, body = harness.request("GET", server.base, f"/accounts/{account}/balance", token=member_of[account].token)
            if status == 401:
                member_of[account].relogin(server.base)
                status, _, body = harness.request("GET", server.base, f"/accounts/{account}/balance", token=member_of[account].token)
            if status != 200 or body.get("balance_cents") != model[account] or body.get("match") is not True \
                    or body.get("computed_balance_cents") != model[account]:
                mismatched.append((account, model[account], status, body))
        if mismatched:
            failures.append(f"{len(mismatched)} balances differ from the model or do not match their ledger, first: {mismatched[0]}")
        if sum(model.values()) != sum(funding.values()):
            failures.append("the model does not conserve money (harness bug)")

        server.stop()
        # Ground truth: the transfers table holds exactly the acknowledged transfers, once each.
        connection = sqlite3.connect(f"file:{data / 'bank.sqlite'}?mode=ro", uri=True)
        rows = connection.execute("SELECT id, from_account_id, to_account_id, amount_cents FROM transfers").fetchall()
        connection.close()
        stored = Counter(row[0] for row in rows)
        duplicates = [i for i, n in stored.items() if n > 1]
        extra = set(stored) - set(ids)
        missing = set(ids) - set(stored)
        if duplicates or extra or missing:
            failures.append(f"transfers table vs acknowledgements: {len(duplicates)} duplicated, {len(extra)} never acknowledged "
                            f"(applied twice or lost answers), {len(missing)} acknowledged but missing")

        verified, report = server.verify()
        if not verified:
            failures.append(f"bankctl verify failed:\n{report}")

        elapsed = time.time() - started
        loaded = [n for style, n in kills if style == "loaded"]
        log("")
        log("| crash safety | |")
        log("|---|---|")
        log(f"| kills (SIGKILL) | {len(kills)} ({Counter(s for s, _ in kills)['loaded']} with ≥ {min(loaded) if loaded else 0} requests in flight, "
            f"{Counter(s for s, _ in kills)['recovery']} during recovery) |")
        log(f"| transfers requested / acknowledged | {len(ops)} / {len(acked)} |")
        log(f"| retried after a crash | {len(retried)} ({len(committed_before_crash)} replayed a commit made before the crash) |")
        log(f"| replays at the end with the same id | {len(acked) - len(bad_replays)} / {len(acked)} |")
        log(f"| transfers in the database | {len(rows)} rows, {len(stored)} distinct |")
        log(f"| balances = model, match: true | {len(accounts) - len(mismatched)} / {len(accounts)} |")
        log(f"| bankctl verify | {report.splitlines()[-1] if report else ''} |")
        log(f"| elapsed | {elapsed:.0f} s |")
        if failures:
            log("\nCRASH SAFETY FAILED:")
            for failure in failures:
                log(" - " + failure)
            log(f"server log tail:\n{server.tail()}")
            args.keep = True
            return 1
        log("crash safety: OK")
        return 0
    finally:
        server.kill()
        if args.keep:
            log(f"data kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
