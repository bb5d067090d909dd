#!/usr/bin/env python3
"""Soak: mixed traffic at a steady rate for a long time, with the server's resident memory sampled.

  Tests/Reliability/soak.py                   # long form: 10 min at 560 transfers/s plus the mix below, about 900
                                              # requests/s: half the release load benchmark's 1,744 transfers/s
                                              # (2026-12-03) in requests; RSS growth < 20 % (see README)
  Tests/Reliability/soak.py --short           # short form: 20 s at 60 transfers/s, RSS reported, not asserted (make test)
  Tests/Reliability/soak.py --duration 300 --rate 200 --warmup 60 --rss-limit 0.2
  BANKKIT_BIN=.build/release Tests/Reliability/soak.py   # the documented soak runs against a release build

Traffic, per transfer: 0.2 card purchases, 0.2 balance reads, 0.1 transaction-list reads, 0.05 account reads,
0.04 statements (JSON or CSV), 0.01 transfer reads, and 2 logins a second (Argon2id is deliberately slow).
Open-loop pacing: every worker thread sends on a fixed schedule; when the server falls behind, the missed
slots are counted and skipped (no burst), and the achieved rate is reported next to the target.

Asserts: no transport error, no 5xx, no answer other than the expected one for any request (tokens that
expire are renewed by logging in again, and not counted as errors); the server's resident memory at the end
(its floor over the last 60 s: the 10th percentile of one-second samples) is less than (1 + rss-limit) x its floor
over the 60 s after the warm-up (long form; `--short` only reports it); medians and the peak are reported beside
it. A floor, because each login's Argon2id hash holds a 19 MiB buffer while it runs (a few hundred ms on a loaded
machine, two logins a second): a median or mean over a window moved by 20 MiB with how slow the hashes happened to
be, while growth that stays (a leak, a cache that keeps filling) raises the floor; every
account's balance matches its ledger (`match: true`), money is conserved (funding - purchases = money
held by members) and `bankctl verify` exits 0. Exit status 1 on any failed assertion.
"""
import argparse
import datetime
import multiprocessing
import random
import shutil
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import harness
from harness import Client, log

DEPOSIT = 100_000_000
MIX = [  # (operation, share per transfer)
    ("transfer", 1.0), ("purchase", 0.2), ("balance", 0.2), ("transactions", 0.1), ("account", 0.05),
    ("statement", 0.02), ("statement_csv", 0.02), ("transfer_read", 0.01),
]
RSS_WINDOW = 60  # seconds of one-second RSS samples after the warm-up and at the end that are compared
EXPECTED = {"transfer": 201, "purchase": 201, "balance": 200, "transactions": 200, "account": 200, "statement": 200,
            "statement_csv": 200, "transfer_read": 200, "login": 200}


def setup_member(base, index, per_member):
    email = f"soak-{index}-{uuid.uuid4().hex[:8]}@reliability.bankkit.dev"
    token = harness.signup(base, email, last=f"Soak{index}")["access_token"]
    accounts = []
    for _ in range(per_member):
        account = harness.open_funded_account(base, token, DEPOSIT)
        status, _, issued = harness.request("POST", base, f"/accounts/{account['id']}/cards", {}, token=token)
        harness.ok(status, issued, 201, "issue card")
        accounts.append((account["id"], issued["card"]["id"]))
    return {"email": email, "token": token, "accounts": accounts}


