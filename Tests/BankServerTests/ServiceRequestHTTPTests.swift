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

/// `/service-requests`: a member files each type, sees and cancels only their own, and bad bodies are refused field by field.
@Suite struct ServiceRequestHTTPTests {
    /// A member with an account holding money, a card, and a withdrawal to dispute.
    struct Member: Sendable {
        let session: Session
        let account: AccountRef
        let card: CardRef
        let withdrawalID: String
    }

    static func member(_ api: API, _ email: String) async throws -> Member {
        let session = try await api.signUp(email)
        let account = try await api.openAccount(session)
        try await api.deposit(session, account, 10_000)
        let withdrawal = try await api.debit(session, account, 2_500, description: "ATM")
        try #require(withdrawal.status == .created, "\(withdrawal.text)")
        let card = try await api.issueCard(session, account)
        return Member(session: session, account: account, card: card, withdrawalID: try #require(withdrawal.string("id")))
    }

    @Test func aMemberFilesEachTypeWithIdsAtTheTopLevelOrInsideDetails() async throws {
        try await TestBank.withApp { api in
            let ada = try await Self.member(api, "ada@example.com")
            let (account, card, withdrawal) = (ada.account.id, ada.card.id, ada.withdrawalID)
            // (body, type, account_id, card_id, transaction_id, details)
            let cases: [(String, String, String?, String?, String?, [String: String])] = [
                (#"{"type":"card_replacement","card_id":"\#(card)","details":{"reason":"lost"}}"#,
                 "card_replacement", nil, card, nil, ["card_id": card, "reason": "lost"]),
                (#"{"type":"card_replacement","details":{"card_id":"\#(card)","reason":"damaged"}}"#,
                 "card_replacement", nil, card, nil, ["card_id": card, "reason": "damaged"]),
                (#"{"type":"name_change","details":{"first_name":"Augusta","last_name":"King"}}"#,
                 "name_change", nil, nil, nil, ["first_name": "Augusta", "last_name": "King"]),
                (#"{"type":"transaction_dispute","transaction_id":"\#(withdrawal)","details":{"reason":"Never withdrew this"}}"#,
                 "transaction_dispute", nil, nil, withdrawal, ["transaction_id": withdrawal, "reason": "Never withdrew this"]),
                (#"{"type":"transaction_dispute","details":{"transaction_id":"\#(withdrawal)","reason":"Twice"}}"#,
                 "transaction_dispute", nil, nil, withdrawal, ["transaction_id": withdrawal, "reason": "Twice"]),
                (#"{"type":"account_closure","account_id":"\#(account)"}"#, "account_closure", account, nil, nil, ["account_id": account]),
                (#"{"type":"account_closure","details":{"account_id":"\#(account)"}}"#,
                 "account_closure", account, nil, nil, ["account_id": account]),
                (#"{"type":"limit_increase","account_id":"\#(account)","details":{"daily_limit_cents":250000}}"#,
                 "limit_increase", account, nil, nil, ["account_id": account, "daily_limit_cents": "250000"]),
                (#"{"type":"limit_increase","details":{"account_id":"\#(account)","daily_limit_cents":150000}}"#,
                 "limit_increase", account, nil, nil, ["account_id": account, "daily_limit_cents": "150000"]),
            ]
            var filed: [String] = []
            for (body, type, accountID, cardID, transactionID, details) in cases {
                let reply = try await api.call(.post, "/service-requests", token: ada.session.accessToken, json: body)
                #expect(reply.status == .created, "\(body): \(reply.text)")
                #expect(reply.string("type") == type, "\(body)")
                #expect(reply.string("status") == "pending")
                #expect(reply.string("member_id") == ada.session.userID)
                #expect(reply.string("account_id") == accountID, "\(body)")
                #expect(reply.string("card_id") == cardID, "\(body)")
                #expect(reply.string("transaction_id") == transactionID, "\(body)")
                #expect(reply.nested("details").mapValues { $0 as? String ?? "\($0)" } == details, "\(body)")
                if type == "limit_increase" { #expect(reply.nested("details")["daily_limit_cents"] is Int, "an integer, not a string") }
                #expect(["note", "rejection_reason", "decided_by", "decided_at"].allSatisfy { reply[$0] is NSNull })
                #expect(reply.nested("result").isEmpty)
                #expect(reply.string("created_at") == api.clock.now.rfc3339)
                #expect(reply["replacement_card_pan"] == nil)
                let id = try #require(reply.string("id"))
                let shown = try await api.call(.get, "/service-requests/\(id)", token: ada.session.accessToken)
                #expect(shown.status == .ok)
                #expect(shown.text == reply.text)
                filed.append(id)
            }

            let list = try await api.call(.get, "/service-requests", token: ada.session.accessToken)
            #expect(list.status == .ok)
            #expect(list.ids == Array(filed.reversed()), "newest first")
            #expect(list.bool("has_more") == false)
            let page = try await api.call(.get, "/service-requests?limit=4", token: ada.session.accessToken)
            #expect(page.ids == Array(filed.reversed().prefix(4)))
            #expect(page.bool("has_more") == true)
            let cursor = try #require(page.string("next_cursor"))
            let rest = try await api.call(.get, "/service-requests?limit=10&cursor=\(cursor)", token: ada.session.accessToken)
            #expect(rest.ids == Array(filed.reversed().dropFirst(4)))
            #expect(try await api.call(.get, "/service-requests?status=cancelled", token: ada.session.accessToken).ids == [])
            expectProblem(
                try await api.call(.get, "/service-requests?status=done", token: ada.session.accessToken), .unprocessableContent, "validation_failed",
                fields: ["status"])

            // Filing changes nothing but the queue: the money and the card stay as they were.
            #expect(try await api.balance(ada.session, ada.account) == 7_500)
            let cards = try await api.call(.get, "/accounts/\(account)/cards", token: ada.session.accessToken)
            #expect(cards.list.map { $0["status"] as? String } == ["active"])
            try await api.expectSound()
        }
    }

    @Test func onlyAPendingRequestCanBeCancelledAndOnlyByItsMember() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let eve = try await api.signUp("eve@example.com")
            let id = try await api.fileRequest(ada, #"{"type":"name_change","details":{"first_name":"Augusta","last_name":"King"}}"#)

            // Another member: not found, exactly like a missing request; and not in their list.
            expectProblem(try await api.call(.get, "/service-requests/\(id)", token: eve.accessToken), .notFound, "service_request_not_found")
            expectProblem(try await api.call(.post, "/service-requests/\(id)/cancel", token: eve.accessToken), .notFound, "service_request_not_found")
            let missing = UUID().uuidString.lowercased()
            expectProblem(try await api.call(.get, "/service-requests/\(missing)", token: ada.accessToken), .notFound, "service_request_not_found")
            expectProblem(try await api.call(.get, "/service-requests/not-a-uuid", token: ada.accessToken), .notFound, "not_found")
            #expect(try await api.call(.get, "/service-requests", token: eve.accessToken).ids == [])

            let cancelled = try await api.call(.post, "/service-requests/\(id)/cancel", token: ada.accessToken)
            #expect(cancelled.status == .ok)
            #expect(cancelled.string("status") == "cancelled")
            #expect(cancelled.string("id") == id)
            let again = try await api.call(.post, "/service-requests/\(id)/cancel", token: ada.accessToken)
            expectProblem(again, .conflict, "invalid_transition")
            #expect(try await api.call(.get, "/service-requests/\(id)", token: ada.accessToken).string("status") == "cancelled")
            #expect(try await api.call(.get, "/service-requests?status=cancelled", token: ada.accessToken).ids == [id])
            #expect(try await api.call(.get, "/service-requests?status=pending", token: ada.accessToken).ids == [])

            // Nor can a decided request be cancelled.
            let employee = try await api.staff("employee@example.com", .employee)
            let rejected = try await api.fileRequest(ada, #"{"type":"name_change","details":{"first_name":"A","last_name":"B"}}"#)
            let decision = try await api.call(
                .post, "/employee/service-requests/\(rejected)/reject", token: employee.accessToken, json: #"{"reason":"No document"}"#)
            #expect(decision.status == .ok)
            expectProblem(try await api.call(.post, "/service-requests/\(rejected)/cancel", token: ada.accessToken), .conflict, "invalid_transition")
            #expect(try await api.call(.get, "/service-requests/\(rejected)", token: ada.accessToken).string("status") == "rejected")
            try await api.expectSound()
        }
    }

    @Test func badBodiesAreRefusedWithTheFieldsAtFault() async throws {
        try await TestBank.withApp { api in
            let ada = try await Self.member(api, "ada@example.com")
            let (account, card, withdrawal) = (ada.account.id, ada.card.id, ada.withdrawalID)
            let cases: [(String, [String])] = [
                (#"{}"#, ["type"]),
                (#"{"type":"upgrade"}"#, ["type"]),
                (#"{"type":7}"#, ["type"]),
                (#"[]"#, ["body"]),
                (#"{"type":"name_change","details":{"first_name":"A","last_name":"B"},"status":"completed"}"#, ["status"]),
                (#"{"type":"name_change","details":{"first_name":"A","last_name":"B","role":"admin"}}"#, ["details.role"]),
                (#"{"type":"name_change","details":{"first_name":"A"}}"#, ["details.last_name"]),
                (#"{"type":"name_change","details":{"first_name":"   ","last_name":"B"}}"#, ["details.first_name"]),
                (#"{"type":"name_change","details":"rename me"}"#, ["details"]),
                (#"{"type":"name_change"}"#, ["details.first_name", "details.last_name"]),
                (#"{"type":"card_replacement","details":{"reason":"lost"}}"#, ["details.card_id"]),
                (#"{"type":"card_replacement","card_id":"\#(card)","details":{"reason":"bored"}}"#, ["details.reason"]),
                (#"{"type":"card_replacement","card_id":"not-a-uuid","details":{"reason":"lost"}}"#, ["card_id"]),
                (#"{"type":"card_replacement","details":{"card_id":42,"reason":"lost"}}"#, ["details.card_id"]),
                (#"{"type":"transaction_dispute","details":{"reason":"Never"}}"#, ["details.transaction_id"]),
                (#"{"type":"transaction_dispute","details":{"transaction_id":"\#(withdrawal)"}}"#, ["details.reason"]),
                (#"{"type":"transaction_dispute","details":{"transaction_id":"\#(withdrawal)","reason":"  "}}"#, ["details.reason"]),
                (#"{"type":"account_closure"}"#, ["details.account_id"]),
                (#"{"type":"account_closure","account_id":"\#(account)","details":{"card_id":"\#(card)"}}"#, ["details.card_id"]),
                (#"{"type":"limit_increase","account_id":"\#(account)"}"#, ["details.daily_limit_cents"]),
                (#"{"type":"limit_increase","account_id":"\#(account)","details":{"daily_limit_cents":1000.5}}"#, ["details.daily_limit_cents"]),
                (#"{"type":"limit_increase","account_id":"\#(account)","details":{"daily_limit_cents":"1000"}}"#, ["details.daily_limit_cents"]),
                (#"{"type":"limit_increase","account_id":"\#(account)","details":{"daily_limit_cents":0}}"#, ["details.daily_limit_cents"]),
                (#"{"type":"limit_increase","account_id":"\#(account)","details":{"daily_limit_cents":-5}}"#, ["details.daily_limit_cents"]),
            ]
            for (body, fields) in cases {
                let reply = try await api.call(.post, "/service-requests", token: ada.session.accessToken, json: body)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: fields, body)
            }

            // Ids that name nothing of the member's, or nothing that can be acted on.
            let eve = try await Self.member(api, "eve@example.com")
            let refusals: [(String, HTTPResponse.Status, String)] = [
                (#"{"type":"card_replacement","card_id":"\#(eve.card.id)","details":{"reason":"lost"}}"#, .notFound, "card_not_found"),
                (#"{"type":"account_closure","account_id":"\#(eve.account.id)"}"#, .notFound, "account_not_found"),
                (#"{"type":"limit_increase","account_id":"\#(eve.account.id)","details":{"daily_limit_cents":100}}"#, .notFound, "account_not_found"),
                (#"{"type":"transaction_dispute","transaction_id":"\#(eve.withdrawalID)","details":{"reason":"x"}}"#,
                 .notFound, "transaction_not_found"),
            ]
            for (body, status, code) in refusals {
                expectProblem(try await api.call(.post, "/service-requests", token: ada.session.accessToken, json: body), status, code, body)
            }
            let deposit = try #require(
                try await api.call(.get, "/accounts/\(account)/transactions?type=credit", token: ada.session.accessToken).ids.first)
            let credit = try await api.call(
                .post, "/service-requests", token: ada.session.accessToken,
                json: #"{"type":"transaction_dispute","transaction_id":"\#(deposit)","details":{"reason":"x"}}"#)
            expectProblem(credit, .unprocessableContent, "transaction_not_reversible")

            expectProblem(
                try await api.call(.post, "/service-requests", token: ada.session.accessToken, json: "{", contentType: "application/json"),
                .badRequest, "malformed_json")
            expectProblem(
                try await api.call(
                    .post, "/service-requests", token: ada.session.accessToken, json: #"{"type":"name_change"}"#, contentType: "text/plain"),
                .unsupportedMediaType, "unsupported_media_type")
            #expect(try await api.call(.get, "/service-requests", token: ada.session.accessToken).ids == [])
            try await api.expectSound()
        }
    }
}
