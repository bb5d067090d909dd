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

/// Every POST and PATCH refuses what is not a small, well-formed JSON object of known, well-typed fields, and changes nothing.
@Suite struct BadInputTests {
    struct Endpoint: Sendable {
        let method: HTTPRequest.Method
        let path: String
        let authenticated: Bool
    }

    /// A member with two funded accounts, and every endpoint that takes a body.
    struct World: Sendable {
        let session: Session
        let from: AccountRef
        let to: AccountRef

        var endpoints: [Endpoint] {
            [
                Endpoint(method: .post, path: "/auth/signup", authenticated: false),
                Endpoint(method: .post, path: "/auth/login", authenticated: false),
                Endpoint(method: .post, path: "/auth/refresh", authenticated: false),
                Endpoint(method: .post, path: "/auth/password", authenticated: true),
                Endpoint(method: .patch, path: "/account-holders/me", authenticated: true),
                Endpoint(method: .post, path: "/accounts", authenticated: true),
                Endpoint(method: .post, path: "/accounts/\(from.id)/transactions", authenticated: true),
                Endpoint(method: .post, path: "/transfers", authenticated: true),
            ]
        }

        static func make(_ api: API) async throws -> World {
            let session = try await api.signUp("input@example.com", first: "In", last: "Put")
            let from = try await api.openAccount(session)
            let to = try await api.openAccount(session)
            try await api.deposit(session, from, 10_000)
            return World(session: session, from: from, to: to)
        }

        /// Nothing moved, nobody new, the profile as it was, and the invariants hold.
        func expectUnchanged(_ api: API, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            #expect(try await api.balance(session, from) == 10_000, sourceLocation: sourceLocation)
            #expect(try await api.balance(session, to) == 0, sourceLocation: sourceLocation)
            let accounts = try await api.call(.get, "/accounts", token: session.accessToken)
            #expect(accounts.list.count == 2, sourceLocation: sourceLocation)
            let transactions = try await api.call(.get, "/accounts/\(from.id)/transactions", token: session.accessToken)
            #expect(transactions.list.count == 1, sourceLocation: sourceLocation)
            let profile = try await api.call(.get, "/account-holders/me", token: session.accessToken)
            #expect(profile.string("first_name") == "In" && profile.string("role") == "member", sourceLocation: sourceLocation)
            #expect(try await api.bank.identity.users(page: PageRequest()).data.count == 1, sourceLocation: sourceLocation)
            try await api.expectSound(sourceLocation: sourceLocation)
        }
    }

    static func nested(_ depth: Int) -> String {
        String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
    }

