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

@Suite struct AccountTests {
    @Test func openingAnAccountAnswersTheWholeAccount() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("open@example.com")
            let reply = try await api.call(
                .post, "/accounts", token: session.accessToken, json: #"{"account_type":"savings","nickname":"Rainy day"}"#)
            #expect(reply.status == .created)
            #expect(reply.headers[.contentType] == "application/json")
            let number = try #require(reply.string("account_number"))
            #expect(number.count == 10 && number.allSatisfy { $0.isASCII && $0.isNumber })
            #expect(UUID(uuidString: reply.string("id") ?? "") != nil)
            #expect(reply.string("account_type") == "savings")
            #expect(reply.string("nickname") == "Rainy day")
            #expect(reply.string("status") == "open")
            #expect(reply.int("balance_cents") == 0)
            #expect(reply.int("available_cents") == 0)
            #expect(reply.string("currency") == "USD")
            #expect(reply.string("created_at") == api.clock.now.rfc3339)

            let shown = try await api.call(.get, "/accounts/\(reply.string("id")!)", token: session.accessToken)
            #expect(shown.status == .ok)
            #expect(shown.text == reply.text)

            let checking = try await api.call(
                .post, "/accounts", token: session.accessToken, json: #"{"account_type":"checking"}"#, contentType: "application/json; charset=utf-8")
            #expect(checking.status == .created)
            #expect(checking["nickname"] is NSNull)
            #expect(checking.string("account_number") != number)
        }
    }

