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

/// Cards over HTTP: the number shown once, masked lists, freeze, purchases, the audited reveal, and no PAN at rest.
@Suite struct CardsHTTPTests {
    static let cardFields: Set<String> = [
        "id", "account_id", "last_four", "brand", "expiry_month", "expiry_year", "status", "cardholder_name", "created_at",
    ]

    static func isLuhnValid(_ digits: String) -> Bool {
        let values = digits.reversed().compactMap(\.wholeNumberValue)
        guard values.count == digits.count else { return false }
        let sum = values.enumerated().reduce(0) { sum, pair in
            let (index, digit) = pair
            guard index.isMultiple(of: 2) else { return sum + (digit * 2 > 9 ? digit * 2 - 9 : digit * 2) }
            return sum + digit
        }
        return sum.isMultiple(of: 10)
    }

    /// Any run of 16 digits in `text`.
    static func containsSixteenDigits(_ text: String) -> Bool {
        var run = 0
        for character in text {
            run = character.isASCII && character.isNumber ? run + 1 : 0
            if run >= 16 { return true }
        }
        return false
    }

    @Test func issuingAnswersTheNumberOnceAndTheListIsMasked() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let account = try await api.openAccount(ada)
            let issued = try await api.call(.post, "/accounts/\(account.id)/cards", token: ada.accessToken)
            #expect(issued.status == .created, "\(issued.text)")
            let card = issued.nested("card")
            #expect(Set(card.keys) == Self.cardFields)
            let pan = try #require(issued.string("pan"))
            #expect(pan.count == 16 && pan.allSatisfy { $0.isASCII && $0.isNumber })
            #expect(pan.hasPrefix("400000"))
            #expect(Self.isLuhnValid(pan))
            let cvv = try #require(issued.string("cvv"))
            #expect(cvv.count == 3 && cvv.allSatisfy { $0.isASCII && $0.isNumber })
            #expect(card["last_four"] as? String == String(pan.suffix(4)))
            #expect(card["account_id"] as? String == account.id)
            #expect(card["status"] as? String == "active")
            #expect(card["brand"] as? String == "visa")
            #expect(card["cardholder_name"] as? String == "ADA LOVELACE")
            #expect(card["expiry_month"] as? Int == 11 && card["expiry_year"] as? Int == 2029)

            let second = try await api.call(.post, "/accounts/\(account.id)/cards", token: ada.accessToken)
            expectProblem(second, .conflict, "card_exists")

            let list = try await api.call(.get, "/accounts/\(account.id)/cards", token: ada.accessToken)
            #expect(list.status == .ok)
            #expect(list.list.count == 1)
            #expect(list.list.allSatisfy { Set($0.keys) == Self.cardFields })
            #expect(list.ids == [card["id"] as? String ?? ""])
            #expect(!Self.containsSixteenDigits(list.text))
            #expect(!list.text.contains(pan) && !list.text.contains("cvv"))

