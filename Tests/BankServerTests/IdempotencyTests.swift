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

@Suite struct IdempotencyTests {
    @Test func aRetriedTransferIsReplayedAndMovesMoneyOnce() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let from = try await api.openAccount(ada)
            let to = try await api.openAccount(ada, type: "savings")
            try await api.deposit(ada, from, 10_000)

            let first = try await api.transfer(ada, from: from, to: to, cents: 3_000, key: "transfer-1")
            #expect(first.status == .created)
            #expect(first.headers[.idempotentReplayed] == nil)
            // Stored for at least 24 hours: a retry 23 hours later, with a fresh login, still replays.
            api.clock.advance(by: 23 * 3600)
            let again = try await api.logIn("ada@example.com")
            let retry = try await api.transfer(again, from: from, to: to, cents: 3_000, key: "transfer-1")
            #expect(retry.status == .created)
            #expect(retry.headers[.idempotentReplayed] == "true")
            #expect(retry.headers[.contentType] == "application/json")
            #expect(retry.text == first.text)
            #expect(try await api.balance(again, from) == 7_000)
            #expect(try await api.balance(again, to) == 3_000)
            #expect(try await api.call(.get, "/accounts/\(to.id)/transactions", token: again.accessToken).list.count == 1)
            try await api.expectSound()
        }
    }

    @Test func aRetriedDepositIsReplayedAndCreditsOnce() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let account = try await api.openAccount(ada)
            let body = #"{"type":"credit","amount_cents":4200,"description":"Cash"}"#
            var replies: [Reply] = []
            for _ in 0..<3 {
                replies.append(
                    try await api.call(
                        .post, "/accounts/\(account.id)/transactions", token: ada.accessToken, json: body, headers: [.idempotencyKey: "dep-42"]))
            }
            #expect(replies.map(\.status) == [.created, .created, .created])
            #expect(replies.map { $0.headers[.idempotentReplayed] } == [nil, "true", "true"])
            #expect(Set(replies.map(\.text)).count == 1)
            #expect(try await api.balance(ada, account) == 4_200)
            try await api.expectSound()
        }
    }

    @Test func theSameKeyWithAnotherRequestIsRefused() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let from = try await api.openAccount(ada)
            let to = try await api.openAccount(ada)
            try await api.deposit(ada, from, 10_000)
            #expect(try await api.transfer(ada, from: from, to: to, cents: 1_000, key: "k").status == .created)

            expectProblem(try await api.transfer(ada, from: from, to: to, cents: 2_000, key: "k"), .conflict, "idempotency_key_reused")
            expectProblem(try await api.transfer(ada, from: to, to: from, cents: 1_000, key: "k"), .conflict, "idempotency_key_reused")
            // The same key on another endpoint is another request too.
            let deposit = try await api.call(
                .post, "/accounts/\(from.id)/transactions", token: ada.accessToken, json: #"{"type":"credit","amount_cents":1000}"#,
                headers: [.idempotencyKey: "k"])
            expectProblem(deposit, .conflict, "idempotency_key_reused")
            #expect(try await api.balance(ada, from) == 9_000)
            #expect(try await api.balance(ada, to) == 1_000)
            try await api.expectSound()
        }
    }

    @Test func keysAreScopedToTheCaller() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let bob = try await api.signUp("bob@example.com")
            let adas = try await api.openAccount(ada)
            let bobs = try await api.openAccount(bob)
            let body = #"{"type":"credit","amount_cents":500}"#
            let byAda = try await api.call(
                .post, "/accounts/\(adas.id)/transactions", token: ada.accessToken, json: body, headers: [.idempotencyKey: "shared"])
            let byBob = try await api.call(
                .post, "/accounts/\(bobs.id)/transactions", token: bob.accessToken, json: body, headers: [.idempotencyKey: "shared"])
            #expect(byAda.status == .created)
            #expect(byBob.status == .created)
            #expect(byBob.headers[.idempotentReplayed] == nil)
            #expect(byBob.string("account_id") == bobs.id)
            #expect(try await api.balance(ada, adas) == 500)
            #expect(try await api.balance(bob, bobs) == 500)
        }
    }

    @Test func aDeclinedDebitIsReplayedWithTheSameTransaction() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let account = try await api.openAccount(ada)
            try await api.deposit(ada, account, 1_000)
            let body = #"{"type":"debit","amount_cents":5000}"#
            let first = try await api.call(
                .post, "/accounts/\(account.id)/transactions", token: ada.accessToken, json: body, headers: [.idempotencyKey: "debit-1"])
            expectProblem(first, .unprocessableContent, "insufficient_funds")
            let retry = try await api.call(
                .post, "/accounts/\(account.id)/transactions", token: ada.accessToken, json: body, headers: [.idempotencyKey: "debit-1"])
            #expect(retry.status == .unprocessableContent)
            #expect(retry.headers[.contentType] == "application/problem+json")
            #expect(retry.headers[.idempotentReplayed] == "true")
            #expect(retry.code == "insufficient_funds")
            #expect(retry.string("transaction_id") == first.string("transaction_id"))
            #expect(retry.int("requested_cents") == 5_000)
            #expect(retry.int("available_cents") == 1_000)
            let declined = try await api.call(.get, "/accounts/\(account.id)/transactions?status=declined", token: ada.accessToken)
            #expect(declined.list.count == 1)
            #expect(try await api.balance(ada, account) == 1_000)

            // A declined transfer replays the same way.
            let other = try await api.openAccount(ada)
            let transfer = try await api.transfer(ada, from: account, to: other, cents: 9_999, key: "t-declined")
            let transferRetry = try await api.transfer(ada, from: account, to: other, cents: 9_999, key: "t-declined")
            expectProblem(transfer, .unprocessableContent, "insufficient_funds")
            #expect(transferRetry.status == .unprocessableContent)
            #expect(transferRetry.string("transaction_id") == transfer.string("transaction_id"))
            let allDeclined = try await api.call(.get, "/accounts/\(account.id)/transactions?status=declined", token: ada.accessToken)
            #expect(allDeclined.list.count == 2)
            try await api.expectSound()
        }
    }

    @Test func aMalformedKeyIsABadRequest() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let from = try await api.openAccount(ada)
            let to = try await api.openAccount(ada)
            try await api.deposit(ada, from, 1_000)
            for key in [String(repeating: "k", count: 256), "tab\there", "naïve-key"] {
                expectProblem(try await api.transfer(ada, from: from, to: to, cents: 100, key: key), .badRequest, "invalid_idempotency_key", key)
            }
            #expect(try await api.transfer(ada, from: from, to: to, cents: 100, key: String(repeating: "k", count: 255)).status == .created)
            #expect(try await api.balance(ada, from) == 900)
        }
    }

    @Test func concurrentDuplicatesHaveExactlyOneEffect() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let from = try await api.openAccount(ada)
            let to = try await api.openAccount(ada)
            try await api.deposit(ada, from, 10_000)
            for round in 0..<3 {
                let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                    for _ in 0..<8 { group.addTask { try await api.transfer(ada, from: from, to: to, cents: 1_000, key: "burst-\(round)") } }
                    return try await group.reduce(into: [Reply]()) { $0.append($1) }
                }
                let created = replies.filter { $0.status == .created }
                #expect(!created.isEmpty)
                #expect(Set(created.map(\.text)).count == 1, "every 201 is the one answer")
                #expect(created.filter { $0.headers[.idempotentReplayed] == nil }.count == 1, "exactly one first answer")
                for reply in replies where reply.status != .created {
                    expectProblem(reply, .conflict, "request_in_progress")
                }
                #expect(try await api.balance(ada, from) == 10_000 - 1_000 * (round + 1))
                #expect(try await api.balance(ada, to) == 1_000 * (round + 1))
            }
            #expect(try await api.call(.get, "/accounts/\(to.id)/transactions", token: ada.accessToken).list.count == 3)
            try await api.expectSound()
        }
    }
}
