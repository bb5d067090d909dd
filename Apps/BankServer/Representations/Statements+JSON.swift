import BankCore
import Ledger
import Statements

extension StatementHeader {
    /// The statement's members before `transactions`, which is last: responses stream it.
    var jsonMembers: [(String, JSON)] {
        [
            ("account_id", .string(accountID.description)), ("account_number", .string(accountNumber)), ("period", .string(period.description)),
            ("period_start", .time(period.start)), ("period_end", .time(period.end)),
            ("opening_balance_cents", .integer(openingBalance.cents)), ("closing_balance_cents", .integer(closingBalance.cents)),
            ("total_credits_cents", .integer(totalCredits.cents)), ("total_debits_cents", .integer(totalDebits.cents)),
            ("transaction_count", .integer(Int64(transactionCount))), ("declined_count", .integer(Int64(declinedCount))),
            ("currency", .string("USD")),
        ]
    }
}

extension YearSummary {
    var json: JSON {
        .object([
            ("account_id", .string(accountID.description)), ("year", .integer(Int64(year))),
            ("opening_balance_cents", .integer(openingBalance.cents)),
            ("months", .array(months.map { month in
                .object([
                    ("month", .integer(Int64(month.month))), ("credits_cents", .integer(month.credits.cents)),
                    ("debits_cents", .integer(month.debits.cents)), ("closing_balance_cents", .integer(month.closingBalance.cents)),
                ])
            })),
            ("spending_by_category", .array(spendingByCategory.map { entry in
                .object([
                    ("category", .string(entry.category ?? "uncategorized")), ("total_cents", .integer(entry.total.cents)),
                    ("count", .integer(Int64(entry.count))),
                ])
            })),
            ("largest_debits", .array(largestDebits.map(\.json))), ("currency", .string("USD")),
        ])
    }
}
