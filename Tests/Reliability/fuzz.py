#!/usr/bin/env python3
"""API fuzzing with schemathesis 4.x against bank-server's own /openapi.json, over every operation and
as every kind of caller, then the ledger invariants.

  Tests/Reliability/fuzz.py            # short form: 25 examples per operation as a member, 10 as the others (~2-3 min, debug build)
  Tests/Reliability/fuzz.py --long     # long form: 3 seeds x 300 examples per operation as a member, 100 as the others
  Tests/Reliability/fuzz.py --max-examples 50 --seed 7 --keep

The server starts on a fresh data directory and a free port. Before fuzzing, a small bank is built
through the API (a member with funded accounts, a card, deposits, a card purchase, a transfer, service
requests; a second member; an employee and an admin promoted with `bankctl promote`), and the real ids
go into a generated schemathesis.toml as dictionaries, bound to the id parameters and body fields with
probability 0.6, so the fuzzer reaches the logic behind the 404s as well as the 404s.

Passes, each `schemathesis run` with all phases (examples, coverage, fuzzing, stateful):
  1. member, with rate limits ON (a documented 429 is a conforming answer);
  2. member, employee, admin and anonymous, with rate limits OFF (the server restarted on the same
     data directory), so that the logic behind login, signup, password change and card reveal is
     fuzzed and not only their 429s; a fresh token is taken before each pass;
  3. POST /auth/logout last and alone, with a throwaway session (it revokes the token it is given).
Checks: not_a_server_error, status_code_conformance, content_type_conformance,
response_headers_conformance, response_schema_conformance (no check is excluded).
Afterwards `bankctl verify` must pass and GET /accounts/{id}/balance must report `match: true` for
every seeded account. Exit status 1 if any pass fails.
Needs `schemathesis` 4.x importable by this python3 (Tests/Reliability/run.sh installs it when missing).
"""
import argparse
import json
import shutil
import subprocess
import sys
import time
import uuid

import harness
from harness import log, request

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance"
PASSWORD = "reliability password 1"
SCHEMATHESIS = "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = 'schemathesis'; sys.exit(schemathesis())"


def toml_string(value):
    return json.dumps(str(value))  # a JSON string of printable ASCII is a TOML basic string


def call_ok(method, base, path, body=None, token=None, key=None, expect=(200, 201)):
    status, _, answer = request(method, base, path, body, token=token, key=key)
    if status not in expect:
        raise RuntimeError(f"{method} {path}: {status} {answer!r}"[:400])
    return answer


def seed_bank(server):
    """Builds a small bank through the API and returns the ids the fuzzer should know about."""
    base = server.base
    tag = uuid.uuid4().hex[:8]
    emails = {role: f"fuzz-{role}-{tag}@reliability.bankkit.dev" for role in ("member", "other", "employee", "admin", "logout")}
    users = {role: harness.signup(base, email, first="Fuzz", last=role.title()) for role, email in emails.items()}
    token = users["member"]["access_token"]
    checking = call_ok("POST", base, "/accounts", {"account_type": "checking", "nickname": "Fuzz checking"}, token=token)
    savings = call_ok("POST", base, "/accounts", {"account_type": "savings"}, token=token)
    empty = call_ok("POST", base, "/accounts", {"account_type": "savings", "nickname": "empty"}, token=token)
    other_token = users["other"]["access_token"]
    other = call_ok("POST", base, "/accounts", {"account_type": "checking"}, token=other_token)
    transactions = []
    for account, t in ((checking, token), (savings, token), (other, other_token)):
        transactions.append(call_ok("POST", base, f"/accounts/{account['id']}/transactions",
                                    {"type": "credit", "amount_cents": 5_000_000, "description": "salary", "category": "income"},
                                    token=t, key=f"seed-{account['id']}")["id"])
    issued = call_ok("POST", base, f"/accounts/{checking['id']}/cards", {}, token=token, key=f"card-{checking['id']}")
    card = issued["card"]["id"]
    other_card = call_ok("POST", base, f"/accounts/{other['id']}/cards", {}, token=other_token)["card"]["id"]
    transactions.append(call_ok("POST", base, f"/accounts/{checking['id']}/transactions",
                                {"type": "debit", "amount_cents": 1234, "description": "coffee", "category": "dining", "card_id": card},
                                token=token)["id"])
    transactions.append(call_ok("POST", base, f"/accounts/{checking['id']}/transactions",
                                {"type": "debit", "amount_cents": 4500, "description": "groceries", "category": "groceries"}, token=token)["id"])
    transfer = call_ok("POST", base, "/transfers", {"from_account_id": checking["id"], "to_account_id": savings["id"], "amount_cents": 2500,
                                                    "description": "to savings"}, token=token)
    transfer2 = call_ok("POST", base, "/transfers", {"from_account_id": savings["id"], "to_account_number": other["account_number"],
                                                     "amount_cents": 700}, token=token)
    transactions += [transfer["debit_transaction"]["id"], transfer["credit_transaction"]["id"]]
    requests = [
        call_ok("POST", base, "/service-requests", {"type": "limit_increase", "account_id": checking["id"],
                                                     "details": {"account_id": checking["id"], "daily_limit_cents": 900_000}}, token=token),
        call_ok("POST", base, "/service-requests", {"type": "name_change", "details": {"first_name": "Fuzzy", "last_name": "Member"}}, token=token),
        call_ok("POST", base, "/service-requests", {"type": "transaction_dispute", "transaction_id": transactions[-3],
                                                     "details": {"transaction_id": transactions[-3], "reason": "never arrived"}}, token=token),
    ]
    for role in ("employee", "admin"):
        result = server.bankctl("promote", emails[role], "--role", role)
        if result.returncode != 0:
            raise RuntimeError(f"bankctl promote {role}: {result.stdout}{result.stderr}")
        users[role] = harness.login(base, emails[role], PASSWORD)  # a session that carries the new role
    return {
        "emails": emails,
        "accounts": [checking["id"], savings["id"], empty["id"], other["id"]],
        "account_numbers": [checking["account_number"], savings["account_number"], other["account_number"]],
        "cards": [card, other_card],
        "transactions": transactions,
        "transfers": [transfer["id"], transfer2["id"]],
        "requests": [r["id"] for r in requests],
        "users": [users[r]["user"]["id"] for r in ("member", "other", "employee")],
        "member_accounts": {checking["id"], savings["id"], empty["id"]},
        "refresh_tokens": {role: users[role]["refresh_token"] for role in users},
    }


