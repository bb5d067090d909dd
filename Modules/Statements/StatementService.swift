public import BankCore
import Foundation
import GRDB
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

    /// The statement of one month, read from one snapshot. - Throws: `account_not_found`.
    public func statement(for accountID: AccountID, period: StatementPeriod, in scope: OwnerScope) async throws -> Statement {
        let journal = ledger.journal
        return try await database.writer.read { db in
            let account = try journal.account(accountID, in: scope, db: db)
            let opening = try journal.balance(of: accountID, before: period.start, in: db)
            let closing = try journal.balance(of: accountID, before: period.end, in: db)
            let totals = try journal.totals(of: accountID, from: period.start, until: period.end, in: db)
            let transactions = try journal.transactions(of: accountID, from: period.start, until: period.end, in: db)
            return Statement(
                accountID: accountID, accountNumber: account.number, period: period, openingBalance: opening, closingBalance: closing,
                totalCredits: totals.credits, totalDebits: totals.debits, transactionCount: totals.postedCount,
                declinedCount: totals.declinedCount, transactions: transactions)
        }
    }

    /// The year's monthly totals and closing balances, spending by category and five largest debits.
    /// - Throws: `ValidationError` for a year outside 1970–9999; `account_not_found`.
    public func summary(for accountID: AccountID, year: Int, in scope: OwnerScope) async throws -> YearSummary {
        let january = try StatementPeriod(year: year, month: 1)
        let journal = ledger.journal
        return try await database.writer.read { db in
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