    @Test func malformedTooDeepAndNonObjectBodiesAreRefusedEverywhere() async throws {
        try await TestBank.withApp { api in
            let world = try await World.make(api)
            let malformed = [
                #"{"email":"#, #"{"a":1}x"#, "{'a':1}", #"{"a":1,}"#, #"{"a":01}"#, "nul", #"{"a":1,"a":2}"#, #"{"a":"\x"}"#,
                String(repeating: "[", count: 100) + String(repeating: "]", count: 100), Self.nested(100),
            ]
            for endpoint in world.endpoints {
                let token = endpoint.authenticated ? world.session.accessToken : nil
                let label = "\(endpoint.method) \(endpoint.path)"
                for body in malformed {
                    let reply = try await api.call(endpoint.method, endpoint.path, token: token, json: body)
                    expectProblem(reply, .badRequest, "malformed_json", "\(label) \(body.prefix(40))")
                }
                let empty = try await api.call(endpoint.method, endpoint.path, token: token, json: "")
                expectProblem(empty, .badRequest, "malformed_json", "\(label) empty")
                var invalidUTF8 = ByteBuffer(string: #"{"a":""#)
                invalidUTF8.writeBytes([0xC3, 0x28])
                invalidUTF8.writeString(#""}"#)
                var headers: HTTPFields = [.contentType: "application/json"]
                if let token { headers[.authorization] = "Bearer \(token)" }
                let utf8Reply = try await api.client.execute(uri: endpoint.path, method: endpoint.method, headers: headers, body: invalidUTF8) {
                    Reply(status: $0.status, headers: $0.headers, body: $0.body)
                }
                expectProblem(utf8Reply, .badRequest, "malformed_json", "\(label) invalid UTF-8")
                for body in ["[]", #""text""#, "42", "null", #"[{"a":1}]"#] {
                    let reply = try await api.call(endpoint.method, endpoint.path, token: token, json: body)
                    expectProblem(reply, .unprocessableContent, "validation_failed", "\(label) \(body)")
                    #expect(reply.errorFields.contains("body"), "\(label) \(body)")
                }
            }
            try await world.expectUnchanged(api)
        }
    }

    @Test func onlyJSONIsAcceptedAndBodiesAreCappedAt64KiB() async throws {
        try await TestBank.withApp { api in
            let world = try await World.make(api)
            let big = #"{"description":""# + String(repeating: "x", count: 70_000) + #""}"#
            for endpoint in world.endpoints {
                let token = endpoint.authenticated ? world.session.accessToken : nil
                let label = "\(endpoint.method) \(endpoint.path)"
                for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"] {
                    let reply = try await api.call(endpoint.method, endpoint.path, token: token, json: #"{"a":1}"#, contentType: type)
                    expectProblem(reply, .unsupportedMediaType, "unsupported_media_type", "\(label) \(type)")
                }
                let untyped = try await api.call(endpoint.method, endpoint.path, token: token, json: #"{"a":1}"#, contentType: nil)
                expectProblem(untyped, .unsupportedMediaType, "unsupported_media_type", "\(label) no type")
                let tooLarge = try await api.call(endpoint.method, endpoint.path, token: token, json: big)
                expectProblem(tooLarge, .contentTooLarge, "payload_too_large", label)
            }
            try await world.expectUnchanged(api)
        }
    }

    @Test func amountsMustBeIntegerCentsInRange() async throws {
        try await TestBank.withApp { api in
            let world = try await World.make(api)
            let amounts = [
                "50.0", "0.5", #""5000""#, "0", "-5", "-0", "100000000001", "1e3", "5E2", "99999999999999999999", "null", "true", "[100]",
                #"{"cents":100}"#,
            ]
            for amount in amounts {
                let deposit = try await api.call(
                    .post, "/accounts/\(world.from.id)/transactions", token: world.session.accessToken,
                    json: #"{"type":"credit","amount_cents":\#(amount)}"#)
                expectProblem(deposit, .unprocessableContent, "validation_failed", fields: ["amount_cents"], "deposit \(amount)")
                let debit = try await api.call(
                    .post, "/accounts/\(world.from.id)/transactions", token: world.session.accessToken,
                    json: #"{"type":"debit","amount_cents":\#(amount)}"#)
                expectProblem(debit, .unprocessableContent, "validation_failed", fields: ["amount_cents"], "debit \(amount)")
                let transfer = try await api.call(
                    .post, "/transfers", token: world.session.accessToken,
                    json: #"{"from_account_id":"\#(world.from.id)","to_account_id":"\#(world.to.id)","amount_cents":\#(amount)}"#)
                expectProblem(transfer, .unprocessableContent, "validation_failed", fields: ["amount_cents"], "transfer \(amount)")
            }
            // No declined rows either: validation failures are not declines.
            #expect(
                try await api.call(.get, "/accounts/\(world.from.id)/transactions?status=declined", token: world.session.accessToken).list.isEmpty)
            try await world.expectUnchanged(api)

            // The largest movement is accepted.
            let largest = try await api.call(
                .post, "/accounts/\(world.to.id)/transactions", token: world.session.accessToken,
                json: #"{"type":"credit","amount_cents":100000000000}"#)
            #expect(largest.status == .created)
            #expect(try await api.balance(world.session, world.to) == 100_000_000_000)
        }
    }

    @Test func unknownFieldsAreRefusedWithoutMassAssignment() async throws {
        try await TestBank.withApp { api in
            let world = try await World.make(api)
            let token = world.session.accessToken
            let cases: [(HTTPRequest.Method, String, String, String)] = [
                (.post, "/accounts", #"{"account_type":"checking","balance_cents":100000}"#, "balance_cents"),
                (.post, "/accounts", #"{"account_type":"checking","status":"frozen"}"#, "status"),
                (.post, "/accounts", #"{"account_type":"checking","owner_id":"\#(UUID().uuidString)"}"#, "owner_id"),
                (.post, "/accounts/\(world.from.id)/transactions", #"{"type":"credit","amount_cents":100,"status":"declined"}"#, "status"),
                (.post, "/accounts/\(world.from.id)/transactions", #"{"type":"credit","amount_cents":100,"balance_after_cents":1}"#,
                 "balance_after_cents"),
                (.post, "/transfers", #"{"from_account_id":"\#(world.from.id)","to_account_id":"\#(world.to.id)","amount_cents":100,"role":"admin"}"#,
                 "role"),
                (.patch, "/account-holders/me", #"{"role":"admin"}"#, "role"),
                (.patch, "/account-holders/me", #"{"email":"x@example.com"}"#, "email"),
                (.patch, "/account-holders/me", #"{"status":"disabled"}"#, "status"),
                (.patch, "/account-holders/me", #"{"balance_cents":5}"#, "balance_cents"),
                (.post, "/auth/password", #"{"current_password":"\#(TestBank.password)","new_password":"another long one","role":"admin"}"#, "role"),
                (.post, "/auth/login", #"{"email":"input@example.com","password":"\#(TestBank.password)","role":"admin"}"#, "role"),
                (.post, "/auth/refresh", #"{"refresh_token":"\#(world.session.refreshToken)","user_id":"x"}"#, "user_id"),
            ]
            for (method, path, body, field) in cases {
                let reply = try await api.call(method, path, token: token, json: body)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: [field], "\(method) \(path) \(body)")
            }
            let signup = try await api.call(
                .post, "/auth/signup",
                json: #"{"email":"root@example.com","password":"\#(TestBank.password)","first_name":"R","last_name":"T","role":"admin"}"#)
            expectProblem(signup, .unprocessableContent, "validation_failed", fields: ["role"])
            #expect(try await api.bank.identity.user(email: "root@example.com") == nil)
            try await world.expectUnchanged(api)
            // The refresh token was not spent by the refused request, and the password did not change.
            #expect(try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(world.session.refreshToken)"}"#).status == .ok)
            _ = try await api.logIn("input@example.com")
        }
    }

    @Test func wrongTypesAreFieldErrors() async throws {
        try await TestBank.withApp { api in
            let world = try await World.make(api)
            let token = world.session.accessToken
            let cases: [(HTTPRequest.Method, String, String, [String])] = [
                (.post, "/auth/signup", #"{"email":5,"password":["x"],"first_name":{},"last_name":true}"#,
                 ["email", "password", "first_name", "last_name"]),
                (.post, "/auth/login", #"{"email":"input@example.com","password":true}"#, ["password"]),
                (.post, "/auth/refresh", #"{"refresh_token":123}"#, ["refresh_token"]),
                (.post, "/auth/password", #"{"current_password":1,"new_password":2}"#, ["current_password", "new_password"]),
                (.patch, "/account-holders/me", #"{"first_name":["A"],"phone":5550100}"#, ["first_name", "phone"]),
                (.post, "/accounts", #"{"account_type":["checking"],"nickname":3}"#, ["account_type", "nickname"]),
                (.post, "/accounts/\(world.from.id)/transactions", #"{"type":true,"amount_cents":100,"category":1}"#, ["type", "category"]),
                (.post, "/transfers", #"{"from_account_id":1,"to_account_id":"\#(world.to.id)","amount_cents":100}"#, ["from_account_id"]),
            ]
            for (method, path, body, fields) in cases {
                let reply = try await api.call(method, path, token: token, json: body)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: fields, "\(method) \(path)")
            }
            try await world.expectUnchanged(api)
        }
    }

    @Test func aMethodThePathDoesNotServeIs405WithAllow() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("methods@example.com")
            let account = try await api.openAccount(session)
            for (method, uri, allowed) in [
                (HTTPRequest.Method.get, "/auth/login", "POST"),
                (.delete, "/accounts", "GET, POST"),
                (.put, "/accounts/\(account.id)", "GET"),
                (.delete, "/account-holders/me", "GET, PATCH"),
                (.get, "/accounts/\(account.id)/close", "POST"),
                (.post, "/accounts/\(account.id)/statements/2026-11.csv", "GET"),
            ] {
                let reply = try await api.call(method, uri, token: session.accessToken)
                #expect(reply.status == .methodNotAllowed, "\(method) \(uri)")
                #expect(reply.string("code") == "method_not_allowed", "\(method) \(uri)")
                #expect(reply.headers[.allow] == allowed, "\(method) \(uri)")
            }
            // A path nobody serves stays a 404.
            #expect(try await api.call(.delete, "/nothing/here", token: session.accessToken).status == .notFound)
            #expect(try await api.call(.get, "/accounts/\(account.id)/nothing", token: session.accessToken).status == .notFound)
        }
    }
}