def write_config(path, ids, probability=0.6):
    """schemathesis.toml: dictionaries of real ids bound to the parameters and body fields that take them."""
    year = time.gmtime().tm_year
    month = time.gmtime().tm_mon
    periods = [f"{year}-{month:02d}", f"{year}-{(month - 2) % 12 + 1:02d}" if month > 1 else f"{year - 1}-12", "1999-01"]
    dictionaries = {
        "accounts": ids["accounts"], "account_numbers": ids["account_numbers"], "cards": ids["cards"],
        "transactions": ids["transactions"], "transfers": ids["transfers"], "requests": ids["requests"],
        "users": ids["users"], "periods": periods, "years": [year, year - 1], "months": [month, 1, 12],
    }
    lines = ["# Generated by Tests/Reliability/fuzz.py: real ids of the seeded bank, offered to the fuzzer.", ""]
    for name, values in dictionaries.items():
        lines.append(f"[dictionaries.{name}]")
        lines.append("values = [" + ", ".join(str(v) if isinstance(v, int) else toml_string(v) for v in values) + "]")
        lines.append("")

    def binding(name):
        return f'{{ dictionary = "{name}", probability = {probability} }}'

    body = {"body.from_account_id": "accounts", "body.to_account_id": "accounts", "body.account_id": "accounts",
            "body.to_account_number": "account_numbers", "body.card_id": "cards", "body.transaction_id": "transactions",
            "body.details.account_id": "accounts", "body.details.card_id": "cards", "body.details.transaction_id": "transactions",
            "query.account_number": "account_numbers", "query.account_id": "accounts", "query.year": "years", "query.month": "months",
            "path.transaction_id": "transactions", "path.period": "periods"}
    lines.append("[parameters]")
    for key, name in body.items():
        lines.append(f"{toml_string(key)} = {binding(name)}")
    lines.append("")
    path_ids = [
        (r"^/(admin/)?accounts/\{id\}", "accounts"),
        (r"^/cards/\{id\}", "cards"),
        (r"^/transfers/\{id\}", "transfers"),
        (r"^/(employee/)?service-requests/\{id\}", "requests"),
        (r"^/(employee|admin)/users/\{id\}", "users"),
        (r"^/admin/transactions/\{id\}", "transactions"),
    ]
    for regex, name in path_ids:
        lines.append("[[operations]]")
        lines.append(f"include-path-regex = {toml_string(regex)}")
        lines.append("parameters = { " + ", ".join([f'"path.id" = {binding(name)}'] + [f"{toml_string(k)} = {binding(v)}" for k, v in body.items()]) + " }")
        lines.append("")
    path.write_text("\n".join(lines))


class Sessions:
    """A fresh access token per role, through POST /auth/refresh rather than a login: the stateful phase
    links emails it reads (GET /account-holders/me, /admin/users) to POST /auth/login with wrong passwords,
    and five of those lock the user for 15 minutes; a lock does not stop a refresh."""

    def __init__(self, server, refresh_tokens):
        self.server = server
        self.refresh_tokens = dict(refresh_tokens)

    def token(self, role):
        status, _, body = request("POST", self.server.base, "/auth/refresh", {"refresh_token": self.refresh_tokens[role]})
        if status != 200:
            raise RuntimeError(f"refresh {role}: {status} {body}")
        self.refresh_tokens[role] = body["refresh_token"]
        return body["access_token"]


