public import BankCore
import Foundation
import Storage

extension LedgerService {
    /// An account's transactions, newest first, filtered. - Throws: `account_not_found`.
    public func transactions(of id: AccountID, in scope: OwnerScope, filter: TransactionFilter, page: PageRequest) async throws -> Page<Transaction> {
        try await database.read { db in
            _ = try journal.account(id, in: scope, db: db)
            var filter = filter
            filter.accountID = id
            return try Self.transactions(filter: filter, page: page, in: db)
        }
    }

    /// Transactions across all accounts, newest first (the admin's view).
    public func allTransactions(filter: TransactionFilter, page: PageRequest) async throws -> Page<Transaction> {
        try await database.read { db in try Self.transactions(filter: filter, page: page, in: db) }
    }

    /// One transaction of an account visible in `scope`. - Throws: `account_not_found`, `transaction_not_found`.
    public func transaction(_ transactionID: TransactionID, of accountID: AccountID?, in scope: OwnerScope) async throws -> Transaction {
        try await database.read { db in
            guard let record = try TransactionRecord.find(transactionID, in: db),
                accountID == nil || record.accountId == accountID,
                let account = try journal.record(record.accountId, in: db), scope.allows(account.ownerId)
            else { throw LedgerError(.transactionNotFound, "No transaction \(transactionID).") }
            return record.transaction
        }
    }

    static func transactions(filter: TransactionFilter, page: PageRequest, in db: any SQLDatabase) throws -> Page<Transaction> {
        var conditions: [String] = []
        var arguments: SQLArguments = []
        if let account = filter.accountID { conditions.append("account_id = ?"); arguments += [account] }
        if let status = filter.status { conditions.append("status = ?"); arguments += [status.rawValue] }
        if let type = filter.type { conditions.append("type = ?"); arguments += [type.rawValue] }
        if let category = filter.category { conditions.append("category = ?"); arguments += [category] }
        if let from = filter.from { conditions.append("created_at >= ?"); arguments += [from] }
        if let until = filter.until { conditions.append("created_at < ?"); arguments += [until] }
        if let min = filter.minAmount { conditions.append("amount_cents >= ?"); arguments += [min] }
        if let max = filter.maxAmount { conditions.append("amount_cents <= ?"); arguments += [max] }
        if let text = filter.text, !text.isEmpty {
            conditions.append("description \(db.dialect.caseInsensitiveLike) ? ESCAPE '\\'")
            arguments += [likePattern(containing: text)]
        }
        if let cursor = page.cursor { conditions.append("seq < ?"); arguments += [cursor.position] }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let records = try db.rows(
            "SELECT \(TransactionRecord.columns) FROM transactions \(whereClause) ORDER BY seq DESC LIMIT ?", arguments + [page.limit + 1]
        ).map(TransactionRecord.init(row:))
        return Page.from(rows: records, limit: page.limit, position: { $0.seq! }) { $0.transaction }
    }
}
