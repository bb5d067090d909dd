#!/usr/bin/env python3
"""Crash safety, after Jepsen's bank workload: concurrent idempotent transfers while bank-server is
killed with SIGKILL at random moments, restarted on the same data directory, and every unacknowledged
request retried with its own Idempotency-Key and the same bytes until it gets a definite answer.

  Tests/Reliability/crash.py            # short form: 8 kills, ~30 s (part of `make test`)
  Tests/Reliability/crash.py --long     # long form: 60 kills, more members and threads, ~10 min
  Tests/Reliability/crash.py --kills 12 --threads 32 --members 10 --seed 7 --keep
  Tests/Reliability/crash.py --postgres postgres://bankkit@127.0.0.1:55432/bankkit --instances 2

On PostgreSQL (`--postgres URL`, or BANKKIT_RELIABILITY_DATABASE_URL) the run gets a fresh schema on that
server, and `--instances N` servers on different ports share it (with the same secrets, passed through
their environment). Thread i sends its transfers to instance i % N; a retry after a transport failure
goes to the next instance, so a transfer committed by one instance before it was killed must be replayed
by another. A fraction of the keys (`--race`, 5 % with several instances) is also sent to a second
instance at the same moment. Each kill hits one random instance, every fourth kill all of them; what was
killed is restarted.

Asserts at the end:
  * every acknowledged transfer (201) exists exactly once (GET /transfers/{id}, and the transfers
    table holds exactly the acknowledged ids, nothing more);
  * every key, replayed once more at the end, answers 201 `Idempotent-Replayed: true` with the same
    transfer id as its acknowledgement (a retry after a crash never makes a second transfer);
  * no transfer is applied twice: for every account, funding - outgoing + incoming = balance, over the
    distinct transfers that exist, and that balance is what GET /accounts/{id}/balance reports, with
    `match: true`;
  * no request ever got a 5xx; every request ended with 201;
  * no key got more than one fresh (not replayed) 201, whichever instances its copies went to;
  * `bankctl verify` exits 0 (postings sum to zero, cached = computed balances, audit chain).
On PostgreSQL the transfers table is read with psql, and the idempotency records too: one per key.
These checks are in crash_checks.py. Exit status 1 on any failed assertion.
"""
import argparse
import json
import random
import shutil
import signal
import sys
import threading
import time
import uuid
from collections import Counter

import crash_checks
import harness
from harness import Client, log

DEPOSIT = 10_000_000  # cents per account: transfers of 1..500 cents never run dry


