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

@Suite struct TransactionTests {
    @Test func aDepositAndAWithdrawalArePostedAndMoveTheBalance() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("dep@example.com")
            let account = try await api.openAccount(session)
            let deposit = try await api.call(
                .post, "/accounts/\(account.id)/transactions", token: session.accessToken,
                json: #"{"type":"credit","amount_cents":10000,"description":"Paycheck","category":"salary"}"#)
            #expect(deposit.status == .created)
            #expect(deposit.string("account_id") == account.id)
            #expect(deposit.string("type") == "credit")
            #expect(deposit.string("kind") == "deposit")
            #expect(deposit.string("status") == "posted")
            #expect(deposit.int("amount_cents") == 10_000)
            #expect(deposit.int("balance_after_cents") == 10_000)
            #expect(deposit.string("description") == "Paycheck")
            #expect(deposit.string("category") == "salary")
            #expect(deposit["decline_reason"] is NSNull)
            #expect(deposit["transfer_id"] is NSNull)
            #expect(deposit.string("created_at") == api.clock.now.rfc3339)

            api.clock.advance(by: 60)
            let withdrawal = try await api.call(
                .post, "/accounts/\(account.id)/transactions", token: session.accessToken, json: #"{"type":"debit","amount_cents":2500}"#)
            #expect(withdrawal.status == .created)
            #expect(withdrawal.string("type") == "debit")
            #expect(withdrawal.string("kind") == "withdrawal")
            #expect(withdrawal.string("status") == "posted")
            #expect(withdrawal.int("balance_after_cents") == 7_500)
            #expect(try await api.balance(session, account) == 7_500)

            // Text comes back as data, never as markup: `<` and `>` are escaped in the JSON.
            let markup = try await api.call(
                .post, "/accounts/\(account.id)/transactions", token: session.accessToken,
                json: #"{"type":"credit","amount_cents":1,"description":"<script>alert(1)</script>"}"#)
            #expect(markup.status == .created)
            #expect(markup.string("description") == "<script>alert(1)</script>")
            #expect(!markup.text.contains("<script>"))
            #expect(try await api.balance(session, account) == 7_501)

            let shown = try await api.call(
                .get, "/accounts/\(account.id)/transactions/\(try #require(deposit.string("id")))", token: session.accessToken)
            #expect(shown.status == .ok)
            #expect(shown.text == deposit.text)
            try await api.expectSound()
        }
    }

    @Test func anOverdraftIsDeclinedStoredAndNamedInTheProblem() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("over@example.com")
            let account = try await api.openAccount(session)
            try await api.deposit(session, account, 1_200)
            let reply = try await api.call(
                .post, "/accounts/\(account.id)/transactions", token: session.accessToken,
                json: #"{"type":"debit","amount_cents":5000,"description":"Too much"}"#)
            expectProblem(reply, .unprocessableContent, "insufficient_funds")
            #expect(reply.int("requested_cents") == 5_000)
            #expect(reply.int("available_cents") == 1_200)
            let declinedID = try #require(reply.string("transaction_id"))
            #expect(try await api.balance(session, account) == 1_200)

            let declined = try await api.call(.get, "/accounts/\(account.id)/transactions?status=declined", token: session.accessToken)
            #expect(declined.status == .ok)
            #expect(declined.list.count == 1)
            let row = try #require(declined.list.first)
            #expect(row["id"] as? String == declinedID)
            #expect(row["status"] as? String == "declined")
            #expect(row["type"] as? String == "debit")
            #expect(row["amount_cents"] as? Int == 5_000)
            #expect(row["balance_after_cents"] is NSNull)
            #expect(row["decline_reason"] as? String == "insufficient_funds")

            let shown = try await api.call(.get, "/accounts/\(account.id)/transactions/\(declinedID)", token: session.accessToken)
            #expect(shown.status == .ok)
            #expect(shown.string("status") == "declined")
            let all = try await api.call(.get, "/accounts/\(account.id)/transactions", token: session.accessToken)
            #expect(all.list.count == 2)
            try await api.expectSound()
        }
    }