def worker_process(base, members, all_accounts, rate, threads, deadline, seed, results, progress, process_count):
    """One client process: `threads` threads, each sending mixed operations on a fixed schedule."""
    total_share = sum(share for _, share in MIX)
    names = [name for name, _ in MIX]
    weights = [share for _, share in MIX]
    counts = Counter()
    errors = []
    purchases = Counter()  # account id -> cents bought
    transfers = []  # (id) of acknowledged transfers, for the read mix
    lock = threading.Lock()
    tokens = {m["email"]: m["token"] for m in members}
    latencies = {}  # operation -> seconds of each answered request

    def relogin(email):
        status, _, body = harness.request("POST", base, "/auth/login", {"email": email, "password": "reliability password 1"})
        if status == 200:
            with lock:
                tokens[email] = body["access_token"]
        return status

    def thread_main(index):
        rng = random.Random(seed * 1000 + index)
        client = Client(base, timeout=30)
        interval = threads / (rate * total_share)
        next_at = time.time() + rng.random() * interval
        local = Counter()
        local_latencies = {}
        while True:
            now = time.time()
            if now >= deadline:
                break
            if next_at > now:
                time.sleep(next_at - now)
            elif now - next_at > 1.0:  # far behind: skip the missed slots rather than burst
                missed = int((now - next_at) / interval)
                local["missed_slots"] += missed
                next_at += missed * interval
            next_at += interval
            member = rng.choice(members)
            account, card = rng.choice(member["accounts"])
            operation = rng.choices(names, weights)[0]
            today = datetime.date.today()
            for attempt in range(2):
                token = tokens[member["email"]]
                sent = time.monotonic()
                try:
                    if operation == "transfer":
                        target = rng.choice(all_accounts)
                        while target == account:
                            target = rng.choice(all_accounts)
                        status, _, body = client.call("POST", "/transfers", {"from_account_id": account, "to_account_id": target,
                                                                             "amount_cents": rng.randint(1, 100)},
                                                      token=token, key=f"soak-{uuid.uuid4()}")
                        if status == 201 and len(transfers) < 1000:
                            transfers.append((member["email"], body["id"]))
                    elif operation == "purchase":
                        amount = rng.randint(1, 100)
                        status, _, body = client.call("POST", f"/accounts/{account}/transactions",
                                                      {"type": "debit", "amount_cents": amount, "card_id": card, "description": "soak purchase",
                                                       "category": "groceries"}, token=token, key=f"soak-{uuid.uuid4()}")
                        if status == 201:
                            with lock:
                                purchases[account] += amount
                    elif operation == "balance":
                        status, _, body = client.call("GET", f"/accounts/{account}/balance", token=token)
                        if status == 200 and body.get("match") is not True:
                            errors.append(f"balance of {account} does not match its ledger: {body}")
                    elif operation == "transactions":
                        status, _, body = client.call("GET", f"/accounts/{account}/transactions?limit=20", token=token)
                    elif operation == "account":
                        status, _, body = client.call("GET", f"/accounts/{account}", token=token)
                    elif operation == "statement":
                        status, _, body = client.call("GET", f"/accounts/{account}/statements?year={today.year}&month={today.month}", token=token)
                    elif operation == "statement_csv":
                        status, _, body = client.call("GET", f"/accounts/{account}/statements/{today.year}-{today.month:02d}.csv", token=token)
                    elif operation == "transfer_read":
                        if not transfers:
                            operation = "account"
                            status, _, body = client.call("GET", f"/accounts/{account}", token=token)
                        else:
                            email, transfer = rng.choice(transfers)
                            status, _, body = client.call("GET", f"/transfers/{transfer}", token=tokens[email])
                except Exception as error:  # transport failure
                    local["transport_errors"] += 1
                    if len(errors) < 20:
                        errors.append(f"{operation}: {type(error).__name__}: {error}")
                    break
                if status == 401 and attempt == 0:  # the 15-minute access token expired: log in again, once
                    local["relogins"] += 1
                    relogin(member["email"])
                    continue
                local[operation] += 1
                local_latencies.setdefault(operation, []).append(time.monotonic() - sent)
                if status != EXPECTED[operation]:
                    local["bad_status"] += 1
                    if status >= 500:
                        local["5xx"] += 1
                    if len(errors) < 20:
                        errors.append(f"{operation}: {status} {body!r}"[:300])
                break
            with progress.get_lock():
                progress.value += 1
        client.close()
        with lock:
            counts.update(local)
            for name, values in local_latencies.items():
                latencies.setdefault(name, []).extend(values)

    def login_loop():  # 2 logins a second across all processes, spread over them
        rng = random.Random(seed)
        interval = process_count / 2.0
        next_at = time.time() + rng.random() * interval
        while time.time() < deadline:
            time.sleep(max(0.0, next_at - time.time()))
            next_at += interval
            member = rng.choice(members)
            try:
                status = relogin(member["email"])
            except Exception as error:
                with lock:
                    counts["transport_errors"] += 1
                errors.append(f"login: {error}")
                continue
            with lock:
                counts["login"] += 1
                if status != 200:
                    counts["bad_status"] += 1
                    errors.append(f"login: {status}")

    pool = [threading.Thread(target=thread_main, args=(i,)) for i in range(threads)] + [threading.Thread(target=login_loop)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    results.put({"counts": dict(counts), "errors": errors, "purchases": dict(purchases),
                 "latencies": {name: sorted(values)[::max(1, len(values) // 2000)] for name, values in latencies.items()}})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help="20 s at 60 transfers/s, few accounts, RSS not asserted")
    parser.add_argument("--duration", type=float, help="seconds of traffic (600; 20 with --short)")
    parser.add_argument("--rate", type=float, help="transfers per second; the rest of the mix is proportional (560, about 900 requests/s in all; 60 with --short)")
    parser.add_argument("--warmup", type=float, help="seconds after which the RSS baseline (floor of the next 60 s) is taken (60; 5 with --short)")
    parser.add_argument("--rss-limit", type=float, help="largest allowed RSS growth after the warm-up, as a fraction (0.20; not asserted with --short)")
    parser.add_argument("--members", type=int, help="members (250, so 1,000 accounts as in the load benchmark; 8 with --short), each with --accounts-per-member funded accounts and a card each")
    parser.add_argument("--accounts-per-member", type=int, default=4)
    parser.add_argument("--processes", type=int, default=max(2, multiprocessing.cpu_count()), help="client processes")
    parser.add_argument("--threads", type=int, help="threads per client process (24; 6 with --short)")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    args.duration = args.duration or (20.0 if args.short else 600.0)
    args.rate = args.rate or (60.0 if args.short else 560.0)
    args.warmup = args.warmup if args.warmup is not None else (5.0 if args.short else 60.0)
    args.members = args.members or (8 if args.short else 250)
    args.threads = args.threads or (6 if args.short else 24)
    rss_limit = args.rss_limit if args.rss_limit is not None else (None if args.short else 0.20)

    workdir = harness.make_workdir("bankkit-soak-")
    data = workdir / "data"
    data.mkdir()
    binaries = harness.Binaries(workdir)
    server = harness.Server(binaries, data, ratelimit=False)
    failures = []
    processes = []
    try:
        log(f"== soak: {args.duration:.0f} s at {args.rate:g} transfers/s (+ mix), {args.members} members x {args.accounts_per_member} accounts, "
            f"{args.processes} processes x {args.threads} threads, binaries from {binaries.server.parent}")
        server.start()
        with ThreadPoolExecutor(max_workers=8) as pool:
            members = list(pool.map(lambda i: setup_member(server.base, i, args.accounts_per_member), range(args.members)))
        all_accounts = [a for m in members for a, _ in m["accounts"]]
        log(f"   {len(all_accounts)} accounts funded with {DEPOSIT} cents and a card each")

        results = multiprocessing.Queue()
        progress = multiprocessing.Value("l", 0)
        start = time.time()
        deadline = start + args.duration
        share = [members[i::args.processes] for i in range(args.processes)]
        for i in range(args.processes):
            p = multiprocessing.Process(target=worker_process, args=(server.base, share[i] or members, all_accounts, args.rate / args.processes,
                                                                     args.threads, deadline, args.seed + i, results, progress, args.processes))
            p.start()
            processes.append(p)

        samples = []  # (seconds since start, RSS KiB)
        last_report = start
        last_count = 0
        while time.time() < deadline:
            time.sleep(1.0)
            now = time.time()
            samples.append((now - start, server.rss_kib()))
            if now - last_report >= max(10.0, args.duration / 20):
                count = progress.value
                log(f"   t={now - start:4.0f} s  {(count - last_count) / (now - last_report):6.0f} requests/s  RSS {samples[-1][1] / 1024:.1f} MiB")
                last_report, last_count = now, count
            if not server.alive():
                failures.append("the server died during the soak")
                break
        outcomes = [results.get(timeout=120) for _ in processes]
        for p in processes:
            p.join(timeout=30)
        elapsed = time.time() - start

        counts = Counter()
        latencies = {}  # operation -> a sample of its latencies (each process sends up to 2,000, evenly spread)
        errors = []
        purchases = Counter()
        for outcome in outcomes:
            counts.update(outcome["counts"])
            for name, values in outcome["latencies"].items():
                latencies.setdefault(name, []).extend(values)
            errors += outcome["errors"]
            purchases.update(outcome["purchases"])
        operations = {name: counts[name] for name in list(EXPECTED)}
        total = sum(operations.values())
        if counts["transport_errors"] or counts["bad_status"]:
            failures.append(f"{counts['transport_errors']} transport errors, {counts['bad_status']} unexpected answers "
                            f"({counts['5xx']} 5xx); first: {errors[:5]}")
        elif errors:
            failures.append(f"{errors[:5]}")

        # Memory: the floor (10th percentile) of the 60 s after the warm-up against that of the last 60 s; see the
        # docstring for why a floor. Medians are reported beside it.
        after = [kib for t, kib in samples if args.warmup <= t < args.warmup + RSS_WINDOW and kib]
        tail = [kib for t, kib in samples[-RSS_WINDOW:] if kib]
        def floor(values):
            return sorted(values)[len(values) // 10] if values else 0
        baseline, final = floor(after), floor(tail)
        medians = (statistics.median(after) if after else 0, statistics.median(tail) if tail else 0)
        peak = max((kib for _, kib in samples), default=0)
        growth = (final / baseline - 1) if baseline else 0.0
        if rss_limit is not None and baseline and growth >= rss_limit:
            failures.append(f"RSS grew {growth:.1%} after the warm-up ({baseline / 1024:.1f} -> {final / 1024:.1f} MiB), limit {rss_limit:.0%}")

        # Money: every balance matches its ledger; members hold the funding minus what their cards bought.
        held = 0
        for member in members:
            token = harness.login(server.base, member["email"])["access_token"]
            for account, _ in member["accounts"]:
                status, _, body = harness.request("GET", server.base, f"/accounts/{account}/balance", token=token)
                if status != 200 or body.get("match") is not True:
                    failures.append(f"balance of {account}: {status} {body}")
                else:
                    held += body["balance_cents"]
        expected_held = DEPOSIT * len(all_accounts) - sum(purchases.values())
        if held != expected_held:
            failures.append(f"money not conserved: members hold {held} cents, expected {expected_held}")
        server.stop()
        verified, report = server.verify()
        if not verified:
            failures.append(f"bankctl verify failed:\n{report}")

        log("")
        log("| soak | |")
        log("|---|---|")
        log(f"| duration | {elapsed:.0f} s |")
        log(f"| transfers/s (target {args.rate:g}) | {operations['transfer'] / elapsed:.0f} |")
        log(f"| requests | {total} ({total / elapsed:.0f}/s): " + ", ".join(f"{k} {v}" for k, v in operations.items()) + " |")
        def percentile(values, fraction):
            values = sorted(values)
            return values[min(len(values) - 1, int(fraction * len(values)))] * 1000
        log("| latency p50 / p99 (ms) | " + ", ".join(f"{name} {percentile(v, 0.5):.0f} / {percentile(v, 0.99):.0f}"
                                                        for name, v in latencies.items() if v) + " |")
        log(f"| missed slots (server behind) | {counts['missed_slots']} |")
        log(f"| errors | {counts['transport_errors']} transport, {counts['bad_status']} unexpected status ({counts['5xx']} 5xx) |")
        log(f"| token renewals | {counts['relogins']} |")
        log(f"| RSS floor after warm-up → end | {baseline / 1024:.1f} → {final / 1024:.1f} MiB, {growth:+.1%}"
            + ("" if rss_limit is None else f", limit +{rss_limit:.0%}") + " |")
        log(f"| RSS median after warm-up → end (peak) | {medians[0] / 1024:.1f} → {medians[1] / 1024:.1f} MiB (peak {peak / 1024:.1f} MiB) |")
        log(f"| money held by members | {held} cents (expected {expected_held}) |")
        log(f"| bankctl verify | {report.splitlines()[-1] if report else ''} |")
        if counts["missed_slots"]:
            log(f"note: the server did not keep up with the target rate ({counts['missed_slots']} slots skipped)")
        if failures:
            log("\nSOAK FAILED:")
            for failure in failures:
                log(" - " + str(failure)[:2000])
            log(f"server log tail:\n{server.tail()}")
            args.keep = True
            return 1
        log("soak: OK")
        return 0
    finally:
        for p in processes:
            if p.is_alive():
                p.kill()
        server.kill()
        if args.keep:
            log(f"data kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
