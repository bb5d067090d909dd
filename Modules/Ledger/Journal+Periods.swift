package import BankCore
package import Foundation
package import Storage

/// Credits and debits of one period.
package struct PeriodTotals: Sendable {
    package var credits: Money
    package var debits: Money
    package var postedCount: Int
    package var declinedCount: Int

    /// A period without transactions.
    package static let empty = PeriodTotals(credits: .zero, debits: .zero, postedCount: 0, declinedCount: 0)
}

/// Read-side primitives over one account's history in a time range, for statements and summaries.
/// Callers run them inside one read transaction so that all figures come from one snapshot.
extension Journal {
    /// The account's balance just before `date`, or now: the sum of its postings (dated earlier).
    /// Summed over both leg indexes (`ledger.v4.postings-by-leg`), which between them hold every posting once.
    package func balance(of account: AccountID, before date: Date? = nil, in db: any SQLDatabase) throws -> Money {
        let dated = date == nil ? "" : " AND created_at < ?"
        let arguments: SQLArguments = date.map { [account, $0, account, $0] } ?? [account, account]
        let sum = try db.value(
            Int64.self,
            """
            SELECT (SELECT COALESCE(SUM(amount_cents), 0) FROM postings WHERE account_id = ? AND transaction_id IS NOT NULL\(dated))
                 + (SELECT COALESCE(SUM(amount_cents), 0) FROM postings WHERE account_id = ? AND transaction_id IS NULL\(dated))
            """, arguments)
        return Money(cents: sum ?? 0)
    }

    /// When the account's latest transaction (posted or declined) happened, if it has any.
    package func latestTransactionDate(of account: AccountID, in db: any SQLDatabase) throws -> Date? {
        try db.value(Date.self, "SELECT MAX(created_at) AS latest FROM transactions WHERE account_id = ?", [account])
    }

    /// The positions (`seq`) of the account's first and last transaction in `from ..< until`, or `nil`
    /// when it has none. Transactions are never changed or deleted and positions only grow, so the
    /// transactions in this range are the same in every later snapshot.
    package func positions(of account: AccountID, from: Date, until: Date, in db: any SQLDatabase) throws -> ClosedRange<Int64>? {
        let row = try db.row(
            "SELECT MIN(seq) AS first, MAX(seq) AS last FROM transactions WHERE account_id = ? AND created_at >= ? AND created_at < ?",
            [account, from, until])
        guard let first: Int64 = row?["first"], let last: Int64 = row?["last"] else { return nil }
        return first...last
    }

    /// Up to `limit` of the account's transactions (posted and declined) in `from ..< until` whose
    /// positions lie in `positions`, oldest first, and the position of the last one.
    package func transactions(
        of account: AccountID, from: Date, until: Date, positions: ClosedRange<Int64>, limit: Int, in db: any SQLDatabase
    ) throws -> (page: [Transaction], lastPosition: Int64?) {
        let records = try db.rows(
            """
            SELECT \(TransactionRecord.columns) FROM transactions\(db.dialect.indexedBy("transactions_account"))
            WHERE account_id = ? AND seq BETWEEN ? AND ? AND created_at >= ? AND created_at < ?
            ORDER BY seq LIMIT ?
            """,
            [account, positions.lowerBound, positions.upperBound, from, until, limit]
        ).map(TransactionRecord.init(row:))
        return (records.map(\.transaction), records.last?.seq)
    }

    /// Posted credits and debits, and counts, in `from ..< until`.
    package func totals(of account: AccountID, from: Date, until: Date, in db: any SQLDatabase) throws -> PeriodTotals {
        guard let positions = try positions(of: account, from: from, until: until, in: db) else {
            return .empty
        }
        return try totals(of: account, from: from, until: until, positions: positions, in: db)
    }

    /// Posted credits and debits, and counts, in `from ..< until`, whose transactions lie in `positions`
    /// (see ``positions(of:from:until:in:)``): read from the account's history index alone.
    package func totals(
        of account: AccountID, from: Date, until: Date, positions: ClosedRange<Int64>, in db: any SQLDatabase
    ) throws -> PeriodTotals {
        let row = try db.row(
            """
                SELECT COALESCE(SUM(CASE WHEN status = 'posted' AND type = 'credit' THEN amount_cents END), 0) AS credits,
                       COALESCE(SUM(CASE WHEN status = 'posted' AND type = 'debit' THEN amount_cents END), 0) AS debits,
                       COUNT(CASE WHEN status = 'posted' THEN 1 END) AS posted,
                       COUNT(CASE WHEN status = 'declined' THEN 1 END) AS declined
                FROM transactions\(db.dialect.indexedBy("transactions_account"))
                WHERE account_id = ? AND seq BETWEEN ? AND ? AND created_at >= ? AND created_at < ?
            """, [account, positions.lowerBound, positions.upperBound, from, until])!
        return PeriodTotals(
            credits: Money(cents: row["credits"]), debits: Money(cents: row["debits"]), postedCount: row["posted"], declinedCount: row["declined"])
    }

    /// Posted debits in `from ..< until` grouped by category (`nil` for uncategorised), largest total first.
    package func spendingByCategory(
        of account: AccountID, from: Date, until: Date, in db: any SQLDatabase
    ) throws -> [(category: String?, total: Money, count: Int)] {
        try db.rows(
            """
            SELECT category, SUM(amount_cents) AS total, COUNT(*) AS count FROM transactions
            WHERE account_id = ? AND status = 'posted' AND type = 'debit' AND created_at >= ? AND created_at < ?
            GROUP BY category ORDER BY total DESC, category
            """, [account, from, until]
        ).map { (category: $0["category"], total: Money(cents: $0["total"]), count: $0["count"]) }
    }

    /// The `limit` largest posted debits in `from ..< until`.
    package func largestDebits(of account: AccountID, from: Date, until: Date, limit: Int, in db: any SQLDatabase) throws -> [Transaction] {
        try db.rows(
            """
            SELECT \(TransactionRecord.columns) FROM transactions WHERE account_id = ? AND status = 'posted' AND type = 'debit'
            AND created_at >= ? AND created_at < ? ORDER BY amount_cents DESC, seq LIMIT ?
            """, [account, from, until, limit]
        ).map { TransactionRecord(row: $0).transaction }
    }
}
