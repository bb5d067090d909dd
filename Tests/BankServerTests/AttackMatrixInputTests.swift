import BankCore
import BankRuntime
import BankTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Ledger
import Storage
import Testing

@testable import BankServer

/// Hostile input from a member and an employee (API4, API8): oversized bodies, deeply nested JSON and
/// huge strings on the endpoints BadInputTests does not cover, and SQL and HTML metacharacters in every
/// free-text field, which are stored and returned verbatim and change nothing else.
@Suite struct AttackMatrixInputTests {
    /// The metacharacter strings: SQL, markup, quotes and backslashes, LIKE wildcards, non-Latin scripts, emoji.
    static let hostile = [
        "'; DROP TABLE users;--",
        "<img src=x onerror=alert(1)>",
        #"Robert"); DELETE FROM accounts; --"#,
        #"back\slash "quote" 'apos' %_ wild"#,
        "Zoë Ñandú 日本語 עברית",
        "🏦💸 👩‍💻 👨‍👩‍👧",
    ]

    static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// The body endpoints BadInputTests leaves out, with a valid body for each, and who may call them.
    struct World: Sendable {
        let member: Session
        let employee: Session
        let account: AccountRef
        let cardID: String
        let requestID: String

        static func make(_ api: API) async throws -> World {
            let member = try await api.signUp("input@example.com", first: "In", last: "Put")
            let employee = try await api.staff("emma@example.com", .employee)
            let account = try await api.openAccount(member)
            try await api.deposit(member, account, 10_000)
            let card = try await api.issueCard(member, account)
            let request = try await api.fileRequest(member, #"{"type":"name_change","details":{"first_name":"Ina","last_name":"Put"}}"#)
            return World(member: member, employee: employee, account: account, cardID: card.id, requestID: request)
        }

        var endpoints: [(String, String, String)] {
            [
                ("/service-requests", member.accessToken, "service request"),
                ("/cards/\(cardID)/reveal", member.accessToken, "reveal"),
                ("/accounts/\(account.id)/cards", member.accessToken, "card issue"),
                ("/employee/service-requests/\(requestID)/approve", employee.accessToken, "approve"),
                ("/employee/service-requests/\(requestID)/reject", employee.accessToken, "reject"),
                ("/accounts/\(account.id)/transactions", member.accessToken, "transaction"),
                ("/transfers", member.accessToken, "transfer"),
                ("/accounts", member.accessToken, "account"),
            ]
        }

        func expectUnchanged(_ api: API, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            #expect(try await api.balance(member, account) == 10_000, sourceLocation: sourceLocation)
            #expect(try await api.call(.get, "/accounts", token: member.accessToken).list.count == 1, sourceLocation: sourceLocation)
            let cards = try await api.call(.get, "/accounts/\(account.id)/cards", token: member.accessToken).list
            #expect(cards.count == 1, sourceLocation: sourceLocation)
            let requests = try await api.call(.get, "/service-requests", token: member.accessToken).list
            #expect(requests.map { $0["status"] as? String } == ["pending"], sourceLocation: sourceLocation)
            try await api.expectSound(sourceLocation: sourceLocation)
        }
    }

    // MARK: - Size and depth

    @Test func oversizedAndDeeplyNestedBodiesAreRefusedOnEveryRemainingEndpoint() async throws {
        try await TestBank.withApp { api in
            let world = try await World.make(api)
            let big = #"{"details":""# + String(repeating: "x", count: 70_000) + #""}"#
            let deep = [
                String(repeating: "[", count: 10_000),
                String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
                String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000),
                #"{"details":"# + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "}",
            ]
            for (path, token, label) in world.endpoints {
                expectProblem(try await api.call(.post, path, token: token, json: big), .contentTooLarge, "payload_too_large", label)
                for body in deep {
                    expectProblem(
                        try await api.call(.post, path, token: token, json: body), .badRequest, "malformed_json", "\(label) \(body.prefix(12))")
                }
            }
            try await world.expectUnchanged(api)
        }
    }

