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

@Suite struct TransferTests {
    @Test func aTransferBetweenOwnAccountsMovesMoneyAtomically() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let checking = try await api.openAccount(ada)
            let savings = try await api.openAccount(ada, type: "savings")
            try await api.deposit(ada, checking, 10_000)
            let reply = try await api.call(
                .post, "/transfers", token: ada.accessToken,
                json: #"{"from_account_id":"\#(checking.id)","to_account_id":"\#(savings.id)","amount_cents":2500,"description":"Save"}"#)
            #expect(reply.status == .created)
            let transferID = try #require(reply.string("id"))
            #expect(reply.string("from_account_id") == checking.id)
            #expect(reply.string("to_account_id") == savings.id)
            #expect(reply.int("amount_cents") == 2_500)
            #expect(reply.string("created_at") == api.clock.now.rfc3339)
            let debit = try #require(reply["debit_transaction"] as? [String: Any])
            #expect(debit["kind"] as? String == "transfer_out")
            #expect(debit["type"] as? String == "debit")
            #expect(debit["balance_after_cents"] as? Int == 7_500)
            #expect(debit["transfer_id"] as? String == transferID)
            #expect(debit["counterparty_account_number"] as? String == savings.number)
            let credit = try #require(reply["credit_transaction"] as? [String: Any])
            #expect(credit["kind"] as? String == "transfer_in")
            #expect(credit["balance_after_cents"] as? Int == 2_500)
            #expect(credit["counterparty_account_number"] as? String == checking.number)

            #expect(try await api.balance(ada, checking) == 7_500)
            #expect(try await api.balance(ada, savings) == 2_500)
            let shown = try await api.call(.get, "/transfers/\(transferID)", token: ada.accessToken)
            #expect(shown.status == .ok)
            #expect(shown.text == reply.text)
            try await api.expectSound()
        }
    }

    @Test func aTransferToAnotherMemberByNumberShowsEachSideOnlyItsOwnLeg() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let bob = try await api.signUp("bob@example.com")
            let eve = try await api.signUp("eve@example.com")
            let adas = try await api.openAccount(ada)
            let bobs = try await api.openAccount(bob)
            try await api.deposit(ada, adas, 5_000)
            let reply = try await api.call(
                .post, "/transfers", token: ada.accessToken,
                json: #"{"from_account_id":"\#(adas.id)","to_account_number":"\#(bobs.number)","amount_cents":1234}"#)
            #expect(reply.status == .created)
            let transferID = try #require(reply.string("id"))
            #expect(reply.string("to_account_id") == bobs.id)
            #expect(reply["debit_transaction"] is [String: Any])
            #expect(reply["credit_transaction"] is NSNull)

            let seenByBob = try await api.call(.get, "/transfers/\(transferID)", token: bob.accessToken)
            #expect(seenByBob.status == .ok)
            #expect(seenByBob["debit_transaction"] is NSNull)
            #expect((seenByBob["credit_transaction"] as? [String: Any])?["amount_cents"] as? Int == 1_234)
            expectProblem(try await api.call(.get, "/transfers/\(transferID)", token: eve.accessToken), .notFound, "transfer_not_found")
            expectProblem(
                try await api.call(.get, "/transfers/\(UUID().uuidString)", token: ada.accessToken), .notFound, "transfer_not_found")
            expectProblem(try await api.call(.get, "/transfers/not-a-uuid", token: ada.accessToken), .notFound, "not_found")

            #expect(try await api.balance(ada, adas) == 3_766)
            #expect(try await api.balance(bob, bobs) == 1_234)
            let incoming = try await api.call(.get, "/accounts/\(bobs.id)/transactions", token: bob.accessToken)
            #expect(incoming.list.first?["kind"] as? String == "transfer_in")
            #expect(incoming.list.first?["transfer_id"] as? String == transferID)
            try await api.expectSound()
        }
    }

    @Test func aTransferToTheSameAccountIsRefused() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let account = try await api.openAccount(ada)
            try await api.deposit(ada, account, 1_000)
            expectProblem(try await api.transfer(ada, from: account, to: account, cents: 100), .unprocessableContent, "same_account")
            let byNumber = try await api.call(
                .post, "/transfers", token: ada.accessToken,
                json: #"{"from_account_id":"\#(account.id)","to_account_number":"\#(account.number)","amount_cents":100}"#)
            expectProblem(byNumber, .unprocessableContent, "same_account")
            #expect(try await api.balance(ada, account) == 1_000)
            #expect(try await api.call(.get, "/accounts/\(account.id)/transactions", token: ada.accessToken).list.count == 1)
        }
    }

    @Test func aTransferToAClosedAccountIsAConflict() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let bob = try await api.signUp("bob@example.com")
            let adas = try await api.openAccount(ada)
            let bobs = try await api.openAccount(bob)
            try await api.deposit(ada, adas, 1_000)
            #expect(try await api.call(.post, "/accounts/\(bobs.id)/close", token: bob.accessToken).status == .ok)
            expectProblem(try await api.transfer(ada, from: adas, to: bobs, cents: 100), .conflict, "account_closed")
            // Nor can money leave a closed account.
            expectProblem(try await api.transfer(bob, from: bobs, to: adas, cents: 100), .conflict, "account_closed")
            #expect(try await api.balance(ada, adas) == 1_000)
            #expect(try await api.balance(bob, bobs) == 0)
            try await api.expectSound()
        }
    }

    @Test func anOverdrawingTransferIsDeclinedWithTheDebitStored() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let bob = try await api.signUp("bob@example.com")
            let adas = try await api.openAccount(ada)
            let bobs = try await api.openAccount(bob)
            try await api.deposit(ada, adas, 1_200)
            let reply = try await api.transfer(ada, from: adas, to: bobs, cents: 5_000)
            expectProblem(reply, .unprocessableContent, "insufficient_funds")
            #expect(reply.int("requested_cents") == 5_000)
            #expect(reply.int("available_cents") == 1_200)
            let declinedID = try #require(reply.string("transaction_id"))

            let declined = try await api.call(.get, "/accounts/\(adas.id)/transactions?status=declined", token: ada.accessToken)
            #expect(declined.list.count == 1)
            #expect(declined.list.first?["id"] as? String == declinedID)
            #expect(declined.list.first?["kind"] as? String == "transfer_out")
            #expect(declined.list.first?["status"] as? String == "declined")
            #expect(declined.list.first?["decline_reason"] as? String == "insufficient_funds")
            #expect(try await api.balance(ada, adas) == 1_200)
            #expect(try await api.balance(bob, bobs) == 0)
            #expect(try await api.call(.get, "/accounts/\(bobs.id)/transactions", token: bob.accessToken).list.isEmpty)

            // Exactly the available balance is fine.
            #expect(try await api.transfer(ada, from: adas, to: bobs, cents: 1_200).status == .created)
            #expect(try await api.balance(ada, adas) == 0)
            try await api.expectSound()
        }
    }

    @Test func theSourceMustBeTheCallersAndTheTargetMustExist() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let eve = try await api.signUp("eve@example.com")
            let adas = try await api.openAccount(ada)
            let eves = try await api.openAccount(eve)
            try await api.deposit(ada, adas, 3_000)
            expectProblem(try await api.transfer(eve, from: adas, to: eves, cents: 1_000), .notFound, "account_not_found")
            let nowhere = AccountRef(id: UUID().uuidString.lowercased(), number: "")
            expectProblem(try await api.transfer(ada, from: adas, to: nowhere, cents: 1_000), .notFound, "account_not_found")
            let unknownNumber = adas.number == "0000000000" ? "0000000001" : "0000000000"
            let byNumber = try await api.call(
                .post, "/transfers", token: ada.accessToken,
                json: #"{"from_account_id":"\#(adas.id)","to_account_number":"\#(unknownNumber)","amount_cents":100}"#)
            expectProblem(byNumber, .notFound, "account_not_found")
            #expect(try await api.balance(ada, adas) == 3_000)
            #expect(try await api.balance(eve, eves) == 0)
            try await api.expectSound()
        }
    }

    @Test func transferFieldsAreValidated() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let a = try await api.openAccount(ada)
            let b = try await api.openAccount(ada)
            try await api.deposit(ada, a, 1_000)
            let cases: [(String, [String])] = [
                (#"{"from_account_id":"\#(a.id)","amount_cents":100}"#, ["to_account_id"]),
                (#"{"from_account_id":"\#(a.id)","to_account_id":"\#(b.id)","to_account_number":"\#(b.number)","amount_cents":100}"#,
                 ["to_account_id"]),
                (#"{"from_account_id":"\#(a.id)","to_account_number":"12345","amount_cents":100}"#, ["to_account_number"]),
                (#"{"from_account_id":"nope","to_account_id":"\#(b.id)","amount_cents":100}"#, ["from_account_id"]),
                (#"{"to_account_id":"\#(b.id)","amount_cents":100}"#, ["from_account_id"]),
                (#"{"from_account_id":"\#(a.id)","to_account_id":"\#(b.id)"}"#, ["amount_cents"]),
                (#"{"from_account_id":"\#(a.id)","to_account_id":"\#(b.id)","amount_cents":100,"description":7}"#, ["description"]),
            ]
            for (body, fields) in cases {
                expectProblem(
                    try await api.call(.post, "/transfers", token: ada.accessToken, json: body), .unprocessableContent, "validation_failed",
                    fields: fields, body)
            }
            #expect(try await api.balance(ada, a) == 1_000)
            #expect(try await api.balance(ada, b) == 0)
        }
    }
}
