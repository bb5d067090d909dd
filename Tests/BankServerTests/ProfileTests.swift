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

@Suite struct ProfileTests {
    @Test func theMemberSeesTheirOwnProfile() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("Ada@Example.com", first: "Ada", last: "Lovelace")
            let reply = try await api.call(.get, "/account-holders/me", token: session.accessToken)
            #expect(reply.status == .ok)
            #expect(reply.string("id") == session.userID)
            #expect(reply.string("email") == "ada@example.com")
            #expect(reply.string("role") == "member")
            #expect(reply.string("first_name") == "Ada")
            #expect(reply.string("last_name") == "Lovelace")
            #expect(reply["phone"] is NSNull)
            #expect(reply.string("created_at") == api.clock.now.rfc3339)
            #expect(reply["password_hash"] == nil && !reply.text.contains("argon2"))
            expectProblem(try await api.call(.get, "/account-holders/me"), .unauthorized, "invalid_token")
        }
    }

    @Test func patchChangesNamesAndPhoneAndNullClearsThePhone() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("grace@example.com", first: "Grace", last: "Hopper")
            let reply = try await api.call(
                .patch, "/account-holders/me", token: session.accessToken, json: #"{"first_name":" Amazing Grace ","phone":"555-0100-123"}"#)
            #expect(reply.status == .ok)
            #expect(reply.string("first_name") == "Amazing Grace")
            #expect(reply.string("last_name") == "Hopper")
            #expect(reply.string("phone") == "555-0100-123")
            let shown = try await api.call(.get, "/account-holders/me", token: session.accessToken)
            #expect(shown.string("first_name") == "Amazing Grace")
            #expect(shown.string("phone") == "555-0100-123")

            let cleared = try await api.call(.patch, "/account-holders/me", token: session.accessToken, json: #"{"phone":null}"#)
            #expect(cleared.status == .ok)
            #expect(cleared["phone"] is NSNull)
            #expect(cleared.string("first_name") == "Amazing Grace")
            try await api.expectSound()
        }
    }

    @Test func patchValidatesFields() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("val@example.com", first: "Val", last: "Id")
            let reply = try await api.call(
                .patch, "/account-holders/me", token: session.accessToken, json: #"{"first_name":"","phone":"not a phone"}"#)
            expectProblem(reply, .unprocessableContent, "validation_failed", fields: ["first_name", "phone"])
            let wrongType = try await api.call(.patch, "/account-holders/me", token: session.accessToken, json: #"{"last_name":42}"#)
            expectProblem(wrongType, .unprocessableContent, "validation_failed", fields: ["last_name"])
            let long = try await api.call(
                .patch, "/account-holders/me", token: session.accessToken, json: #"{"last_name":"\#(String(repeating: "x", count: 101))"}"#)
            expectProblem(long, .unprocessableContent, "validation_failed", fields: ["last_name"])
            let control = try await api.call(.patch, "/account-holders/me", token: session.accessToken, json: #"{"first_name":"A\u0007B"}"#)
            expectProblem(control, .unprocessableContent, "validation_failed", fields: ["first_name"])
            let shown = try await api.call(.get, "/account-holders/me", token: session.accessToken)
            #expect(shown.string("first_name") == "Val")
            #expect(shown.string("last_name") == "Id")
        }
    }

    @Test func emailRoleStatusAndBalanceAreNotWritable() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("mass@example.com", first: "Mass", last: "Assign")
            let before = try await api.call(.get, "/account-holders/me", token: session.accessToken).text
            let attempts = [
                #"{"role":"admin"}"#, #"{"email":"other@example.com"}"#, #"{"status":"disabled"}"#, #"{"balance_cents":1000000}"#,
                #"{"first_name":"Changed","role":"admin"}"#, #"{"id":"00000000-0000-0000-0000-000000000001"}"#,
            ]
            for body in attempts {
                let reply = try await api.call(.patch, "/account-holders/me", token: session.accessToken, json: body)
                let unknown = body.contains("first_name") ? ["role"] : [String(body.dropFirst(2).prefix { $0 != "\"" })]
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: unknown, body)
            }
            #expect(try await api.call(.get, "/account-holders/me", token: session.accessToken).text == before)
            let user = try await api.bank.identity.user(email: "mass@example.com")
            #expect(user?.role == .member)
            #expect(user?.firstName == "Mass")
            #expect(try await api.bank.identity.user(email: "other@example.com") == nil)
        }
    }
}

/// Member routes are for members: employees and admins get 403 `forbidden`, and the role is read from
/// the database, not trusted from the token.
@Suite struct RoleTests {
    static let memberRoutes: [(HTTPRequest.Method, String, String?)] = [
        (.get, "/account-holders/me", nil), (.patch, "/account-holders/me", #"{"first_name":"X"}"#),
        (.post, "/accounts", #"{"account_type":"checking"}"#), (.get, "/accounts", nil),
        (.get, "/accounts/lookup?account_number=0000000000", nil), (.get, "/accounts/{id}", nil), (.get, "/accounts/{id}/balance", nil),
        (.post, "/accounts/{id}/close", nil), (.post, "/accounts/{id}/transactions", #"{"type":"credit","amount_cents":100}"#),
        (.get, "/accounts/{id}/transactions", nil), (.get, "/accounts/{id}/transactions/{id}", nil),
        (.post, "/transfers", #"{"from_account_id":"{id}","to_account_id":"{id}","amount_cents":100}"#), (.get, "/transfers/{id}", nil),
    ]

    @Test(arguments: [Role.employee, Role.admin])
    func staffTokensAreForbiddenOnEveryMemberRoute(role: Role) async throws {
        try await TestBank.withApp { api in
            let member = try await api.signUp("member@example.com")
            let account = try await api.openAccount(member)
            try await api.deposit(member, account, 5_000)
            let staff = try await api.promote(try await api.signUp("staff@example.com"), to: role)
            for (method, path, body) in Self.memberRoutes {
                let uri = path.replacingOccurrences(of: "{id}", with: account.id)
                let reply = try await api.call(method, uri, token: staff.accessToken, json: body?.replacingOccurrences(of: "{id}", with: account.id))
                expectProblem(reply, .forbidden, "forbidden", "\(role) \(method) \(path)")
            }
            #expect(try await api.balance(member, account) == 5_000)
            let holdings = try await api.call(.get, "/accounts", token: member.accessToken)
            #expect(holdings.list.count == 1)
            // Staff may still manage their own session.
            #expect(try await api.call(.post, "/auth/logout", token: staff.accessToken).status == .noContent)
            try await api.expectSound()
        }
    }

    @Test func aPromotedUsersOldMemberTokenIsJudgedByTheRoleInTheDatabase() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("promoted@example.com")
            #expect(try await api.call(.get, "/accounts", token: session.accessToken).status == .ok)
            let employee = try await api.promote(session, to: .employee)
            let claims = try TokenSecurityTests.Claims(of: employee.accessToken)
            #expect(claims.role == "employee")
            expectProblem(try await api.call(.get, "/accounts", token: session.accessToken), .forbidden, "forbidden")

            // A role claim the database does not back grants nothing either.
            var forged = try TokenSecurityTests.Claims(of: employee.accessToken)
            forged.role = "member"
            let token = try await TokenSecurityTests.sign(forged, key: try TokenSecurityTests.bankKey(api))
            expectProblem(try await api.call(.get, "/accounts", token: token), .forbidden, "forbidden")
        }
    }
}