    @Test func aBodyOfExactly64KiBIsReadAndOneByteMoreIsNot() async throws {
        try await TestBank.withApp { api in
            let world = try await World.make(api)
            let frame = #"{"type":"credit","amount_cents":100,"description":""# + #""}"#
            let fill = 64 * 1024 - frame.utf8.count
            let exact = #"{"type":"credit","amount_cents":100,"description":""# + String(repeating: "d", count: fill) + #""}"#
            try #require(exact.utf8.count == 64 * 1024)
            let path = "/accounts/\(world.account.id)/transactions"
            // Read, and refused for what it says: the description is too long.
            expectProblem(try await api.call(.post, path, token: world.member.accessToken, json: exact), .unprocessableContent, "validation_failed",
                fields: ["description"])
            let over = #"{"type":"credit","amount_cents":100,"description":""# + String(repeating: "d", count: fill + 1) + #""}"#
            expectProblem(try await api.call(.post, path, token: world.member.accessToken, json: over), .contentTooLarge, "payload_too_large")
            try await world.expectUnchanged(api)
        }
    }

    /// Each free-text field at its maximum is accepted, one character more is a 422 naming it.
    @Test func everyFreeTextFieldHasAMaximumLengthAndOneMoreIsRefusedByName() async throws {
        try await TestBank.withApp { api in
            let world = try await World.make(api)
            let (token, account) = (world.member.accessToken, world.account.id)
            let password = TestBank.password
            func text(_ count: Int) -> String { String(repeating: "é", count: count) }
            typealias Case = (
                label: String, path: String, method: HTTPRequest.Method, token: String?, field: String, max: Int, body: @Sendable (String) -> String
            )
            let cases: [Case] = [
                ("signup first name", "/auth/signup", .post, nil, "first_name", 100, { value in
                    #"{"email":"s\#(UUID().uuidString.prefix(8))@example.com","password":"\#(password)","first_name":"\#(value)","last_name":"L"}"#
                }),
                ("signup last name", "/auth/signup", .post, nil, "last_name", 100, { value in
                    #"{"email":"s\#(UUID().uuidString.prefix(8))@example.com","password":"\#(password)","first_name":"F","last_name":"\#(value)"}"#
                }),
                ("profile first name", "/account-holders/me", .patch, token, "first_name", 100, { #"{"first_name":"\#($0)"}"# }),
                ("profile last name", "/account-holders/me", .patch, token, "last_name", 100, { #"{"last_name":"\#($0)"}"# }),
                ("nickname", "/accounts", .post, token, "nickname", 50, { #"{"account_type":"savings","nickname":"\#($0)"}"# }),
                ("description", "/accounts/\(account)/transactions", .post, token, "description", 200, {
                    #"{"type":"credit","amount_cents":1,"description":"\#($0)"}"# }),
                ("name change first name", "/service-requests", .post, token, "details.first_name", 100, {
                    #"{"type":"name_change","details":{"first_name":"\#($0)","last_name":"Put"}}"# }),
                ("name change last name", "/service-requests", .post, token, "details.last_name", 100, {
                    #"{"type":"name_change","details":{"first_name":"In","last_name":"\#($0)"}}"# }),
            ]
            for item in cases {
                let atMax = try await api.call(item.method, item.path, token: item.token, json: item.body(text(item.max)))
                #expect(atMax.status == (item.method == .patch ? .ok : .created), "\(item.label) at \(item.max): \(atMax.text)")
                let over = try await api.call(item.method, item.path, token: item.token, json: item.body(text(item.max + 1)))
                expectProblem(over, .unprocessableContent, "validation_failed", fields: [item.field], "\(item.label) at \(item.max + 1)")
                let huge = try await api.call(item.method, item.path, token: item.token, json: item.body(text(20_000)))
                expectProblem(huge, .unprocessableContent, "validation_failed", fields: [item.field], "\(item.label) at 20,000")
            }
            // A transfer's description, a dispute's reason, an approval's note and a rejection's reason.
            let other = try await api.openAccount(world.member)
            func transfer(_ description: String) -> String {
                #"{"from_account_id":"\#(account)","to_account_id":"\#(other.id)","amount_cents":1,"description":"\#(description)"}"#
            }
            #expect(try await api.call(.post, "/transfers", token: token, json: transfer(text(200))).status == .created)
            expectProblem(
                try await api.call(.post, "/transfers", token: token, json: transfer(text(201))),
                .unprocessableContent, "validation_failed", fields: ["description"])
            let withdrawal = try await api.debit(world.member, world.account, 5)
            let withdrawalID = try #require(withdrawal.string("id"))
            func dispute(_ reason: String) -> String {
                #"{"type":"transaction_dispute","details":{"transaction_id":"\#(withdrawalID)","reason":"\#(reason)"}}"#
            }
            expectProblem(try await api.call(.post, "/service-requests", token: token, json: dispute(text(501))), .unprocessableContent,
                "validation_failed", fields: ["details.reason"])
            let disputeID = try await api.fileRequest(world.member, dispute(text(500)))
            let employee = world.employee.accessToken
            expectProblem(
                try await api.call(.post, "/employee/service-requests/\(disputeID)/approve", token: employee, json: #"{"note":"\#(text(501))"}"#),
                .unprocessableContent, "validation_failed", fields: ["note"])
            expectProblem(
                try await api.call(.post, "/employee/service-requests/\(disputeID)/reject", token: employee, json: #"{"reason":"\#(text(501))"}"#),
                .unprocessableContent, "validation_failed", fields: ["reason"])
            let rejected = try await api.call(
                .post, "/employee/service-requests/\(disputeID)/reject", token: employee, json: #"{"reason":"\#(text(500))"}"#)
            #expect(rejected.status == .ok && rejected.string("rejection_reason") == text(500))
            try await api.expectSound()
        }
    }

    // MARK: - Metacharacters

    @Test func metacharactersInEveryFreeTextFieldAreStoredAndReturnedVerbatim() async throws {
        try await TestBank.withApp { api in
            let employee = try await api.staff("emma@example.com", .employee)
            var users = 1
            for (index, value) in Self.hostile.enumerated() {
                // Names at signup, and through a profile PATCH.
                let signup = try await api.call(
                    .post, "/auth/signup",
                    json: try Self.json(
                        ["email": "meta\(index)@example.com", "password": TestBank.password, "first_name": value, "last_name": value]))
                #expect(signup.status == .created, "\(signup.text)")
                users += 1
                let member = try API.session(signup)
                let token = member.accessToken
                let me = try await api.call(.get, "/account-holders/me", token: token)
                #expect(me.string("first_name") == value && me.string("last_name") == value, "\(me.text)")
                let patched = try await api.call(.patch, "/account-holders/me", token: token, json: try Self.json(["last_name": "x" + value]))
                #expect(patched.string("last_name") == "x" + value, "\(patched.text)")

                // A nickname, descriptions of a deposit, a withdrawal and a transfer.
                let opened = try await api.call(
                    .post, "/accounts", token: token, json: try Self.json(["account_type": "checking", "nickname": value]))
                #expect(opened.status == .created && opened.string("nickname") == value, "\(opened.text)")
                let account = AccountRef(id: try #require(opened.string("id")), number: try #require(opened.string("account_number")))
                #expect(try await api.call(.get, "/accounts/\(account.id)", token: token).string("nickname") == value)
                let other = try await api.openAccount(member)
                let credit = try await api.call(
                    .post, "/accounts/\(account.id)/transactions", token: token,
                    json: try Self.json(["type": "credit", "amount_cents": 1_000, "description": value]))
                #expect(credit.status == .created && credit.string("description") == value, "\(credit.text)")
                let debit = try await api.call(
                    .post, "/accounts/\(account.id)/transactions", token: token,
                    json: try Self.json(["type": "debit", "amount_cents": 100, "description": "debit " + value]))
                #expect(debit.status == .created && debit.string("description") == "debit " + value, "\(debit.text)")
                let transfer = try await api.call(
                    .post, "/transfers", token: token,
                    json: try Self.json(["from_account_id": account.id, "to_account_id": other.id, "amount_cents": 100, "description": "t " + value]))
                #expect(transfer.status == .created, "\(transfer.text)")
                #expect(transfer.nested("debit_transaction")["description"] as? String == "t " + value)
                #expect(transfer.nested("credit_transaction")["description"] as? String == "t " + value)
                let shown = try await api.call(.get, "/accounts/\(account.id)/transactions/\(try #require(credit.string("id")))", token: token)
                #expect(shown.string("description") == value)

                // The description search treats the text literally: quotes, wildcards and all.
                let query = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let found = try await api.call(.get, "/accounts/\(account.id)/transactions?q=\(query)", token: token)
                #expect(
                    found.list.map { $0["description"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") }
                        == ["debit " + value, "t " + value, value].sorted(),
                    "\(value): \(found.text)")

                // A category is a lowercase slug, not free text: metacharacters are a field error, and nothing is posted.
                let category = try await api.call(
                    .post, "/accounts/\(account.id)/transactions", token: token,
                    json: try Self.json(["type": "credit", "amount_cents": 1, "category": value]))
                expectProblem(category, .unprocessableContent, "validation_failed", fields: ["category"], value)

                // Service request details, an approval's note, a rejection's reason.
                let renameID = try await api.fileRequest(
                    member, try Self.json(["type": "name_change", "details": ["first_name": value, "last_name": "y" + value]]))
                let rename = try await api.call(.get, "/service-requests/\(renameID)", token: token)
                #expect(rename.nested("details")["first_name"] as? String == value, "\(rename.text)")
                let approved = try await api.call(
                    .post, "/employee/service-requests/\(renameID)/approve", token: employee.accessToken, json: try Self.json(["note": "n " + value]))
                #expect(approved.status == .ok && approved.string("note") == "n " + value, "\(approved.text)")
                let renamed = try await api.call(.get, "/account-holders/me", token: token)
                #expect(renamed.string("first_name") == value && renamed.string("last_name") == "y" + value)
                let disputeID = try await api.fileRequest(
                    member,
                    try Self.json(
                        ["type": "transaction_dispute", "details": ["transaction_id": try #require(debit.string("id")), "reason": "r " + value]]))
                #expect(
                    try await api.call(.get, "/service-requests/\(disputeID)", token: token).nested("details")["reason"] as? String
                        == "r " + value)
                let rejected = try await api.call(
                    .post, "/employee/service-requests/\(disputeID)/reject", token: employee.accessToken,
                    json: try Self.json(["reason": "no " + value]))
                #expect(rejected.status == .ok && rejected.string("rejection_reason") == "no " + value, "\(rejected.text)")

                // Harmless: markup never reaches a JSON body unescaped.
                for reply in [me, patched, opened, credit, transfer, shown, found, rename, approved, rejected] {
                    #expect(!reply.text.contains("<img"), "\(reply.text)")
                }
                #expect(try await api.balance(member, account) == 1_000 - 100 - 100)
                #expect(try await api.balance(member, other) == 100)
            }

            // What has no place in text is still refused: controls, and the bidirectional overrides that disguise it.
            for bad in ["Eve\u{0007}", "\u{202E}gnp.exe", "a\u{2066}b", "\u{0085}x"] {
                let signup = try await api.call(
                    .post, "/auth/signup",
                    json: try Self.json(["email": "bad@example.com", "password": TestBank.password, "first_name": bad, "last_name": "L"]))
                expectProblem(signup, .unprocessableContent, "validation_failed", fields: ["first_name"], bad.debugDescription)
            }

            // The database is intact: every table is there, every user, and the invariants hold.
            let (userCount, tables) = try await api.bank.database.read { db in
                (try db.value(Int.self, "SELECT COUNT(*) FROM users") ?? 0, try TestDatabase.tables(in: db))
            }
            #expect(userCount == users)
            #expect(Set(["users", "accounts", "transactions", "postings", "audit_log", "service_requests", "cards"]).isSubset(of: Set(tables)))
            try await api.expectSound()
        }
    }

    @Test func metacharactersInQueryParametersFilterLiterally() async throws {
        try await TestBank.withApp { api in
            let world = try await World.make(api)
            let admin = try await api.staff("root@example.com", .admin)
            let token = world.member.accessToken
            let base = "/accounts/\(world.account.id)/transactions"
            for value in ["' OR '1'='1", "%", "_", "%' --", "\" OR \"\"=\"", "*"] {
                let query = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let search = try await api.call(.get, "\(base)?q=\(query)", token: token)
                #expect(search.status == .ok && search.list.isEmpty, "q=\(value): \(search.text)")
                let category = try await api.call(.get, "\(base)?category=\(query)", token: token)
                #expect(category.status == .ok && category.list.isEmpty, "category=\(value): \(category.text)")
                let audit = try await api.call(.get, "/admin/audit-log?action=\(query)", token: admin.accessToken)
                #expect(audit.status == .ok && audit.list.isEmpty, "action=\(value): \(audit.text)")
                let lookup = try await api.call(.get, "/accounts/lookup?account_number=\(query)", token: token)
                expectProblem(lookup, .unprocessableContent, "validation_failed", fields: ["account_number"], value)
            }
            // An id in the path that is SQL is simply no id.
            for id in ["1'%20OR%20'1'='1", "%27%3B%20DROP%20TABLE%20accounts%3B--", "..%2F..%2Fetc%2Fpasswd"] {
                expectProblem(try await api.call(.get, "/accounts/\(id)", token: token), .notFound, "not_found", id)
                expectProblem(try await api.call(.get, "/admin/users/\(id)", token: admin.accessToken), .notFound, "not_found", id)
            }
            #expect(try await api.call(.get, base, token: token).list.count == 1)
            try await world.expectUnchanged(api)
        }
    }
}