    @Test func openingValidatesTheAccountType() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("type@example.com")
            for body in [#"{"account_type":"brokerage"}"#, #"{}"#, #"{"account_type":1}"#, #"{"account_type":null}"#] {
                let reply = try await api.call(.post, "/accounts", token: session.accessToken, json: body)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: ["account_type"], body)
            }
            #expect(try await api.call(.get, "/accounts", token: session.accessToken).list.isEmpty)
        }
    }

    @Test func theListHoldsOnlyTheCallersAccounts() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let bob = try await api.signUp("bob@example.com")
            let first = try await api.openAccount(ada)
            let second = try await api.openAccount(ada, type: "savings")
            _ = try await api.openAccount(bob)
            let reply = try await api.call(.get, "/accounts", token: ada.accessToken)
            #expect(reply.status == .ok)
            #expect(Set(reply.list.compactMap { $0["id"] as? String }) == [first.id, second.id])
            #expect(reply["has_more"] as? Bool == false)
            #expect(reply["next_cursor"] is NSNull)
        }
    }

    @Test func anotherMembersAccountIsNotFoundExactlyLikeAMissingOne() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let eve = try await api.signUp("eve@example.com")
            let account = try await api.openAccount(ada)
            try await api.deposit(ada, account, 2_500)
            let missing = UUID().uuidString.lowercased()
            for suffix in ["", "/balance", "/transactions"] {
                let theirs = try await api.call(.get, "/accounts/\(account.id)\(suffix)", token: eve.accessToken)
                expectProblem(theirs, .notFound, "account_not_found", "theirs\(suffix)")
                let absent = try await api.call(.get, "/accounts/\(missing)\(suffix)", token: eve.accessToken)
                expectProblem(absent, .notFound, "account_not_found", "missing\(suffix)")
                #expect(theirs.string("title") == absent.string("title"))
                expectProblem(try await api.call(.get, "/accounts/not-a-uuid\(suffix)", token: eve.accessToken), .notFound, "not_found")
            }
            expectProblem(try await api.call(.post, "/accounts/\(account.id)/close", token: eve.accessToken), .notFound, "account_not_found")
            expectProblem(try await api.call(.post, "/accounts/12345/close", token: eve.accessToken), .notFound, "not_found")
            #expect(try await api.balance(ada, account) == 2_500)
        }
    }

    @Test func balanceReportsCachedAndComputedBalances() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("bal@example.com")
            let account = try await api.openAccount(session)
            try await api.deposit(session, account, 12_345)
            let reply = try await api.call(.get, "/accounts/\(account.id)/balance", token: session.accessToken)
            #expect(reply.status == .ok)
            #expect(reply.string("account_id") == account.id)
            #expect(reply.int("balance_cents") == 12_345)
            #expect(reply.int("available_cents") == 12_345)
            #expect(reply.int("computed_balance_cents") == 12_345)
            #expect(reply["match"] as? Bool == true)
            try await api.expectSound()
        }
    }

    @Test func lookupFindsAnOpenAccountByNumberWithAMaskedName() async throws {
        try await TestBank.withApp { api in
            let bob = try await api.signUp("bob@example.com", first: "Bob", last: "Marley")
            let ada = try await api.signUp("ada@example.com")
            let account = try await api.openAccount(bob, type: "savings")
            let reply = try await api.call(.get, "/accounts/lookup?account_number=\(account.number)", token: ada.accessToken)
            #expect(reply.status == .ok)
            #expect(reply.string("id") == account.id)
            #expect(reply.string("account_number") == account.number)
            #expect(reply.string("account_type") == "savings")
            #expect(reply.string("holder_name") == "Bob M.")
            #expect(reply["balance_cents"] == nil && reply["owner_id"] == nil)

            let unknown = account.number == "0000000000" ? "0000000001" : "0000000000"
            let none = try await api.call(.get, "/accounts/lookup?account_number=\(unknown)", token: ada.accessToken)
            expectProblem(none, .notFound, "account_not_found")
            for query in ["?account_number=123", "?account_number=12345678901", "?account_number=12345abcde", ""] {
                let bad = try await api.call(.get, "/accounts/lookup\(query)", token: ada.accessToken)
                expectProblem(bad, .unprocessableContent, "validation_failed", fields: ["account_number"], query)
            }
            expectProblem(try await api.call(.get, "/accounts/lookup?account_number=\(account.number)"), .unauthorized, "invalid_token")

            // A closed account is no transfer target, so lookup no longer finds it.
            #expect(try await api.call(.post, "/accounts/\(account.id)/close", token: bob.accessToken).status == .ok)
            let closed = try await api.call(.get, "/accounts/lookup?account_number=\(account.number)", token: ada.accessToken)
            expectProblem(closed, .notFound, "account_not_found")
        }
    }

    @Test func onlyAnEmptyAccountCanBeClosedAndAClosedAccountMovesNoMoney() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("close@example.com")
            let account = try await api.openAccount(session)
            try await api.deposit(session, account, 1_000)
            let refused = try await api.call(.post, "/accounts/\(account.id)/close", token: session.accessToken)
            expectProblem(refused, .conflict, "balance_not_zero")
            #expect(try await api.call(.get, "/accounts/\(account.id)", token: session.accessToken).string("status") == "open")

            let withdrawal = try await api.call(
                .post, "/accounts/\(account.id)/transactions", token: session.accessToken, json: #"{"type":"debit","amount_cents":1000}"#)
            #expect(withdrawal.status == .created)
            let closed = try await api.call(.post, "/accounts/\(account.id)/close", token: session.accessToken)
            #expect(closed.status == .ok)
            #expect(closed.string("status") == "closed")
            #expect(closed.int("balance_cents") == 0)

            let again = try await api.call(.post, "/accounts/\(account.id)/close", token: session.accessToken)
            expectProblem(again, .conflict, "account_closed")
            let deposit = try await api.call(
                .post, "/accounts/\(account.id)/transactions", token: session.accessToken, json: #"{"type":"credit","amount_cents":500}"#)
            expectProblem(deposit, .conflict, "account_closed")
            #expect(try await api.balance(session, account) == 0)
            #expect(try await api.call(.get, "/accounts/\(account.id)", token: session.accessToken).string("status") == "closed")
            try await api.expectSound()
        }
    }
}
