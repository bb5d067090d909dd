public import BankCore
public import Foundation
import Sodium
public import Storage

/// Accounts, credits, debits, balances and the transaction history: a double-entry ledger in integer cents.
///
/// Every posted movement is a set of postings that sum to zero, against the system accounts for money
/// entering or leaving the bank. An account's cached balance changes only in the transaction that
/// writes its postings, and the schema refuses a negative member balance.
public struct LedgerService: Sendable {
    let database: BankDatabase
    let clock: BankClock
    package let journal: Journal

    /// Creates the service over a database migrated with ``LedgerModule``.
    public init(database: BankDatabase, clock: BankClock = .live, ids: IDSource = .live) {
        self.database = database
        self.clock = clock
        self.journal = Journal(ids: ids)
    }

    // MARK: - Accounts

    /// Opens an account with a new unique 10-digit number. - Throws: `ValidationError` for a bad nickname.
    /// - Parameter hook: runs in the same transaction with the new account (an idempotency record, say).
    public func openAccount(
        owner: UserID, type: AccountType, nickname: String? = nil, actor: Actor, hook: TransactionHook<Account>? = nil
    ) async throws -> Account {
        var validator = Validator()
        if let nickname { Self.checkText(nickname, field: "nickname", maxLength: 50, in: &validator) }
        try validator.validate()
        let now = clock.now()
        return try await database.write { db in
            var number = Self.newAccountNumber()
            while try db.value(Int.self, "SELECT COUNT(*) FROM accounts WHERE number = ?", [number]) ?? 0 > 0 { number = Self.newAccountNumber() }
            let record = AccountRecord(
                id: journal.ids.next(), number: number, systemCode: nil, ownerId: owner, accountType: type.rawValue,
                nickname: nickname?.trimmingCharacters(in: .whitespaces), status: .open, balanceCents: 0, dailyDebitLimitCents: nil,
                createdAt: now, closedAt: nil)
            try record.insert(in: db)
            try database.audit.append(
                AuditEvent(action: "account.opened", targetType: "account", targetID: record.id.description,
                           details: ["type": type.rawValue, "owner_id": owner.description]),
                by: actor, at: now, in: db)
            try hook?.run(db, .success(record.account!))
            return record.account!
        }
    }

    /// The account with `id` visible in `scope`. - Throws: `account_not_found`.
    public func account(_ id: AccountID, in scope: OwnerScope) async throws -> Account {
        try await database.read { db in try journal.account(id, in: scope, db: db) }
    }

    /// The accounts of `owner`, oldest first.
    public func accounts(ownedBy owner: UserID) async throws -> [Account] {
        try await database.read { db in
            try db.rows("SELECT \(AccountRecord.columns) FROM accounts WHERE owner_id = ? ORDER BY created_at, rowid", [owner])
                .compactMap { AccountRecord(row: $0).account }
        }
    }

    /// Member accounts, newest first (the admin's view).
    public func allAccounts(page: PageRequest) async throws -> Page<Account> {
        try await database.read { db in
            var sql = "SELECT \(AccountRecord.columns), rowid AS position FROM accounts WHERE system_code IS NULL"
            var arguments: SQLArguments = []
            if let cursor = page.cursor { sql += " AND rowid < ?"; arguments += [cursor.position] }
            let rows = try db.rows(sql + " ORDER BY rowid DESC LIMIT ?", arguments + [page.limit + 1])
            return Page.from(rows: rows, limit: page.limit, position: { $0["position"] }) { AccountRecord(row: $0).account! }
        }
    }

    /// Finds an open account by number, for confirming a transfer target. - Throws: `account_not_found`.
    public func lookup(number: String) async throws -> AccountLookup {
        try await database.read { db in
            let account = try journal.account(number: number, db: db)
            guard account.status == .open else { throw LedgerError.accountNotFound(number: number) }
            return AccountLookup(id: account.id, number: account.number, type: account.type, ownerID: account.ownerID)
        }
    }

    /// The cached balance beside the balance re-derived from the account's postings.
    ///
    /// A quick read: the account row, its balance checkpoint and the postings since (see Journal+Checkpoints; a server
    /// moves checkpoints with ``advanceBalanceCheckpoints(after:lag:batchSize:)``). Without a checkpoint the sum covers
    /// the account's whole history (8 ms for 100,000 postings: past a quick read's budget, so such a report is read
    /// again on GRDB's readers; see `quickRead`).
    public func balance(_ id: AccountID, in scope: OwnerScope) async throws -> BalanceReport {
        try await database.quickRead { db in
            let account = try journal.account(id, in: scope, db: db)
            let computed = try journal.computedBalance(of: id, in: db)
            return BalanceReport(accountID: id, balance: account.balance, available: account.available, computedBalance: computed)
        }
    }

    /// Moves the balance checkpoints of the accounts with postings after posting `position` to `lag` ago, in write
    /// transactions of up to `batchSize` accounts (each sums only the legs since its checkpoint), and returns the last
    /// posting seen: pass it to the next call. Start from 0: every member account is then checkpointed.
    ///
    /// The lag keeps a checkpoint behind requests still being committed: a leg dated before its checkpoint deletes it.
    public func advanceBalanceCheckpoints(after position: Int64, lag: TimeInterval = 1, batchSize: Int = 200) async throws -> Int64 {
        let (accounts, last) = try await database.read { db in try journal.accountsPosted(after: position, in: db) }
        let until = clock.now().addingTimeInterval(-lag)
        for start in stride(from: 0, to: accounts.count, by: batchSize) {
            let batch = Array(accounts[start..<min(start + batchSize, accounts.count)])
            _ = try await database.write { db in try journal.advanceCheckpoints(of: batch, to: until, in: db) }
        }
        return last
    }

    /// Closes an account at zero balance. - Throws: `account_not_found`, `balance_not_zero`, `account_closed`.
    public func close(_ id: AccountID, in scope: OwnerScope, actor: Actor) async throws -> Account {
        let now = clock.now()
        return try await database.write { db in
            let closed = try journal.close(id, in: scope, at: now, db: db)
            try database.audit.append(
                AuditEvent(action: "account.closed", targetType: "account", targetID: id.description), by: actor, at: now, in: db)
            return closed
        }
    }

    // MARK: - Helpers

    static func newAccountNumber() -> String {
        String(1 + SecureRandom.uniform(9)) + SecureRandom.digits(9)
    }

    static func checkText(_ text: String, field: String, maxLength: Int, in validator: inout Validator) {
        validator.check(
            text.count <= maxLength && !text.unicodeScalars.contains(where: \.isForbiddenInText),
            field, "must be at most \(maxLength) characters, without control characters")
    }
}
