public import BankCore
import Foundation
public import Ledger
public import Storage

/// Monthly statements, their CSV export, and yearly summaries, computed from the ledger's postings.
public struct StatementService: Sendable {
    let database: BankDatabase
    let ledger: LedgerService

    /// Creates the service; `ledger` must share `database`.
    public init(database: BankDatabase, ledger: LedgerService) {
        self.database = database
        self.ledger = ledger
    }

    /// Transactions per page when a statement's transactions are read page by page.
    public static let pageSize = 500

    /// The statement of one month, transactions included. - Throws: `account_not_found`.
    public func statement(for accountID: AccountID, period: StatementPeriod, in scope: OwnerScope) async throws -> Statement {
        let header = try await header(for: accountID, period: period, in: scope)
        var all: [Transaction] = []
        try await transactions(of: header) { all += $0 }
        return Statement(header: header, transactions: all)
    }

    /// The figures of one month's statement, read from one snapshot, without its transactions: read
    /// those with ``transactions(of:pageSize:_:)``, which returns exactly the ones these figures count.
    /// - Throws: `account_not_found`.
    public func header(for accountID: AccountID, period: StatementPeriod, in scope: OwnerScope) async throws -> StatementHeader {
        let journal = ledger.journal
        return try await database.read { db in
            let account = try journal.account(accountID, in: scope, db: db)
            let positions = try journal.positions(of: accountID, from: period.start, until: period.end, in: db)
            let totals =
                try positions.map { try journal.totals(of: accountID, from: period.start, until: period.end, positions: $0, in: db) }
                ?? .empty
            return StatementHeader(
                accountID: accountID, accountNumber: account.number, period: period,
                openingBalance: try journal.balance(of: accountID, before: period.start, in: db),
                closingBalance: try journal.balance(of: accountID, before: period.end, in: db),
                totalCredits: totals.credits, totalDebits: totals.debits, transactionCount: totals.postedCount,
                declinedCount: totals.declinedCount, positions: positions)
        }
    }

    /// Calls `body` with the statement's transactions, oldest first, `pageSize` at a time: a response
    /// can write a statement of any length without holding it all. Each page is its own short read;
    /// transactions posted after the header was read are never included.
    public func transactions(
        of header: StatementHeader, pageSize: Int = StatementService.pageSize, _ body: ([Transaction]) async throws -> Void
    ) async throws {
        guard var remaining = header.positions else { return }
        let journal = ledger.journal
        let (start, end) = (header.period.start, header.period.end)
        while true {
            let range = remaining
            let (page, last) = try await database.read { db in
                try journal.transactions(of: header.accountID, from: start, until: end, positions: range, limit: pageSize, in: db)
            }
            if !page.isEmpty { try await body(page) }
            guard page.count == pageSize, let last, last < remaining.upperBound else { return }
            remaining = (last + 1)...remaining.upperBound
        }
    }

    /// The year's monthly totals and closing balances, spending by category and five largest debits.
    /// - Throws: `ValidationError` for a year outside 1970–9999; `account_not_found`.
    public func summary(for accountID: AccountID, year: Int, in scope: OwnerScope) async throws -> YearSummary {
        let january = try StatementPeriod(year: year, month: 1)
        let journal = ledger.journal
        return try await database.read { db in
            _ = try journal.account(accountID, in: scope, db: db)
            let opening = try journal.balance(of: accountID, before: january.start, in: db)
            var months: [YearSummary.Month] = []
            for month in 1...12 {
                let period = try StatementPeriod(year: year, month: month)
                let totals = try journal.totals(of: accountID, from: period.start, until: period.end, in: db)
                months.append(
                    YearSummary.Month(
                        month: month, credits: totals.credits, debits: totals.debits,
                        closingBalance: try journal.balance(of: accountID, before: period.end, in: db)))
            }
            let yearEnd = try StatementPeriod(year: year, month: 12).end
            let categories = try journal.spendingByCategory(of: accountID, from: january.start, until: yearEnd, in: db)
                .map { YearSummary.CategorySpending(category: $0.category, total: $0.total, count: $0.count) }
            return YearSummary(
                accountID: accountID, year: year, openingBalance: opening, months: months, spendingByCategory: categories,
                largestDebits: try journal.largestDebits(of: accountID, from: january.start, until: yearEnd, limit: 5, in: db))
        }
    }
}
