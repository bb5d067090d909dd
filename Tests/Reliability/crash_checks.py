"""The checks at the end of a crash run (crash.py), once every worker has its definite answer.

Each check appends what it found wrong to `failures`; ``check`` returns the figures the report prints.
"""
import sqlite3
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import harness
from harness import Client


@dataclass
class Findings:
    bad_replays: list  # (key, acknowledged id, what the final replay answered)
    rows: list  # the transfers table: (id, from, to, amount)
    stored: Counter  # transfer id -> rows with it
    records: Counter  # PostgreSQL: key -> idempotency records answering 201 (None on SQLite)
    mismatched: list  # accounts whose balance differs from the model or from its ledger
    report: str  # the output of `bankctl verify`


def check(run, servers, members, accounts, funding, postgres, sqlite_path, failures):
    """Checks the answers, replays every acknowledged key, compares balances with a model, stops the
    servers and reads the database itself; returns the figures for the report."""
    ops = run.ops
    acked = [op for op in ops if op.acked_id]
    if run.server_errors:
        failures.append(f"{len(run.server_errors)} 5xx answers, first: {run.server_errors[0]}")
    if run.unexpected:
        failures.append(f"{len(run.unexpected)} answers other than a matching 201, first: {run.unexpected[0]}"[:600])
    if run.id_mismatch:
        failures.append(f"{len(run.id_mismatch)} keys got two different transfer ids: {run.id_mismatch[:3]}")
    twice_fresh = [(op.key, op.ids) for op in ops if op.fresh > 1]
    if twice_fresh:
        failures.append(f"{len(twice_fresh)} keys got more than one fresh (not replayed) 201, first: {twice_fresh[0]}")
    ids = [op.acked_id for op in acked]
    if len(set(ids)) != len(ids):
        failures.append(f"{len(ids) - len(set(ids))} transfer ids acknowledged for two different keys")

    # Replay every key once more: the stored answer, same id, and nothing new applied.
    # One keep-alive connection per checking thread and instance: the long form checks about 200,000 transfers.
    # With several instances, key i is replayed and read on instance i % N.
    local = threading.local()
    clients = []
    where = {id(op): servers[i % len(servers)] for i, op in enumerate(acked)}

    def client(op):
        if not hasattr(local, "clients"):
            local.clients = {}
        target = where[id(op)]
        if target.base not in local.clients:
            local.clients[target.base] = Client(target.base, timeout=60)
            clients.append(local.clients[target.base])
        return local.clients[target.base], target

    def replay(op):
        for _ in range(50):
            connection, target = client(op)
            status, headers, body = connection.call("POST", "/transfers", op.payload, token=op.member.token, key=op.key)
            if status == 401:
                op.member.relogin(target.base)
                continue
            return status, headers.get("idempotent-replayed"), body.get("id") if isinstance(body, dict) else None
        return status, None, None

    def fetch(op):
        for _ in range(50):
            connection, target = client(op)
            status, _, body = connection.call("GET", f"/transfers/{op.acked_id}", token=op.member.token)
            if status == 401:
                op.member.relogin(target.base)
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
    for index, account in enumerate(accounts):
        base = servers[index % len(servers)].base
        status, _, body = harness.request("GET", base, f"/accounts/{account}/balance", token=member_of[account].token)
        if status == 401:
            member_of[account].relogin(base)
            status, _, body = harness.request("GET", base, f"/accounts/{account}/balance", token=member_of[account].token)
        if status != 200 or body.get("balance_cents") != model[account] or body.get("match") is not True \
                or body.get("computed_balance_cents") != model[account]:
            mismatched.append((account, model[account], status, body))
    if mismatched:
        failures.append(f"{len(mismatched)} balances differ from the model or do not match their ledger, first: {mismatched[0]}")
    if sum(model.values()) != sum(funding.values()):
        failures.append("the model does not conserve money (harness bug)")

    for each in servers:
        each.stop()
    # Ground truth: the transfers table holds exactly the acknowledged transfers, once each.
    if postgres:
        rows = [(row[0], row[1], row[2], int(row[3])) for row in
                postgres.psql("SELECT id, from_account_id, to_account_id, amount_cents FROM transfers")]
    else:
        connection = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
        rows = connection.execute("SELECT id, from_account_id, to_account_id, amount_cents FROM transfers").fetchall()
        connection.close()
    stored = Counter(row[0] for row in rows)
    duplicates = [i for i, n in stored.items() if n > 1]
    extra = set(stored) - set(ids)
    missing = set(ids) - set(stored)
    if duplicates or extra or missing:
        failures.append(f"transfers table vs acknowledgements: {len(duplicates)} duplicated, {len(extra)} never acknowledged "
                        f"(applied twice or lost answers), {len(missing)} acknowledged but missing")
    records = None
    if postgres:
        # The idempotency records: exactly one per key, answering 201 (a key stored twice could replay two answers).
        records = Counter(row[0] for row in postgres.psql("SELECT key, status FROM idempotency_records WHERE key LIKE 'crash-%'")
                          if row[1] == "201")
        all_records = Counter(row[0] for row in postgres.psql("SELECT key FROM idempotency_records WHERE key LIKE 'crash-%'"))
        keys = {op.key for op in acked}
        if any(n > 1 for n in all_records.values()) or set(all_records) != keys or set(records) != keys:
            failures.append(f"idempotency records vs acknowledged keys: {sum(1 for n in all_records.values() if n > 1)} keys stored twice, "
                            f"{len(set(all_records) - keys)} never acknowledged, {len(keys - set(records))} acknowledged keys without a 201 record")

    verified, report = servers[0].verify()
    if not verified:
        failures.append(f"bankctl verify failed:\n{report}")

    return Findings(bad_replays, rows, stored, records, mismatched, report)