    @Test func theListIsNewestFirstFilteredAndPaged() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("list@example.com")
            let account = try await api.openAccount(session)
            let movements = [
                #"{"type":"credit","amount_cents":50000,"description":"Salary March","category":"salary"}"#,
                #"{"type":"debit","amount_cents":1299,"description":"Coffee beans","category":"groceries"}"#,
                #"{"type":"debit","amount_cents":8000,"description":"Electric bill","category":"utilities"}"#,
                #"{"type":"credit","amount_cents":2000,"description":"Refund coffee","category":"groceries"}"#,
            ]
            var ids: [String] = []
            for body in movements {
                api.clock.advance(by: 60)
                let reply = try await api.call(.post, "/accounts/\(account.id)/transactions", token: session.accessToken, json: body)
                try #require(reply.status == .created)
                ids.append(try #require(reply.string("id")))
            }
            func list(_ query: String) async throws -> [String] {
                let reply = try await api.call(.get, "/accounts/\(account.id)/transactions\(query)", token: session.accessToken)
                try #require(reply.status == .ok, "\(query): \(reply.text)")
                return reply.list.compactMap { $0["id"] as? String }
            }
            #expect(try await list("") == ids.reversed())
            #expect(try await list("?type=credit") == [ids[3], ids[0]])
            #expect(try await list("?category=groceries") == [ids[3], ids[1]])
            #expect(try await list("?min_cents=2000&max_cents=8000") == [ids[3], ids[2]])
            #expect(try await list("?q=coffee") == [ids[3], ids[1]])
            #expect(try await list("?status=posted&type=debit") == [ids[2], ids[1]])

            let first = try await api.call(.get, "/accounts/\(account.id)/transactions?limit=3", token: session.accessToken)
            #expect(first.list.compactMap { $0["id"] as? String } == [ids[3], ids[2], ids[1]])
            #expect(first["has_more"] as? Bool == true)
            let cursor = try #require(first.string("next_cursor"))
            let rest = try await api.call(.get, "/accounts/\(account.id)/transactions?limit=3&cursor=\(cursor)", token: session.accessToken)
            #expect(rest.list.compactMap { $0["id"] as? String } == [ids[0]])
            #expect(rest["has_more"] as? Bool == false)
            #expect(rest["next_cursor"] is NSNull)

            for (query, field) in [
                ("?status=pending", "status"), ("?type=refund", "type"), ("?limit=0", "limit"), ("?limit=201", "limit"),
                ("?min_cents=ten", "min_cents"), ("?from=2026-13-01", "from"), ("?cursor=bogus", "cursor"),
            ] {
                let reply = try await api.call(.get, "/accounts/\(account.id)/transactions\(query)", token: session.accessToken)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: [field], query)
            }
        }
    }

    @Test func anotherMembersTransactionsAreNotFound() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let eve = try await api.signUp("eve@example.com")
            let adas = try await api.openAccount(ada)
            let adasOther = try await api.openAccount(ada, type: "savings")
            let eves = try await api.openAccount(eve)
            let deposit = try await api.deposit(ada, adas, 4_000)
            let transactionID = try #require(deposit.string("id"))

            let byEve = try await api.call(.get, "/accounts/\(adas.id)/transactions/\(transactionID)", token: eve.accessToken)
            expectProblem(byEve, .notFound, "account_not_found")
            let viaEvesAccount = try await api.call(.get, "/accounts/\(eves.id)/transactions/\(transactionID)", token: eve.accessToken)
            expectProblem(viaEvesAccount, .notFound, "transaction_not_found")
            let viaOtherAccount = try await api.call(.get, "/accounts/\(adasOther.id)/transactions/\(transactionID)", token: ada.accessToken)
            expectProblem(viaOtherAccount, .notFound, "transaction_not_found")
            let notUUID = try await api.call(.get, "/accounts/\(adas.id)/transactions/42", token: ada.accessToken)
            expectProblem(notUUID, .notFound, "not_found")

            for body in [#"{"type":"debit","amount_cents":1000}"#, #"{"type":"credit","amount_cents":1000}"#] {
                let reply = try await api.call(.post, "/accounts/\(adas.id)/transactions", token: eve.accessToken, json: body)
                expectProblem(reply, .notFound, "account_not_found", body)
            }
            let notUUIDPost = try await api.call(
                .post, "/accounts/xyz/transactions", token: ada.accessToken, json: #"{"type":"credit","amount_cents":1000}"#)
            expectProblem(notUUIDPost, .notFound, "not_found")
            #expect(try await api.balance(ada, adas) == 4_000)
            #expect(try await api.call(.get, "/accounts/\(adas.id)/transactions", token: ada.accessToken).list.count == 1)
            try await api.expectSound()
        }
    }

    @Test func movementFieldsAreValidated() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("fields@example.com")
            let account = try await api.openAccount(session)
            let cases: [(String, [String])] = [
                (#"{"type":"transfer","amount_cents":100}"#, ["type"]),
                (#"{"amount_cents":100}"#, ["type"]),
                (#"{"type":"credit"}"#, ["amount_cents"]),
                (#"{"type":"credit","amount_cents":100,"category":"Not A Slug!"}"#, ["category"]),
                (#"{"type":"credit","amount_cents":100,"description":"\#(String(repeating: "d", count: 201))"}"#, ["description"]),
                (#"{"type":"credit","amount_cents":100,"x":1}"#, ["x"]),
            ]
            for (body, fields) in cases {
                let reply = try await api.call(.post, "/accounts/\(account.id)/transactions", token: session.accessToken, json: body)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: fields, body)
            }
            #expect(try await api.balance(session, account) == 0)
            #expect(try await api.call(.get, "/accounts/\(account.id)/transactions", token: session.accessToken).list.isEmpty)
        }
    }
}