            // A body, if any, must be an empty object.
            let other = try await api.openAccount(ada)
            let withFields = try await api.call(.post, "/accounts/\(other.id)/cards", token: ada.accessToken, json: #"{"brand":"amex"}"#)
            expectProblem(withFields, .unprocessableContent, "validation_failed", fields: ["brand"])
            #expect(try await api.call(.get, "/accounts/\(other.id)/cards", token: ada.accessToken).list.isEmpty)
            #expect(try await api.call(.post, "/accounts/\(other.id)/cards", token: ada.accessToken, json: "{}").status == .created)
            try await api.expectSound()
        }
    }

    @Test func aReplayedIssuanceAnswersTheCardWithoutNumberOrCode() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let account = try await api.openAccount(ada)
            let key: HTTPFields = [.idempotencyKey: "issue-card-1"]
            let first = try await api.call(.post, "/accounts/\(account.id)/cards", token: ada.accessToken, headers: key)
            #expect(first.status == .created)
            #expect(first.headers[.idempotentReplayed] == nil)
            let pan = try #require(first.string("pan"))
            let replay = try await api.call(.post, "/accounts/\(account.id)/cards", token: ada.accessToken, headers: key)
            #expect(replay.status == .created)
            #expect(replay.headers[.idempotentReplayed] == "true")
            #expect(replay["pan"] is NSNull)
            #expect(replay["cvv"] is NSNull)
            #expect(replay.nested("card")["id"] as? String == first.nested("card")["id"] as? String)
            #expect(!replay.text.contains(pan))
            #expect(try await api.call(.get, "/accounts/\(account.id)/cards", token: ada.accessToken).list.count == 1)
            try await api.expectSound()
        }
    }

    @Test func freezingDeclinesPurchasesAndUnfreezingAllowsThemAgain() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let account = try await api.openAccount(ada)
            try await api.deposit(ada, account, 10_000)
            let card = try await api.issueCard(ada, account)

            let purchase = try await api.debit(ada, account, 1_250, description: "Coffee Shop", card: card.id)
            #expect(purchase.status == .created, "\(purchase.text)")
            #expect(purchase.string("kind") == "card_purchase")
            #expect(purchase.string("type") == "debit")
            #expect(purchase.string("card_id") == card.id)
            #expect(purchase.string("description") == "Coffee Shop")
            #expect(purchase.int("balance_after_cents") == 8_750)

            let frozen = try await api.call(.post, "/cards/\(card.id)/freeze", token: ada.accessToken)
            #expect(frozen.status == .ok)
            #expect(Set(frozen.object.keys) == Self.cardFields)
            #expect(frozen.string("status") == "frozen")
            #expect(try await api.call(.post, "/cards/\(card.id)/freeze", token: ada.accessToken).string("status") == "frozen", "idempotent")
            #expect(try await api.call(.get, "/accounts/\(account.id)/cards", token: ada.accessToken).list.first?["status"] as? String == "frozen")

            let declined = try await api.debit(ada, account, 900, description: "Bakery", card: card.id)
            expectProblem(declined, .unprocessableContent, "card_inactive")
            let declinedID = try #require(declined.string("transaction_id"))
            let stored = try await api.call(.get, "/accounts/\(account.id)/transactions/\(declinedID)", token: ada.accessToken)
            #expect(stored.status == .ok)
            #expect(stored.string("status") == "declined")
            #expect(stored.string("decline_reason") == "card_inactive")
            #expect(stored.string("kind") == "card_purchase")
            #expect(stored.string("card_id") == card.id)
            #expect(stored["balance_after_cents"] is NSNull)
            #expect(try await api.balance(ada, account) == 8_750)

            let unfrozen = try await api.call(.post, "/cards/\(card.id)/unfreeze", token: ada.accessToken)
            #expect(unfrozen.status == .ok)
            #expect(unfrozen.string("status") == "active")
            #expect(try await api.debit(ada, account, 900, description: "Bakery", card: card.id).status == .created)
            #expect(try await api.balance(ada, account) == 7_850)

            // A card pays debits only, and only from its own account.
            let credit = try await api.call(
                .post, "/accounts/\(account.id)/transactions", token: ada.accessToken,
                json: #"{"type":"credit","amount_cents":100,"card_id":"\#(card.id)"}"#)
            expectProblem(credit, .unprocessableContent, "validation_failed", fields: ["card_id"])
            let savings = try await api.openAccount(ada, type: "savings")
            try await api.deposit(ada, savings, 1_000)
            expectProblem(try await api.debit(ada, savings, 100, card: card.id), .notFound, "card_not_found")
            expectProblem(
                try await api.debit(ada, account, 100, card: UUID().uuidString), .notFound, "card_not_found")
            #expect(try await api.balance(ada, savings) == 1_000)
            #expect(try await api.balance(ada, account) == 7_850)
            let purchases = try await api.call(.get, "/accounts/\(account.id)/transactions?type=debit", token: ada.accessToken)
            #expect(purchases.list.map { $0["status"] as? String } == ["posted", "declined", "posted"])
            try await api.expectSound()
        }
    }

    @Test func revealingNeedsThePasswordAndIsAudited() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let account = try await api.openAccount(ada)
            let card = try await api.issueCard(ada, account)
            let wrong = try await api.call(.post, "/cards/\(card.id)/reveal", token: ada.accessToken, json: #"{"password":"not my password"}"#)
            expectProblem(wrong, .unprocessableContent, "current_password_incorrect")
            #expect(!wrong.text.contains(card.pan))
            for (body, fields) in [(#"{}"#, ["password"]), (#"{"password":1}"#, ["password"]), (#"{"password":"x","pan":"y"}"#, ["pan"])] {
                let reply = try await api.call(.post, "/cards/\(card.id)/reveal", token: ada.accessToken, json: body)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: fields, body)
            }

            let revealed = try await api.call(
                .post, "/cards/\(card.id)/reveal", token: ada.accessToken, json: #"{"password":"\#(TestBank.password)"}"#)
            #expect(revealed.status == .ok)
            #expect(Set(revealed.object.keys) == ["pan", "expiry_month", "expiry_year"])
            #expect(revealed.string("pan") == card.pan)
            #expect(revealed.int("expiry_month") == 11 && revealed.int("expiry_year") == 2029)

            let admin = try await api.staff("admin@example.com", .admin)
            let audit = try await api.call(.get, "/admin/audit-log?action=card.revealed", token: admin.accessToken)
            #expect(audit.list.count == 1)
            #expect(audit.list.first?["actor_id"] as? String == ada.userID)
            #expect(audit.list.first?["target_id"] as? String == card.id)
            #expect(!audit.text.contains(card.pan))
            try await api.expectSound()
        }
    }

    @Test func revealIsLimitedToFiveAUserInFiveMinutes() async throws {
        try await TestBank.withApp(rateLimit: true) { api in
            let ada = try await api.signUp("ada@example.com")
            let bob = try await api.signUp("bob@example.com")
            let card = try await api.issueCard(ada, try await api.openAccount(ada))
            let bobCard = try await api.issueCard(bob, try await api.openAccount(bob))
            let body = #"{"password":"\#(TestBank.password)"}"#
            for attempt in 1...5 {
                // Wrong passwords spend the budget too, so that it cannot be used to guess.
                let json = attempt == 3 ? #"{"password":"guess"}"# : body
                let reply = try await api.call(.post, "/cards/\(card.id)/reveal", token: ada.accessToken, json: json)
                #expect(reply.status == (attempt == 3 ? .unprocessableContent : .ok), "attempt \(attempt)")
            }
            let limited = try await api.call(.post, "/cards/\(card.id)/reveal", token: ada.accessToken, json: body)
            expectProblem(limited, .tooManyRequests, "rate_limited")
            #expect(limited.headers[.retryAfter] == "300")
            #expect(limited.headers[.rateLimitLimit] == "5")
            #expect(!limited.text.contains(card.pan))
            // Per user: Bob is not limited by Ada's reveals.
            #expect(try await api.call(.post, "/cards/\(bobCard.id)/reveal", token: bob.accessToken, json: body).status == .ok)

            api.clock.advance(by: 300)
            let again = try await api.logIn("ada@example.com")
            #expect(try await api.call(.post, "/cards/\(card.id)/reveal", token: again.accessToken, json: body).string("pan") == card.pan)
        }
    }

    @Test func anotherMembersCardsAreNotFoundOnEveryRoute() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let eve = try await api.signUp("eve@example.com")
            let account = try await api.openAccount(ada)
            try await api.deposit(ada, account, 5_000)
            let card = try await api.issueCard(ada, account)
            let eveAccount = try await api.openAccount(eve)
            try await api.deposit(eve, eveAccount, 5_000)
            let password = #"{"password":"\#(TestBank.password)"}"#

            expectProblem(try await api.call(.post, "/accounts/\(account.id)/cards", token: eve.accessToken), .notFound, "account_not_found")
            expectProblem(try await api.call(.get, "/accounts/\(account.id)/cards", token: eve.accessToken), .notFound, "account_not_found")
            for action in ["freeze", "unfreeze"] {
                expectProblem(try await api.call(.post, "/cards/\(card.id)/\(action)", token: eve.accessToken), .notFound, "card_not_found", action)
            }
            let reveal = try await api.call(.post, "/cards/\(card.id)/reveal", token: eve.accessToken, json: password)
            expectProblem(reveal, .notFound, "card_not_found")
            #expect(!reveal.text.contains(card.pan))
            expectProblem(try await api.debit(eve, eveAccount, 100, card: card.id), .notFound, "card_not_found")
            expectProblem(try await api.debit(eve, account, 100, card: card.id), .notFound, "account_not_found")
            let missing = UUID().uuidString
            expectProblem(try await api.call(.post, "/cards/\(missing)/freeze", token: eve.accessToken), .notFound, "card_not_found")
            expectProblem(try await api.call(.post, "/cards/not-a-card/freeze", token: eve.accessToken), .notFound, "not_found")

            // Nothing changed: the card is active and both balances stand.
            #expect(try await api.call(.get, "/accounts/\(account.id)/cards", token: ada.accessToken).list.first?["status"] as? String == "active")
            #expect(try await api.balance(ada, account) == 5_000)
            #expect(try await api.balance(eve, eveAccount) == 5_000)
            try await api.expectSound()
        }
    }

    @Test func theDatabaseFileAndItsLogHoldNoIssuedNumber() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let employee = try await api.staff("employee@example.com", .employee)
            var pans: [String] = []
            for _ in 0..<3 {
                let account = try await api.openAccount(ada)
                pans.append(try await api.issueCard(ada, account).pan)
            }
            // A replacement's number too.
            let account = try await api.openAccount(ada)
            let old = try await api.issueCard(ada, account)
            pans.append(old.pan)
            let request = try await api.fileRequest(ada, #"{"type":"card_replacement","card_id":"\#(old.id)","details":{"reason":"damaged"}}"#)
            #expect(try await api.call(.post, "/employee/service-requests/\(request)/approve", token: employee.accessToken).status == .ok)
            pans.append(try #require(try await api.call(.get, "/service-requests/\(request)", token: ada.accessToken).string("replacement_card_pan")))

            var scanned = 0
            for (name, bytes) in try await SecretsAtRestTests.storedBytes(api, files: ["bank.sqlite", "bank.sqlite-wal"]) {
                scanned += bytes.count
                for pan in pans {
                    #expect(!SecretsAtRestTests.contains(bytes, Array(pan.utf8)), "\(name) holds a PAN in clear")
                }
            }
            #expect(scanned > 0)
            try await api.expectSound()
        }
    }
}