class Op:
    __slots__ = ("key", "member", "from_id", "to_id", "amount", "payload", "attempts", "transport_failures",
                 "acked_id", "ids", "replayed", "statuses", "done", "lock", "sent_to", "answered_by", "fresh",
                 "raced", "race_transport_failures")

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
        self.lock = threading.Lock()
        self.sent_to = []  # the instance of every attempt of the first copy, in order
        self.answered_by = None  # the instance whose 201 the first copy got
        self.fresh = 0  # 201s without Idempotent-Replayed, over every copy: at most one may exist
        self.raced = False  # a second copy was sent to another instance at the same moment
        self.race_transport_failures = 0

    def sending(self, instance, first_copy):
        with self.lock:
            self.attempts += 1
            if first_copy:
                self.sent_to.append(instance)

    def transport_failed(self, first_copy):
        with self.lock:
            if first_copy:
                self.transport_failures += 1
            else:
                self.race_transport_failures += 1

    def answered(self, status):
        with self.lock:
            self.statuses.append(status)

    def created(self, transfer, replayed, instance, first_copy):
        """Records a 201 carrying `transfer`; returns the id of an earlier 201 it contradicts, else None."""
        with self.lock:
            self.statuses.append(201)
            self.ids.append(transfer["id"])
            if not replayed:
                self.fresh += 1
            if first_copy:
                self.replayed = self.replayed or replayed
                self.answered_by = instance
            earlier = self.acked_id
            if earlier is None:
                self.acked_id = transfer["id"]
            self.done = True
            return earlier if earlier not in (None, transfer["id"]) else None

    def describes(self, transfer):
        """Whether a 201's body is this transfer (accounts and amount)."""
        return (transfer.get("from_account_id"), transfer.get("to_account_id"), transfer.get("amount_cents")) == (
            self.from_id, self.to_id, self.amount)


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
    def __init__(self, servers, members, accounts, args):
        self.servers = servers
        self.members = members
        self.accounts = accounts
        self.args = args
        self.ops = []
        self.ops_lock = threading.Lock()
        self.stop = threading.Event()
        self.inflight_by = [0] * len(servers)  # requests in flight per instance
        self.inflight_lock = threading.Lock()
        self.server_errors = []  # (key, status, body, instance)
        self.unexpected = []  # (key, status, body) definite answers other than 201
        self.id_mismatch = []

    @property
    def inflight(self):
        return sum(self.inflight_by)

    def add_inflight(self, instance, delta):
        with self.inflight_lock:
            self.inflight_by[instance] += delta

    def execute(self, clients, op, instance, first_copy=True):
        """Sends op until a definite answer arrives; transport failures and 'in progress' are retried.

        A transport failure (the instance was killed) moves the retry to the next instance: with several, the
        retry of a transfer one instance committed before its crash must be replayed by another.
        """
        backoff = 0.05
        while True:
            server = self.servers[instance]
            client = clients[instance]
            client.rebase(server.base)
            op.sending(instance, first_copy)
            sent = instance
            self.add_inflight(sent, 1)
            try:
                status, headers, body = client.call("POST", "/transfers", op.payload, token=op.member.token, key=op.key)
            except Exception:  # connection refused/reset, EOF mid-response, timeout: no answer, so unknown outcome
                op.transport_failed(first_copy)
                time.sleep(backoff + random.random() * backoff)
                backoff = min(backoff * 2, 1.0)
                instance = (instance + 1) % len(self.servers)
                continue
            finally:
                self.add_inflight(sent, -1)
            if status == 201:
                earlier = op.created(body, headers.get("idempotent-replayed") == "true", instance, first_copy)
                if earlier is not None:
                    self.id_mismatch.append((op.key, earlier, body["id"]))
                if not op.describes(body):
                    self.unexpected.append((op.key, status, body))
                return
            op.answered(status)
            if status >= 500:
                self.server_errors.append((op.key, status, body, server.name))
                time.sleep(backoff)
                continue
            code = body.get("code") if isinstance(body, dict) else None
            if status == 409 and code == "request_in_progress":
                time.sleep(backoff)
                backoff = min(backoff * 2, 1.0)
                continue
            if status == 401:  # access token expired (long runs): log in again, same key
                op.member.relogin(server.base)
                continue
            if status == 429:
                time.sleep(backoff)
                continue
            self.unexpected.append((op.key, status, body))
            with op.lock:
                op.done = True
            return

    def worker(self, index):
        rng = random.Random(self.args.seed * 1000 + index)
        count = len(self.servers)
        home = index % count
        clients = [Client(server.base, timeout=60) for server in self.servers]
        race_clients = [Client(server.base, timeout=60) for server in self.servers] if self.args.race else None
        while not self.stop.is_set():
            member = rng.choice(self.members)
            source = rng.choice(member.accounts)
            target = rng.choice([a for a in self.accounts if a != source])
            op = Op(member, source, target, rng.randint(1, 500))
            with self.ops_lock:
                self.ops.append(op)
            if self.args.race and rng.random() < self.args.race:
                # The same key and bytes to another instance at the same moment: one must run it, the other replay it.
                op.raced = True
                copy = threading.Thread(target=self.execute, args=(race_clients, op, (home + 1) % count, False), daemon=True)
                copy.start()
                self.execute(clients, op, home)
                copy.join()
            else:
                self.execute(clients, op, home)
        for client in clients + (race_clients or []):
            client.close()


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--long", action="store_true", help="long form: 60 kills up to 20 s apart, 16 members x 3 accounts, 48 threads (~10 min)")
    parser.add_argument("--max-gap", type=float, help="longest pause between a restart and the next random kill, seconds (4; 20 with --long)")
    parser.add_argument("--kills", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--members", type=int)
    parser.add_argument("--accounts-per-member", type=int, default=3)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--keep", action="store_true", help="keep the data directory (its path is printed)")
    parser.add_argument("--postgres", metavar="URL", default=harness.database_url_from_environment(),
                        help="run on this PostgreSQL server (postgres://user@host:port/db), in a fresh schema dropped after a "
                             f"passing run; default: ${harness.DATABASE_URL_VARIABLE}, else SQLite")
    parser.add_argument("--instances", type=int, default=1, help="bank-server processes on different ports sharing the database (PostgreSQL only; 1)")
    parser.add_argument("--race", type=float, help="fraction of keys also sent to a second instance at the same moment (0.05 with several instances, else 0)")
    args = parser.parse_args()
    args.kills = args.kills or (60 if args.long else 8)
    args.max_gap = args.max_gap or (20.0 if args.long else 4.0)
    args.threads = args.threads or (48 if args.long else 24)
    args.members = args.members or (16 if args.long else 6)
    if args.instances < 1 or (args.instances > 1 and not args.postgres):
        parser.error("--instances above 1 needs --postgres (SQLite is one process's database)")
    if args.race is None:
        args.race = 0.05 if args.instances > 1 else 0.0
    if args.race and args.instances < 2:
        parser.error("--race needs --instances 2 or more")
    return args


def make_servers(args, workdir, binaries, postgres):
    """The bank-server processes (not started): one on SQLite, or `--instances` sharing the PostgreSQL schema."""
    if not postgres:
        data = workdir / "data"
        data.mkdir()
        return [harness.Server(binaries, data, ratelimit=False)]
    # One data directory per instance (its log); the secrets come through the environment, the same for all.
    secrets = harness.shared_secrets()
    servers = []
    for i in range(args.instances):
        data = workdir / f"data{i + 1}"
        data.mkdir()
        servers.append(harness.Server(binaries, data, ratelimit=False, database_url=postgres.url, environment=secrets,
                                      name=f"instance {i + 1}"))
    return servers


def fund_members(args, servers):
    """Signs the members up and opens their funded accounts; returns the members, every account and each one's funding."""
    members, accounts, funding = [], [], {}
    for m in range(args.members):
        base = servers[m % len(servers)].base  # members sign up and fund through every instance
        email = f"crash-{m}-{uuid.uuid4().hex[:8]}@reliability.bankkit.dev"
        member = Member(email, harness.signup(base, email, last=f"Crash{m}")["access_token"])
        for _ in range(args.accounts_per_member):
            account = harness.open_funded_account(base, member.token, DEPOSIT)
            member.accounts.append(account["id"])
            accounts.append(account["id"])
            funding[account["id"]] = DEPOSIT
        members.append(member)
    log(f"   {len(accounts)} accounts funded with {DEPOSIT} cents each")
    return members, accounts, funding


def kill_and_restart(args, rng, run, servers):
    """`args.kills` SIGKILLs of one instance (every fourth: all), each restarted; returns (style, in flight, targets) per kill."""
    multi = bool(args.postgres)
    kills = []
    for k in range(args.kills):
        style = ["random", "loaded", "recovery"][k % 3]
        # One instance, or every fourth kill all of them (with one instance: always it, and no draw from rng).
        if len(servers) == 1:
            targets = [0]
        elif k % 4 == 3:
            targets = list(range(len(servers)))
        else:
            targets = [rng.randrange(len(servers))]
        if style == "random":
            time.sleep(rng.uniform(0.5, args.max_gap))
        elif style == "loaded":  # many transfers in flight: group commits are cut
            time.sleep(rng.uniform(0.5, args.max_gap / 2))
            deadline = time.time() + 5
            wanted = args.threads * 0.75 * len(targets) / len(servers)
            while sum(run.inflight_by[t] for t in targets) < wanted and time.time() < deadline:
                time.sleep(0.002)
        else:  # right after a restart, while the retries of the last crash pour in
            time.sleep(rng.uniform(0.05, 0.4))
        with run.ops_lock:
            count = len(run.ops)
        inflight = sum(run.inflight_by[t] for t in targets)
        for t in targets:
            servers[t].kill()
        kills.append((style, inflight, tuple(targets)))
        if multi:
            which = "all instances" if len(targets) == len(servers) else servers[targets[0]].name
            log(f"   kill {k + 1}/{args.kills} ({style}, {which}): {inflight} requests in flight there, {count} transfers requested so far")
        else:
            log(f"   kill {k + 1}/{args.kills} ({style}): {inflight} requests in flight, {count} transfers requested so far")
        time.sleep(rng.uniform(0.0, 0.8))
        t0 = time.time()
        for t in targets:
            servers[t].start()
        log(f"   restarted in {time.time() - t0:.2f} s")
    return kills


def report(run, servers, accounts, kills, findings, postgres, elapsed):
    """The run's summary lines and table."""
    multi = postgres is not None
    ops = run.ops
    acked = [op for op in ops if op.acked_id]
    retried = [op for op in ops if op.transport_failures]
    committed_before_crash = [op for op in retried if op.replayed]
    log(f"== {len(ops)} transfers requested, {len(acked)} acknowledged; {len(retried)} retried after a transport failure "
        f"({len(committed_before_crash)} had committed before the crash and were replayed, "
        f"{len(retried) - len(committed_before_crash)} had not and ran on retry)")
    # Across instances: the retry answered by another instance than the first attempt went to.
    moved = [op for op in retried if op.answered_by is not None and op.answered_by != op.sent_to[0]]
    moved_replayed = [op for op in moved if op.replayed]
    raced = [op for op in ops if op.raced]
    if multi:
        log(f"   {len(moved)} retries answered by another instance than their first attempt's, {len(moved_replayed)} of them "
            f"a replay of a commit made before the crash; {len(raced)} keys raced to two instances at once")

    loaded = [n for style, n, _ in kills if style == "loaded"]
    log("")
    log("| crash safety | |")
    log("|---|---|")
    if multi:
        log(f"| database | PostgreSQL, schema {postgres.schema}, {len(servers)} bank-server instance(s) |")
    log(f"| kills (SIGKILL) | {len(kills)} ({Counter(s for s, _, _ in kills)['loaded']} with ≥ {min(loaded) if loaded else 0} requests in flight, "
        f"{Counter(s for s, _, _ in kills)['recovery']} during recovery) |")
    if multi:
        every = sum(1 for _, _, t in kills if len(t) == len(servers))
        per = Counter(t[0] for _, _, t in kills if len(t) == 1)
        log(f"| kills by target | all instances at once: {every}; " + ", ".join(f"{s.name}: {per[i]}" for i, s in enumerate(servers)) + " |")
    log(f"| transfers requested / acknowledged | {len(ops)} / {len(acked)} |")
    log(f"| retried after a crash | {len(retried)} ({len(committed_before_crash)} replayed a commit made before the crash) |")
    if multi:
        log(f"| retries answered by another instance | {len(moved)} ({len(moved_replayed)} replayed a commit made before the crash) |")
        races_ok = sum(1 for op in raced if op.fresh <= 1 and len(set(op.ids)) == 1 and len(op.ids) == 2)
        log(f"| keys raced to two instances at once | {len(raced)} ({races_ok} answered 201 by both with one transfer id, "
            f"{sum(1 for op in raced if op.fresh == 1)} with exactly one fresh answer) |")
        log("| transfers answered per instance | " + ", ".join(
            f"{s.name}: {sum(1 for op in acked if op.answered_by == i)}" for i, s in enumerate(servers)) + " |")
    log(f"| replays at the end with the same id | {len(acked) - len(findings.bad_replays)} / {len(acked)} |")
    log(f"| transfers in the database | {len(findings.rows)} rows, {len(findings.stored)} distinct |")
    if findings.records is not None:
        log(f"| idempotency records (201) | {sum(findings.records.values())} for {len(findings.records)} keys |")
    log(f"| balances = model, match: true | {len(accounts) - len(findings.mismatched)} / {len(accounts)} |")
    log(f"| bankctl verify | {findings.report.splitlines()[-1] if findings.report else ''} |")
    log(f"| elapsed | {elapsed:.0f} s |")


def main():
    args = parse_arguments()
    rng = random.Random(args.seed)
    started = time.time()
    # SIGTERM (run.sh's trap, a CI timeout) unwinds like Ctrl-C, so the servers started below are killed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    workdir = harness.make_workdir("bankkit-crash-")
    binaries = harness.Binaries(workdir)
    postgres = harness.Postgres(args.postgres, prefix="crash") if args.postgres else None
    servers = make_servers(args, workdir, binaries, postgres)
    multi = postgres is not None
    failures = []
    passed = False
    try:
        log(f"== crash safety: {args.kills} kills, {args.threads} threads, {args.members} members x {args.accounts_per_member} accounts, seed {args.seed}")
        if multi:
            log(f"   PostgreSQL {postgres.redacted}, {args.instances} instance(s), {args.race:.0%} of the keys raced to two instances")
        # One after the other: the first creates the schema, the next ones find it.
        for each in servers:
            each.start()
        if multi:
            log("   " + ", ".join(f"{each.name} on port {each.port}" for each in servers))
        members, accounts, funding = fund_members(args, servers)

        run = Run(servers, members, accounts, args)
        threads = [threading.Thread(target=run.worker, args=(i,), daemon=True) for i in range(args.threads)]
        for thread in threads:
            thread.start()
        kills = kill_and_restart(args, rng, run, servers)
        time.sleep(rng.uniform(1.0, 2.0))
        run.stop.set()
        for thread in threads:
            thread.join(timeout=120)
        if any(t.is_alive() for t in threads):
            failures.append("workers did not finish (requests never got a definite answer)")

        findings = crash_checks.check(run, servers, members, accounts, funding, postgres,
                                      None if postgres else workdir / "data" / "bank.sqlite", failures)
        report(run, servers, accounts, kills, findings, postgres, time.time() - started)
        if failures:
            log("\nCRASH SAFETY FAILED:")
            for failure in failures:
                log(" - " + failure)
            for each in servers:
                log(f"{each.name if multi else 'server'} log tail:\n{each.tail()}")
            args.keep = True
            return 1
        log("crash safety: OK")
        passed = True
        return 0
    finally:
        for each in servers:
            each.kill()
        if args.keep:
            log(f"data kept in {workdir}")
            if postgres:
                log(f"PostgreSQL schema kept: {postgres.schema} (psql: PGOPTIONS='-c search_path={postgres.schema}' psql '{postgres.libpq_url}')")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        if postgres and passed and not args.keep:
            try:
                postgres.drop()
            except Exception as error:  # the run passed; a schema left behind is not a failure
                log(f"could not drop schema {postgres.schema}: {error}")


if __name__ == "__main__":
    sys.exit(main())
