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

/// The attack matrix of issue #8, OWASP API Top 10 (2023) style, one suite per kind of attacker.
///
/// What other suites already assert is not repeated here: RoleMatrixTests calls every route as every
/// role, TokenSecurityTests forges tokens against one route, BadInputTests refuses malformed bodies,
/// RateLimitTests the per-IP limits, HeadersTests the security headers. This file is the member
/// attacking another member: object-level (API1) and property-level (API3) authorization.
/// AttackMatrixTokenTests, AttackMatrixStaffTests, AttackMatrixBruteForceTests and AttackMatrixInputTests hold the rest.
@Suite struct AttackMatrixTests {
    /// Victor's things, which Mallory (a member with things of her own) goes after.
    struct Victim: Sendable {
        let victor: Session
        let mallory: Session
        /// Holds 7,000 cents and a card; the source of a transfer and of a withdrawal.
        let account: AccountRef
        /// The transfer's target: 1,000 cents.
        let savings: AccountRef
        /// Empty and open: closable by its owner.
        let empty: AccountRef
        let cardID: String
        let withdrawalID: String
        let transferID: String
        let requestID: String
        /// Mallory's own account (5,000 cents) and card.
        let malloryAccount: AccountRef
        let malloryCardID: String

        static func make(_ api: API) async throws -> Victim {
            let victor = try await api.signUp("victor@example.com", first: "Victor", last: "Victim")
            let mallory = try await api.signUp("mallory@example.com", first: "Mallory", last: "Attacker")
            let account = try await api.openAccount(victor)
            let savings = try await api.openAccount(victor, type: "savings")
            let empty = try await api.openAccount(victor)
            try await api.deposit(victor, account, 10_000)
            let withdrawal = try await api.debit(victor, account, 2_000, description: "Cash")
            try #require(withdrawal.status == .created, "\(withdrawal.text)")
            let transfer = try await api.transfer(victor, from: account, to: savings, cents: 1_000)
            try #require(transfer.status == .created, "\(transfer.text)")
            let card = try await api.issueCard(victor, account)
            let request = try await api.fileRequest(
                victor, #"{"type":"transaction_dispute","details":{"transaction_id":"\#(try #require(withdrawal.string("id")))","reason":"Not me"}}"#)
            let malloryAccount = try await api.openAccount(mallory)
            try await api.deposit(mallory, malloryAccount, 5_000)
            let malloryCard = try await api.issueCard(mallory, malloryAccount)
            return Victim(
                victor: victor, mallory: mallory, account: account, savings: savings, empty: empty, cardID: card.id,
                withdrawalID: try #require(withdrawal.string("id")), transferID: try #require(transfer.string("id")), requestID: request,
                malloryAccount: malloryAccount, malloryCardID: malloryCard.id)
        }

        /// Victor's things are exactly as they were, Mallory's too, and the bank is sound.
        func expectUntouched(_ api: API, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            #expect(try await api.balance(victor, account) == 7_000, sourceLocation: sourceLocation)
            #expect(try await api.balance(victor, savings) == 1_000, sourceLocation: sourceLocation)
            #expect(try await api.balance(victor, empty) == 0, sourceLocation: sourceLocation)
            #expect(try await api.balance(mallory, malloryAccount) == 5_000, sourceLocation: sourceLocation)
            let accounts = try await api.call(.get, "/accounts", token: victor.accessToken)
            #expect(accounts.list.map { $0["status"] as? String } == ["open", "open", "open"], sourceLocation: sourceLocation)
            #expect(
                try await api.call(.get, "/accounts/\(account.id)/transactions", token: victor.accessToken).list.count == 3,
                sourceLocation: sourceLocation)
            let cards = try await api.call(.get, "/accounts/\(account.id)/cards", token: victor.accessToken).list
            #expect(cards.map { $0["status"] as? String } == ["active"], sourceLocation: sourceLocation)
            #expect(try await api.call(.get, "/accounts/\(empty.id)/cards", token: victor.accessToken).list.isEmpty, sourceLocation: sourceLocation)
            let request = try await api.call(.get, "/service-requests/\(requestID)", token: victor.accessToken)
            #expect(request.string("status") == "pending", sourceLocation: sourceLocation)
            #expect(try await api.call(.get, "/service-requests", token: mallory.accessToken).list.isEmpty, sourceLocation: sourceLocation)
            let malloryAccounts = try await api.call(.get, "/accounts", token: mallory.accessToken)
            #expect(malloryAccounts.list.count == 1, sourceLocation: sourceLocation)
            #expect(
                try await api.call(.get, "/accounts/\(malloryAccount.id)/transactions", token: mallory.accessToken).list.count == 1,
                sourceLocation: sourceLocation)
            try await api.expectSound(sourceLocation: sourceLocation)
        }
    }

    /// One ID-taking request, built once with the victim's id and once with an id that exists nowhere.
    struct Probe: Sendable {
        let label: String
        let method: HTTPRequest.Method
        let code: String
        let uri: @Sendable (String) -> String
        var body: @Sendable (String) -> String? = { _ in nil }
        let victimID: String
    }

    static func probes(_ world: Victim) -> [Probe] {
        let (account, card, mine) = (world.account.id, world.cardID, world.malloryAccount.id)
        let password = TestBank.password
        return [
            Probe(label: "account", method: .get, code: "account_not_found", uri: { "/accounts/\($0)" }, victimID: account),
            Probe(label: "balance", method: .get, code: "account_not_found", uri: { "/accounts/\($0)/balance" }, victimID: account),
            Probe(label: "close", method: .post, code: "account_not_found", uri: { "/accounts/\($0)/close" }, victimID: world.empty.id),
            Probe(
                label: "deposit", method: .post, code: "account_not_found", uri: { "/accounts/\($0)/transactions" },
                body: { _ in #"{"type":"credit","amount_cents":100}"# }, victimID: account),
            Probe(
                label: "withdrawal", method: .post, code: "account_not_found", uri: { "/accounts/\($0)/transactions" },
                body: { _ in #"{"type":"debit","amount_cents":100}"# }, victimID: account),
            Probe(
                label: "purchase on the victim's account with the victim's card", method: .post, code: "account_not_found",
                uri: { "/accounts/\($0)/transactions" }, body: { _ in #"{"type":"debit","amount_cents":100,"card_id":"\#(card)"}"# },
                victimID: account),
            Probe(
                label: "purchase on her own account with the victim's card", method: .post, code: "card_not_found",
                uri: { _ in "/accounts/\(mine)/transactions" }, body: { #"{"type":"debit","amount_cents":100,"card_id":"\#($0)"}"# }, victimID: card),
            Probe(label: "transactions", method: .get, code: "account_not_found", uri: { "/accounts/\($0)/transactions" }, victimID: account),
            Probe(
                label: "a transaction of the victim's account", method: .get, code: "account_not_found",
                uri: { "/accounts/\($0)/transactions/\(world.withdrawalID)" }, victimID: account),
            Probe(
                label: "the victim's transaction under her own account", method: .get, code: "transaction_not_found",
                uri: { "/accounts/\(mine)/transactions/\($0)" }, victimID: world.withdrawalID),
            Probe(label: "cards of account", method: .get, code: "account_not_found", uri: { "/accounts/\($0)/cards" }, victimID: account),
            Probe(label: "issue a card", method: .post, code: "account_not_found", uri: { "/accounts/\($0)/cards" }, victimID: world.empty.id),
            Probe(label: "freeze", method: .post, code: "card_not_found", uri: { "/cards/\($0)/freeze" }, victimID: card),
            Probe(label: "unfreeze", method: .post, code: "card_not_found", uri: { "/cards/\($0)/unfreeze" }, victimID: card),
            Probe(
                label: "reveal", method: .post, code: "card_not_found", uri: { "/cards/\($0)/reveal" },
                body: { _ in #"{"password":"\#(password)"}"# }, victimID: card),
            Probe(
                label: "statement", method: .get, code: "account_not_found", uri: { "/accounts/\($0)/statements?year=2026&month=11" },
                victimID: account),
            Probe(
                label: "statement CSV", method: .get, code: "account_not_found", uri: { "/accounts/\($0)/statements/2026-11.csv" },
                victimID: account),
            Probe(label: "summary", method: .get, code: "account_not_found", uri: { "/accounts/\($0)/summary?year=2026" }, victimID: account),
            Probe(label: "transfer", method: .get, code: "transfer_not_found", uri: { "/transfers/\($0)" }, victimID: world.transferID),
            Probe(
                label: "transfer out of the victim's account", method: .post, code: "account_not_found", uri: { _ in "/transfers" },
                body: { #"{"from_account_id":"\#($0)","to_account_id":"\#(mine)","amount_cents":100}"# }, victimID: account),
            Probe(
                label: "service request", method: .get, code: "service_request_not_found", uri: { "/service-requests/\($0)" },
                victimID: world.requestID),
            Probe(
                label: "cancel service request", method: .post, code: "service_request_not_found", uri: { "/service-requests/\($0)/cancel" },
                victimID: world.requestID),
            Probe(
                label: "closure of the victim's account", method: .post, code: "account_not_found", uri: { _ in "/service-requests" },
                body: { #"{"type":"account_closure","account_id":"\#($0)"}"# }, victimID: world.empty.id),
            Probe(
                label: "limit increase of the victim's account", method: .post, code: "account_not_found", uri: { _ in "/service-requests" },
                body: { #"{"type":"limit_increase","details":{"account_id":"\#($0)","daily_limit_cents":900000}}"# }, victimID: account),
            Probe(
                label: "replacement of the victim's card", method: .post, code: "card_not_found", uri: { _ in "/service-requests" },
                body: { #"{"type":"card_replacement","card_id":"\#($0)","details":{"reason":"stolen"}}"# }, victimID: card),
            Probe(
                label: "dispute of the victim's transaction", method: .post, code: "transaction_not_found", uri: { _ in "/service-requests" },
                body: { #"{"type":"transaction_dispute","details":{"transaction_id":"\#($0)","reason":"Refund me"}}"# },
                victimID: world.withdrawalID),
        ]
    }

    // MARK: - Member against member: object level (API1)

    @Test func anotherMembersIDIsAnswered404ExactlyAsAnIDThatExistsNowhere() async throws {
        try await TestBank.withApp { api in
            let world = try await Victim.make(api)
            for probe in Self.probes(world) {
                let ghost = UUID().uuidString.lowercased()
                let theirs = try await api.call(
                    probe.method, probe.uri(probe.victimID), token: world.mallory.accessToken, json: probe.body(probe.victimID))
                let nobodys = try await api.call(probe.method, probe.uri(ghost), token: world.mallory.accessToken, json: probe.body(ghost))
                expectProblem(theirs, .notFound, probe.code, "\(probe.label), the victim's id")
                expectProblem(nobodys, .notFound, probe.code, "\(probe.label), an id of nobody")
                // Nothing tells them apart but the id itself: same members, same title, same detail once the id is blanked out.
                #expect(Set(theirs.object.keys) == Set(nobodys.object.keys), "\(probe.label)")
                #expect(theirs.string("title") == nobodys.string("title"), "\(probe.label)")
                let blank = { (reply: Reply, id: String) in reply.string("detail")?.replacingOccurrences(of: id, with: "<id>") }
                #expect(blank(theirs, probe.victimID) == blank(nobodys, ghost), "\(probe.label): \(theirs.text) / \(nobodys.text)")
            }
            try await world.expectUntouched(api)
        }
    }

    @Test func theVictimsOwnIDsStillWorkForTheVictim() async throws {
        // The control for the test above: every probe that Mallory was refused answers Victor.
        try await TestBank.withApp { api in
            let world = try await Victim.make(api)
            let reads = Self.probes(world).filter { $0.method == .get }
            for probe in reads {
                let uri = probe.uri(probe.victimID).replacingOccurrences(of: world.malloryAccount.id, with: world.account.id)
                let reply = try await api.call(.get, uri, token: world.victor.accessToken)
                #expect(reply.status == .ok, "\(probe.label): \(reply.text)")
            }
        }
    }

    // MARK: - Member against the bank: property level (API3, mass assignment)

    @Test func serverOwnedPropertiesInABodyAreRefusedWithTheFieldNamed() async throws {
        try await TestBank.withApp { api in
            let world = try await Victim.make(api)
            let employee = try await api.staff("emma@example.com", .employee)
            let (token, mine, card) = (world.mallory.accessToken, world.malloryAccount.id, world.malloryCardID)
            let password = TestBank.password
            let signup = #""email":"new@example.com","password":"\#(password)","first_name":"N","last_name":"M""#
            let movement = #""type":"credit","amount_cents":100"#
            let transfer = #""from_account_id":"\#(mine)","to_account_id":"\#(world.account.id)","amount_cents":100"#
            let nameChange = #""type":"name_change","details":{"first_name":"Eve","last_name":"Adams""#
            // Fields that BadInputTests and ProfileTests already try (balance_cents, status and owner_id on accounts, role, …) are not repeated.
            let cases: [(HTTPRequest.Method, String, String, String?, [String])] = [
                (.post, "/auth/signup", #"{\#(signup),"id":"\#(world.victor.userID)"}"#, nil, ["id"]),
                (.post, "/auth/signup", #"{\#(signup),"status":"active","locked_until":null}"#, nil, ["status", "locked_until"]),
                (.post, "/auth/signup", #"{\#(signup),"balance_cents":1000000}"#, nil, ["balance_cents"]),
                (.post, "/auth/signup", #"{\#(signup),"password_hash":"$argon2id$x"}"#, nil, ["password_hash"]),
                (.patch, "/account-holders/me", #"{"first_name":"Eve","id":"\#(world.victor.userID)"}"#, token, ["id"]),
                (.patch, "/account-holders/me", #"{"locked_until":null,"failed_login_count":0}"#, token, ["locked_until", "failed_login_count"]),
                (.patch, "/account-holders/me", #"{"password_hash":"x","created_at":"2020-01-01T00:00:00Z"}"#, token,
                 ["password_hash", "created_at"]),
                (.post, "/accounts", #"{"account_type":"checking","id":"\#(world.account.id)"}"#, token, ["id"]),
                (.post, "/accounts", #"{"account_type":"checking","account_number":"\#(world.account.number)"}"#, token, ["account_number"]),
                (.post, "/accounts", #"{"account_type":"checking","role":"admin","email":"x@example.com"}"#, token, ["role", "email"]),
                (.post, "/accounts", #"{"account_type":"checking","available_cents":5,"daily_debit_limit_cents":1}"#, token,
                 ["available_cents", "daily_debit_limit_cents"]),
                (.post, "/accounts/\(mine)/transactions", #"{\#(movement),"id":"\#(world.withdrawalID)"}"#, token, ["id"]),
                (.post, "/accounts/\(mine)/transactions", #"{\#(movement),"account_id":"\#(world.account.id)"}"#, token, ["account_id"]),
                (.post, "/accounts/\(mine)/transactions", #"{\#(movement),"kind":"reversal"}"#, token, ["kind"]),
                (.post, "/accounts/\(mine)/transactions", #"{\#(movement),"balance_cents":1,"role":"admin"}"#, token, ["balance_cents", "role"]),
                (.post, "/transfers", #"{\#(transfer),"id":"\#(world.transferID)"}"#, token, ["id"]),
                (.post, "/transfers", #"{\#(transfer),"status":"posted"}"#, token, ["status"]),
                (.post, "/transfers", #"{\#(transfer),"balance_cents":1,"email":"x@example.com"}"#, token, ["balance_cents", "email"]),
                (.post, "/service-requests", #"{\#(nameChange)},"status":"completed"}"#, token, ["status"]),
                (.post, "/service-requests", #"{\#(nameChange)},"id":"\#(world.requestID)"}"#, token, ["id"]),
                (.post, "/service-requests", #"{\#(nameChange)},"member_id":"\#(world.victor.userID)"}"#, token, ["member_id"]),
                (.post, "/service-requests", #"{\#(nameChange),"role":"admin"}}"#, token, ["details.role"]),
                (.post, "/service-requests", #"{\#(nameChange),"email":"x@example.com"}}"#, token, ["details.email"]),
                (.post, "/accounts/\(mine)/cards", #"{"status":"active"}"#, token, ["status"]),
                (.post, "/accounts/\(mine)/cards", #"{"pan":"4000001234567899","cvv":"123"}"#, token, ["pan", "cvv"]),
                (.post, "/cards/\(card)/reveal", #"{"password":"\#(password)","role":"admin"}"#, token, ["role"]),
                (.post, "/employee/service-requests/\(world.requestID)/approve", #"{"note":"ok","status":"rejected"}"#, employee.accessToken,
                 ["status"]),
                (.post, "/employee/service-requests/\(world.requestID)/approve", #"{"decided_by":"\#(world.victor.userID)"}"#,
                 employee.accessToken, ["decided_by"]),
                (.post, "/employee/service-requests/\(world.requestID)/reject", #"{"reason":"no","status":"approved"}"#, employee.accessToken,
                 ["status"]),
            ]
            for (method, path, body, token, fields) in cases {
                let reply = try await api.call(method, path, token: token, json: body)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: fields, "\(method) \(path) \(body)")
            }
            #expect(try await api.bank.identity.user(email: "new@example.com") == nil)
            let me = try await api.call(.get, "/account-holders/me", token: world.mallory.accessToken)
            #expect(me.string("role") == "member" && me.string("first_name") == "Mallory" && me.string("email") == "mallory@example.com")
            #expect(try await api.call(.get, "/accounts/\(mine)/cards", token: world.mallory.accessToken).list.count == 1)
            try await world.expectUntouched(api)
        }
    }
}