def schemathesis_run(server, config, name, token, examples, seed, report_dir, extra=(), checks=CHECKS):
    # One worker: with two, hypothesis' lambda descriptions race in CPython 3.11's ast.parse (SystemError).
    command = [sys.executable, "-c", SCHEMATHESIS, "--config-file", str(config), "--no-color", "run", f"{server.base}/openapi.json",
               "--checks", checks, "--max-examples", str(examples), "--seed", str(seed), "--workers", "1",
               "--request-timeout", "30", "--report", "junit", "--report-dir", str(report_dir / name.replace(" ", "-")),
               "--warnings", "off", *extra]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    t0 = time.time()
    result = subprocess.run(command, capture_output=True, text=True)
    output = result.stdout + result.stderr
    summary = summarize(output)
    log(f"   {name}: {summary} in {time.time() - t0:.0f} s, exit {result.returncode}")
    return result.returncode == 0, output, summary


def summarize(output):
    """'N operations, M test cases (generated/passed/failed)' from schemathesis' summary."""
    tested = generated = ""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith("Tested:"):
            tested = line.split(":", 1)[1].strip()
        if line.strip() == "Test cases:" and i + 1 < len(lines):
            generated = lines[i + 1].strip()
    return f"{tested or '?'} operations, {generated or '?'}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--long", action="store_true", help="3 seeds x 300 examples per operation (member), 100 (other callers)")
    parser.add_argument("--max-examples", type=int, help="examples per operation for the member passes (25; 300 with --long)")
    parser.add_argument("--other-examples", type=int, help="examples per operation for employee, admin, anonymous (10; 100 with --long)")
    parser.add_argument("--checks", default=CHECKS, help="schemathesis checks (default: the five above; `all` to explore)")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--keep", action="store_true", help="keep the data directory and reports (the path is printed)")
    args = parser.parse_args()
    member_examples = args.max_examples or (300 if args.long else 25)
    other_examples = args.other_examples or (100 if args.long else 10)
    seeds = [args.seed + i for i in range(3 if args.long else 1)]

    try:
        import schemathesis  # noqa: F401
    except ImportError:
        sys.exit("schemathesis is not installed for this python3: `python3 -m pip install 'schemathesis>=4,<5'` (run.sh does it)")

    workdir = harness.make_workdir("bankkit-fuzz-")
    data = workdir / "data"
    data.mkdir()
    reports = workdir / "reports"
    binaries = harness.Binaries(workdir)
    server = harness.Server(binaries, data, ratelimit=True)
    failures = []
    results = []
    started = time.time()
    try:
        log(f"== fuzzing: schemathesis, {member_examples} examples per operation as a member, {other_examples} as the others, seeds {seeds}")
        server.start()
        ids = seed_bank(server)
        config = workdir / "schemathesis.toml"
        write_config(config, ids)
        sessions = Sessions(server, ids["refresh_tokens"])

        def run(name, token, examples, seed, extra=()):
            ok, output, summary = schemathesis_run(server, config, name, token, examples, seed, reports, extra, args.checks)
            results.append((name, summary, ok))
            if not ok:
                failures.append(name)
                log(output[-20000:])

        everything_but_logout = ("--exclude-path", "/auth/logout")
        run("member, rate limits on", sessions.token("member"), member_examples, seeds[0], everything_but_logout)

        server.stop()
        server.ratelimit = False
        server.start()
        for seed in seeds:
            for role in ("member", "employee", "admin"):
                run(f"{role}" + (f" seed {seed}" if len(seeds) > 1 else ""), sessions.token(role),
                    member_examples if role == "member" else other_examples, seed, everything_but_logout)
            run("anonymous" + (f" seed {seed}" if len(seeds) > 1 else ""), None, other_examples, seed, everything_but_logout)
        run("logout", sessions.token("logout"), other_examples, seeds[0], ("--include-path", "/auth/logout"))

        # The money after the fuzzing: every seeded account's cached balance equals its ledger's, and verify passes.
        token = sessions.token("member")
        for account in ids["member_accounts"]:
            status, _, body = request("GET", server.base, f"/accounts/{account}/balance", token=token)
            if status != 200 or body.get("match") is not True:
                failures.append(f"balance of {account}: {status} {body}")
        server.stop()
        verified, report = server.verify()
        if not verified:
            failures.append(f"bankctl verify failed:\n{report}")

        log("")
        log("| fuzz pass | tested | passed |")
        log("|---|---|---|")
        for name, summary, ok in results:
            log(f"| {name} | {summary} | {'yes' if ok else 'NO'} |")
        log(f"bankctl verify: {report.splitlines()[-1] if report else ''}; elapsed {time.time() - started:.0f} s")
        if failures:
            log("FUZZING FAILED: " + "; ".join(failures))
            log(f"server log tail:\n{server.tail()}")
            args.keep = True
            return 1
        log("fuzzing: OK")
        return 0
    finally:
        server.kill()
        if args.keep:
            log(f"data and reports kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
