public import BankCore
public import Foundation
public import Ledger

/// A calendar month (UTC).
public struct StatementPeriod: Sendable, Hashable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    /// Creates a period. - Throws: `ValidationError` unless year is 1970–9999 and month 1–12.
    public init(year: Int, month: Int) throws {
        var validator = Validator()
        validator.check((1970...9999).contains(year), "year", "must be between 1970 and 9999")
        validator.check((1...12).contains(month), "month", "must be between 1 and 12")
        try validator.validate()
        self.year = year
        self.month = month
    }

    /// The first instant of the month.
    public var start: Date { Calendar.utcGregorian.date(from: DateComponents(year: year, month: month, day: 1))! }
    /// The first instant of the next month (the period is `start ..< end`).
    public var end: Date { Calendar.utcGregorian.date(byAdding: .month, value: 1, to: start)! }

    /// `2026-11`.
    public var description: String { String(format: "%04d-%02d", year, month) }
}

/// One account's monthly statement. `opening + credits − debits = closing`, always; declined
/// transactions are listed but not summed.
public struct Statement: Sendable {
    /// The statement's figures.
    public let header: StatementHeader
    /// Every transaction of the period, posted and declined, oldest first.
    public let transactions: [Transaction]

    public var accountID: AccountID { header.accountID }
    public var accountNumber: String { header.accountNumber }
    public var period: StatementPeriod { header.period }
    public var openingBalance: Money { header.openingBalance }
    public var closingBalance: Money { header.closingBalance }
    public var totalCredits: Money { header.totalCredits }
    public var totalDebits: Money { header.totalDebits }
    /// Posted transactions in the period.
    public var transactionCount: Int { header.transactionCount }
    public var declinedCount: Int { header.declinedCount }
}

/// The figures of one account's monthly statement, read from one snapshot, and where its
/// transactions are: ``StatementService/transactions(of:pageSize:_:)`` reads exactly those.
public struct StatementHeader: Sendable {
    public let accountID: AccountID
    public let accountNumber: String
    public let period: StatementPeriod
    public let openingBalance: Money
    public let closingBalance: Money
    public let totalCredits: Money
    public let totalDebits: Money
    /// Posted transactions in the period.
    public let transactionCount: Int
    public let declinedCount: Int
    /// The positions of the period's first and last transaction in the snapshot; `nil` when it has none.
    let positions: ClosedRange<Int64>?
}

/// A year at a glance: monthly totals, spending by category and the largest debits.
public struct YearSummary: Sendable {
    public struct Month: Sendable, Hashable {
        public let month: Int
        public let credits: Money
        public let debits: Money
        public let closingBalance: Money
    }

    public struct CategorySpending: Sendable, Hashable {
        /// `nil` for debits without a category.
        public let category: String?
        public let total: Money
        public let count: Int
    }

    public let accountID: AccountID
    public let year: Int
    public let openingBalance: Money
    public let months: [Month]
    public let spendingByCategory: [CategorySpending]
    /// The five largest posted debits of the year.
    public let largestDebits: [Transaction]
}
