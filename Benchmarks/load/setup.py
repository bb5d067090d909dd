#!/usr/bin/env python3
"""Creates members and funded accounts through the API for the load benchmark, or checks the money afterwards.

  setup.py create BASE_URL DATA_FILE [--members N] [--accounts-per-member K] [--deposit CENTS]
  setup.py held   DATABASE                         # prints the money members hold, in cents
  setup.py postings DATABASE                       # prints the number of postings
  setup.py check  DATABASE EXPECTED_TOTAL_CENTS
  setup.py logins BASE_URL RATE SECONDS            # logs load-0 in RATE times a second; prints a summary line

DATABASE is the SQLite file, or the postgres:// URL the server used (DATABASE_URL, read with psql).

The data file has one line per account: "<access token> <account id>" (members own several lines).
"""
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def call(base, method, path, body=None, token=None, key=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", "Bearer " + token)
    if key:
        request.add_header("idempotency-key", key)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def create(base, data_file, members, per_member, deposit):
    def member(index):
        email = f"load-{index}@bench.bankkit.dev"
        session = call(base, "POST", "/auth/signup", {"email": email, "password": "load benchmark password", "first_name": "Load", "last_name": f"Member{index}"})
        token = session["access_token"]
        lines = []
        for n in range(per_member):
            account = call(base, "POST", "/accounts", {"account_type": "checking"}, token)
            call(base, "POST", f"/accounts/{account['id']}/transactions", {"type": "credit", "amount_cents": deposit}, token, key=f"fund-{account['id']}")
            lines.append(f"{token} {account['id']}")
        return lines

    with ThreadPoolExecutor(max_workers=8) as pool:
        lines = [line for chunk in pool.map(member, range(members)) for line in chunk]
    with open(data_file, "w") as out:
        out.write("\n".join(lines) + "\n")
    print(f"created {members} members, {len(lines)} accounts, {deposit} cents each")


def postgres_query(url):
    """A function running one query through psql against BankKit's URL (whose search_path= libpq does not know)."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    environment = dict(os.environ)
    if "search_path" in query:
        environment["PGOPTIONS"] = "-c search_path=" + query["search_path"][0]
    plain = urllib.parse.urlunsplit(parts._replace(query=""))

    def run(sql):
        output = subprocess.run(["psql", plain, "-At", "-F", " ", "-c", sql], env=environment, check=True, capture_output=True, text=True)
        return tuple(int(value) for value in output.stdout.split())
    return run


def database_query(database):
    if database.startswith(("postgres://", "postgresql://")):
        return postgres_query(database)
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    return lambda sql: connection.execute(sql).fetchone()


def held(database):
    print(database_query(database)("SELECT COALESCE(SUM(balance_cents), 0) FROM accounts WHERE system_code IS NULL")[0])


def postings(database):
    print(database_query(database)("SELECT COUNT(*) FROM postings")[0])


def logins(base, rate, seconds):
    """Logs the first benchmark member in `rate` times a second for `seconds`, each login on its own thread
    so that a slow one does not slow the pace; prints how many, how many failed, and their latency."""
    latencies, failures, lock = [], [0], threading.Lock()

    def one():
        start = time.monotonic()
        try:
            call(base, "POST", "/auth/login", {"email": "load-0@bench.bankkit.dev", "password": "load benchmark password"})
            with lock:
                latencies.append(time.monotonic() - start)
        except Exception:  # noqa: BLE001 - any failure counts, whatever its kind
            with lock:
                failures[0] += 1

    threads, begin = [], time.monotonic()
    for index in range(int(rate * seconds)):
        time.sleep(max(0.0, begin + index / rate - time.monotonic()))
        thread = threading.Thread(target=one)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    latencies.sort()
    percentile = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0  # noqa: E731
    print(f"logins={len(latencies) + failures[0]} failed={failures[0]} p50_ms={percentile(0.5):.1f} p99_ms={percentile(0.99):.1f}")


def check(database, expected):
    query = database_query(database)
    held = query("SELECT COALESCE(SUM(balance_cents), 0) FROM accounts WHERE system_code IS NULL")[0]
    postings = query("SELECT COALESCE(SUM(amount_cents), 0), COUNT(*) FROM postings")
    transfers = query("SELECT COUNT(*) FROM transfers")[0]
    print(f"money held by members: {held} cents (expected {expected}); postings sum {postings[0]} over {postings[1]} postings; {transfers} transfers")
    if held != expected or postings[0] != 0:
        print("MONEY NOT CONSERVED")
        sys.exit(1)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["create"]:
        options = dict(zip(args[3::2], args[4::2]))
        create(args[1], args[2], int(options.get("--members", 100)), int(options.get("--accounts-per-member", 10)), int(options.get("--deposit", 1_000_000)))
    elif args[:1] == ["check"]:
        check(args[1], int(args[2]))
    elif args[:1] == ["held"]:
        held(args[1])
    elif args[:1] == ["postings"]:
        postings(args[1])
    elif args[:1] == ["logins"]:
        logins(args[1], float(args[2]), float(args[3]))
    else:
        print(__doc__)
        sys.exit(2)
