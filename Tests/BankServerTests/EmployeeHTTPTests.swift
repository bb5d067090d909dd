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

/// `/employee/*`: the queue, and approvals whose effect the member then sees through their own API.
@Suite struct EmployeeHTTPTests {
    @Test func theQueueFiltersByStatusAndPagesWithACursor() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let bob = try await api.signUp("bob@example.com")
            let employee = try await api.staff("employee@example.com", .employee)
            var filed: [String] = []
            for index in 0..<7 {
                let member = index.isMultiple(of: 2) ? ada : bob
                filed.append(try await api.fileRequest(member, #"{"type":"name_change","details":{"first_name":"N\#(index)","last_name":"L"}}"#))
            }
            let rejected = filed[1]
            #expect(
                try await api.call(.post, "/employee/service-requests/\(rejected)/reject", token: employee.accessToken, json: #"{"reason":"No ID"}"#)
                    .status == .ok)
            let pending = Array(filed.reversed().filter { $0 != rejected })

            // Pages of two over the pending requests of every member, newest first.
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let uri = "/employee/service-requests?status=pending&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await api.call(.get, uri, token: employee.accessToken)
                try #require(page.status == .ok, "\(page.text)")
                #expect(page.list.allSatisfy { $0["status"] as? String == "pending" })
                #expect(page.ids.count <= 2)
                seen += page.ids
                cursor = page.string("next_cursor")
                #expect(page.bool("has_more") == (cursor != nil))
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == pending)
            #expect(pages == 3)

            let all = try await api.call(.get, "/employee/service-requests", token: employee.accessToken)
            #expect(all.ids == Array(filed.reversed()))
            #expect(Set(all.list.compactMap { $0["member_id"] as? String }) == [ada.userID, bob.userID])
            #expect(try await api.call(.get, "/employee/service-requests?status=rejected", token: employee.accessToken).ids == [rejected])
            #expect(try await api.call(.get, "/employee/service-requests?status=completed", token: employee.accessToken).ids == [])
            for query in ["status=open", "limit=0", "limit=201", "cursor=bogus"] {
                let reply = try await api.call(.get, "/employee/service-requests?\(query)", token: employee.accessToken)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: [String(query.prefix { $0 != "=" })], query)
            }
            let one = try await api.call(.get, "/employee/service-requests/\(filed[0])", token: employee.accessToken)
            #expect(one.status == .ok)
            #expect(one.string("member_id") == ada.userID)
            expectProblem(
                try await api.call(.get, "/employee/service-requests/\(UUID().uuidString)", token: employee.accessToken), .notFound,
                "service_request_not_found")
            try await api.expectSound()
        }
    }

    @Test func approvingACardReplacementCancelsTheOldCardAndShowsTheNewNumberOnce() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let employee = try await api.staff("employee@example.com", .employee)
            let account = try await api.openAccount(ada)
            try await api.deposit(ada, account, 5_000)
            let old = try await api.issueCard(ada, account)
            let id = try await api.fileRequest(ada, #"{"type":"card_replacement","card_id":"\#(old.id)","details":{"reason":"stolen"}}"#)

            let approved = try await api.call(
                .post, "/employee/service-requests/\(id)/approve", token: employee.accessToken, json: #"{"note":"Reported by phone"}"#)
            #expect(approved.status == .ok, "\(approved.text)")
            #expect(approved.string("status") == "completed")
            #expect(approved.string("note") == "Reported by phone")
            #expect(approved.string("decided_by") == employee.userID)
            #expect(approved.string("decided_at") == api.clock.now.rfc3339)
            #expect(approved["replacement_card_pan"] == nil, "the employee never sees the number")
            let newCardID = try #require(approved.nested("result")["new_card_id"] as? String)

            let cards = try await api.call(.get, "/accounts/\(account.id)/cards", token: ada.accessToken)
            let statuses = Dictionary(uniqueKeysWithValues: cards.list.map { ($0["id"] as? String ?? "", $0["status"] as? String ?? "") })
            #expect(statuses == [old.id: "cancelled", newCardID: "active"])
            let newLastFour = try #require(cards.list.first { $0["id"] as? String == newCardID }?["last_four"] as? String)

            let first = try await api.call(.get, "/service-requests/\(id)", token: ada.accessToken)
            #expect(first.status == .ok)
            let pan = try #require(first.string("replacement_card_pan"))
            #expect(pan.count == 16 && pan.hasPrefix("400000") && pan.hasSuffix(newLastFour))
            #expect(pan != old.pan)
            let second = try await api.call(.get, "/service-requests/\(id)", token: ada.accessToken)
            #expect(second.status == .ok)
            #expect(second["replacement_card_pan"] == nil)
            #expect(!second.text.contains(pan))

            // The old card pays nothing any more; the new one does.
            let declined = try await api.debit(ada, account, 100, card: old.id)
            expectProblem(declined, .unprocessableContent, "card_inactive")
            #expect(try await api.debit(ada, account, 100, card: newCardID).status == .created)
            #expect(try await api.balance(ada, account) == 4_900)
            try await api.expectSound()
        }
    }

    @Test func approvingANameChangeRenamesTheMember() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let employee = try await api.staff("employee@example.com", .employee)
            let id = try await api.fileRequest(ada, #"{"type":"name_change","details":{"first_name":"Augusta","last_name":"King"}}"#)
            let approved = try await api.call(.post, "/employee/service-requests/\(id)/approve", token: employee.accessToken)
            #expect(approved.status == .ok, "\(approved.text)")
            #expect(approved.string("status") == "completed")
            #expect(approved["note"] is NSNull)
            let me = try await api.call(.get, "/account-holders/me", token: ada.accessToken)
            #expect(me.string("first_name") == "Augusta")
            #expect(me.string("last_name") == "King")
            expectProblem(
                try await api.call(.post, "/employee/service-requests/\(id)/approve", token: employee.accessToken), .conflict, "invalid_transition")
            try await api.expectSound()
        }
    }

    @Test func approvingADisputeReversesThePurchaseAndRestoresTheBalance() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let employee = try await api.staff("employee@example.com", .employee)
            let account = try await api.openAccount(ada)
            try await api.deposit(ada, account, 10_000)
            let card = try await api.issueCard(ada, account)
            let purchase = try await api.debit(ada, account, 3_200, description: "Unknown merchant", card: card.id)
            #expect(purchase.string("kind") == "card_purchase")
            let purchaseID = try #require(purchase.string("id"))
            #expect(try await api.balance(ada, account) == 6_800)

            let id = try await api.fileRequest(
                ada, #"{"type":"transaction_dispute","details":{"transaction_id":"\#(purchaseID)","reason":"Not me"}}"#)
            let approved = try await api.call(.post, "/employee/service-requests/\(id)/approve", token: employee.accessToken, json: #"{}"#)
            #expect(approved.status == .ok, "\(approved.text)")
            #expect(approved.string("status") == "completed")
            let reversalID = try #require(approved.nested("result")["reversal_transaction_id"] as? String)

            #expect(try await api.balance(ada, account) == 10_000)
            let reversal = try await api.call(.get, "/accounts/\(account.id)/transactions/\(reversalID)", token: ada.accessToken)
            #expect(reversal.status == .ok)
            #expect(reversal.string("kind") == "reversal")
            #expect(reversal.string("type") == "credit")
            #expect(reversal.string("status") == "posted")
            #expect(reversal.int("amount_cents") == 3_200)
            #expect(reversal.int("balance_after_cents") == 10_000)
            #expect(reversal.string("reverses_transaction_id") == purchaseID)
            let listed = try await api.call(.get, "/accounts/\(account.id)/transactions", token: ada.accessToken)
            #expect(listed.ids.first == reversalID)

            // A reversed purchase cannot be disputed again.
            let again = try await api.call(
                .post, "/service-requests", token: ada.accessToken,
                json: #"{"type":"transaction_dispute","transaction_id":"\#(purchaseID)","details":{"reason":"Again"}}"#)
            expectProblem(again, .unprocessableContent, "transaction_not_reversible")
            try await api.expectSound()
        }
    }

    @Test func approvingAClosureClosesAnEmptyAccountAndRefusesOneWithMoney() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let employee = try await api.staff("employee@example.com", .employee)
            let empty = try await api.openAccount(ada)
            let funded = try await api.openAccount(ada, type: "savings")
            try await api.deposit(ada, funded, 1_234)

            let closeEmpty = try await api.fileRequest(ada, #"{"type":"account_closure","account_id":"\#(empty.id)"}"#)
            let approved = try await api.call(.post, "/employee/service-requests/\(closeEmpty)/approve", token: employee.accessToken)
            #expect(approved.status == .ok, "\(approved.text)")
            #expect(approved.string("status") == "completed")
            #expect(try await api.call(.get, "/accounts/\(empty.id)", token: ada.accessToken).string("status") == "closed")

            let closeFunded = try await api.fileRequest(ada, #"{"type":"account_closure","details":{"account_id":"\#(funded.id)"}}"#)
            let refused = try await api.call(.post, "/employee/service-requests/\(closeFunded)/approve", token: employee.accessToken)
            expectProblem(refused, .conflict, "balance_not_zero")
            let still = try await api.call(.get, "/service-requests/\(closeFunded)", token: ada.accessToken)
            #expect(still.string("status") == "pending")
            #expect(still["decided_by"] is NSNull)
            #expect(try await api.call(.get, "/accounts/\(funded.id)", token: ada.accessToken).string("status") == "open")
            #expect(try await api.balance(ada, funded) == 1_234)
            let pending = try await api.call(.get, "/employee/service-requests?status=pending", token: employee.accessToken)
            #expect(pending.ids == [closeFunded])
            try await api.expectSound()
        }
    }

    @Test func approvingALimitIncreaseSetsTheDailyLimitThatDebitsThenMeet() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let employee = try await api.staff("employee@example.com", .employee)
            let account = try await api.openAccount(ada)
            try await api.deposit(ada, account, 100_000)
            let id = try await api.fileRequest(ada, #"{"type":"limit_increase","account_id":"\#(account.id)","details":{"daily_limit_cents":5000}}"#)
            let approved = try await api.call(.post, "/employee/service-requests/\(id)/approve", token: employee.accessToken)
            #expect(approved.status == .ok, "\(approved.text)")
            #expect(approved.string("status") == "completed")
            #expect(try await api.call(.get, "/accounts/\(account.id)", token: ada.accessToken).int("daily_limit_cents") == 5_000)

            #expect(try await api.debit(ada, account, 3_000).status == .created)
            let beyond = try await api.debit(ada, account, 2_500)
            expectProblem(beyond, .unprocessableContent, "daily_limit_exceeded")
            let declinedID = try #require(beyond.string("transaction_id"))
            let declined = try await api.call(.get, "/accounts/\(account.id)/transactions/\(declinedID)", token: ada.accessToken)
            #expect(declined.string("status") == "declined")
            #expect(declined.string("decline_reason") == "daily_limit_exceeded")
            #expect(try await api.debit(ada, account, 2_000).status == .created, "within the limit still passes")
            #expect(try await api.balance(ada, account) == 95_000)
            try await api.expectSound()
        }
    }
}
