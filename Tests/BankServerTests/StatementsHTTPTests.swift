import BankCore
import BankRuntime
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Ledger
import Storage
import Testing

@testable import BankServer

/// Monthly statements as JSON and CSV, and the yearly summary.
@Suite struct StatementsHTTPTests {
    static let statementFields: Set<String> = [
        "account_id", "account_number", "period", "period_start", "period_end", "opening_balance_cents", "closing_balance_cents",
        "total_credits_cents", "total_debits_cents", "transaction_count", "declined_count", "currency", "transactions",
    ]

    /// November 2026 (the test clock's month): +10,000, −2,500 "=1+1", a declined 99,999, +1,200 "Refund, partial", −700 category food.
    /// December: +500, −100. Returns Ada's session (fresh, after the clock moved), and the account.
    static func twoMonths(_ api: API) async throws -> (Session, AccountRef) {
        let ada = try await api.signUp("ada@example.com")
        let account = try await api.openAccount(ada)
        try await api.deposit(ada, account, 10_000)
        #expect(try await api.debit(ada, account, 2_500, description: "=1+1").status == .created)
        expectProblem(try await api.debit(ada, account, 99_999, description: "Too much"), .unprocessableContent, "insufficient_funds")
        let refund = try await api.call(
            .post, "/accounts/\(account.id)/transactions", token: ada.accessToken,
            json: #"{"type":"credit","amount_cents":1200,"description":"Refund, partial \"store\""}"#)
        #expect(refund.status == .created)
        let lunch = try await api.call(
            .post, "/accounts/\(account.id)/transactions", token: ada.accessToken,
            json: #"{"type":"debit","amount_cents":700,"description":"Lunch","category":"food"}"#)
        #expect(lunch.status == .created)
        api.clock.advance(by: 20 * 24 * 3600)
        let later = try await api.logIn("ada@example.com")
        try await api.deposit(later, account, 500)
        #expect(try await api.debit(later, account, 100, description: "Fee").status == .created)
        return (later, account)
    }

    @Test func aStatementBalancesOpeningCreditsDebitsAndClosingAndListsDeclinesUnsummed() async throws {
        try await TestBank.withApp { api in
            let (ada, account) = try await Self.twoMonths(api)
            let november = try await api.call(.get, "/accounts/\(account.id)/statements?year=2026&month=11", token: ada.accessToken)
            #expect(november.status == .ok, "\(november.text)")
            #expect(Set(november.object.keys) == Self.statementFields)
            #expect(november.string("account_id") == account.id)
            #expect(november.string("account_number") == account.number)
            #expect(november.string("period") == "2026-11")
            #expect(november.string("period_start") == "2026-11-01T00:00:00Z")
            #expect(november.string("period_end") == "2026-12-01T00:00:00Z")
            #expect(november.int("opening_balance_cents") == 0)
            #expect(november.int("total_credits_cents") == 11_200)
            #expect(november.int("total_debits_cents") == 3_200)
            #expect(november.int("closing_balance_cents") == 8_000)
            #expect(november.int("transaction_count") == 4)
            #expect(november.int("declined_count") == 1)
            let rows = november.objects("transactions")
            #expect(rows.count == 5, "the decline is listed")
            #expect(rows.filter { $0["status"] as? String == "declined" }.map { $0["amount_cents"] as? Int } == [99_999])

            let december = try await api.call(.get, "/accounts/\(account.id)/statements?year=2026&month=12", token: ada.accessToken)
            #expect(december.int("opening_balance_cents") == 8_000)
            #expect(december.int("total_credits_cents") == 500 && december.int("total_debits_cents") == 100)
            #expect(december.int("closing_balance_cents") == 8_400)
            #expect(december.int("transaction_count") == 2 && december.int("declined_count") == 0)
            let october = try await api.call(.get, "/accounts/\(account.id)/statements?year=2026&month=10", token: ada.accessToken)
            #expect(october.int("opening_balance_cents") == 0 && october.int("closing_balance_cents") == 0)
            #expect(october.objects("transactions").isEmpty)

            for statement in [october, november, december] {
                let opening = try #require(statement.int("opening_balance_cents"))
                let credits = try #require(statement.int("total_credits_cents"))
                let debits = try #require(statement.int("total_debits_cents"))
                #expect(opening + credits - debits == statement.int("closing_balance_cents"), "\(statement.string("period") ?? "")")
            }
            #expect(december.int("closing_balance_cents") == (try await api.balance(ada, account)))
            try await api.expectSound()
        }
    }

    @Test func theYearAndMonthAreRequiredAndChecked() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let account = try await api.openAccount(ada)
            let cases: [(String, [String])] = [
                ("", ["year", "month"]), ("?year=2026", ["month"]), ("?month=11", ["year"]), ("?year=2026&month=13", ["month"]),
                ("?year=2026&month=0", ["month"]), ("?year=twenty&month=11", ["year"]), ("?year=2026&month=1.5", ["month"]),
                ("?year=1969&month=12", ["year"]), ("?year=10000&month=1", ["year"]), ("?year=99999999999999999999&month=1", ["year"]),
            ]
            for (query, fields) in cases {
                let reply = try await api.call(.get, "/accounts/\(account.id)/statements\(query)", token: ada.accessToken)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: fields, query)
            }
            for query in ["?year=", "?year=1969", "?year=abc"] {
                let reply = try await api.call(.get, "/accounts/\(account.id)/summary\(query)", token: ada.accessToken)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: ["year"], query)
            }
            try await api.expectSound()
        }
    }

    @Test func theCSVExportHasAHeaderRowAndDefusesFormulas() async throws {
        try await TestBank.withApp { api in
            let (ada, account) = try await Self.twoMonths(api)
            let csv = try await api.call(.get, "/accounts/\(account.id)/statements/2026-11.csv", token: ada.accessToken)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.headers[.contentDisposition] == "attachment; filename=\"statement-\(account.number)-2026-11.csv\"")
            let lines = csv.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            let header = [
                "date", "transaction_id", "type", "kind", "status", "description", "category", "amount_cents", "amount", "balance_after_cents",
                "balance_after", "counterparty_account_number", "decline_reason",
            ]
            #expect(lines.first == header.joined(separator: ","))
            #expect(lines.count == 1 + 5)
            #expect(csv.text.contains(",'=1+1,"))
            #expect(!csv.text.contains(",=1+1,"))
            #expect(csv.text.contains(#","Refund, partial ""store""","#))
            #expect(lines.contains { $0.contains(",declined,") && $0.contains("insufficient_funds") && $0.contains(",99999,") })
            #expect(lines.contains { $0.contains(",Lunch,food,700,7.00,") })

            for period in ["2026-13", "26-11", "2026-1", "2026-011", "abcd-ef", "2026_11"] {
                let reply = try await api.call(.get, "/accounts/\(account.id)/statements/\(period).csv", token: ada.accessToken)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: ["period"], period)
            }
            let empty = try await api.call(.get, "/accounts/\(account.id)/statements/2025-01.csv", token: ada.accessToken)
            #expect(empty.status == .ok)
            #expect(empty.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 1)
            try await api.expectSound()
        }
    }

    @Test func theSummaryGivesMonthsCategoriesAndLargestDebits() async throws {
        try await TestBank.withApp { api in
            let (ada, account) = try await Self.twoMonths(api)
            let summary = try await api.call(.get, "/accounts/\(account.id)/summary?year=2026", token: ada.accessToken)
            #expect(summary.status == .ok, "\(summary.text)")
            let keys: Set<String> = ["account_id", "year", "opening_balance_cents", "months", "spending_by_category", "largest_debits", "currency"]
            #expect(Set(summary.object.keys) == keys)
            #expect(summary.string("account_id") == account.id)
            #expect(summary.int("year") == 2026)
            #expect(summary.int("opening_balance_cents") == 0)
            let months = summary.objects("months")
            #expect(months.map { $0["month"] as? Int } == Array(1...12))
            #expect(months.allSatisfy { Set($0.keys) == ["month", "credits_cents", "debits_cents", "closing_balance_cents"] })
            #expect(months[10]["credits_cents"] as? Int == 11_200 && months[10]["debits_cents"] as? Int == 3_200)
            #expect(months[10]["closing_balance_cents"] as? Int == 8_000)
            #expect(months[11]["credits_cents"] as? Int == 500 && months[11]["closing_balance_cents"] as? Int == 8_400)
            #expect(months[9]["closing_balance_cents"] as? Int == 0)
            let categories = summary.objects("spending_by_category")
            #expect(categories.allSatisfy { Set($0.keys) == ["category", "total_cents", "count"] })
            #expect(categories.contains { $0["category"] as? String == "food" && $0["total_cents"] as? Int == 700 && $0["count"] as? Int == 1 })
            #expect(categories.reduce(0) { $0 + ($1["total_cents"] as? Int ?? 0) } == 3_300, "posted debits only")
            let largest = summary.objects("largest_debits")
            #expect(largest.map { $0["amount_cents"] as? Int } == [2_500, 700, 100])
            #expect(largest.allSatisfy { $0["status"] as? String == "posted" })

            let before = try await api.call(.get, "/accounts/\(account.id)/summary?year=2025", token: ada.accessToken)
            #expect(before.objects("months").allSatisfy { $0["closing_balance_cents"] as? Int == 0 })
            let after = try await api.call(.get, "/accounts/\(account.id)/summary?year=2027", token: ada.accessToken)
            #expect(after.int("opening_balance_cents") == 8_400)
            try await api.expectSound()
        }
    }

    @Test func anotherMembersStatementsAreNotFound() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let eve = try await api.signUp("eve@example.com")
            let account = try await api.openAccount(ada)
            try await api.deposit(ada, account, 4_200)
            let missing = UUID().uuidString
            for id in [account.id, missing] {
                for path in ["/statements?year=2026&month=11", "/statements/2026-11.csv", "/summary?year=2026"] {
                    let reply = try await api.call(.get, "/accounts/\(id)\(path)", token: eve.accessToken)
                    expectProblem(reply, .notFound, "account_not_found", path)
                    #expect(!reply.text.contains("4200"))
                }
            }
            #expect(try await api.balance(ada, account) == 4_200)
            try await api.expectSound()
        }
    }
}
