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

/// Rejections need a reason, nobody decides their own request, decision bodies are strict, and staff end lockouts.
@Suite struct EmployeeDecisionHTTPTests {
    @Test func aRejectionNeedsAReasonAndChangesNothingElse() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let employee = try await api.staff("employee@example.com", .employee)
            let account = try await api.openAccount(ada)
            try await api.deposit(ada, account, 900)
            let rename = try await api.fileRequest(ada, #"{"type":"name_change","details":{"first_name":"Augusta","last_name":"King"}}"#)
            let limit = try await api.fileRequest(
                ada, #"{"type":"limit_increase","account_id":"\#(account.id)","details":{"daily_limit_cents":100}}"#)

            for body in [#"{}"#, #"{"reason":null}"#, #"{"reason":""}"#, #"{"reason":"   "}"#, #"{"reason":7}"#] {
                let reply = try await api.call(.post, "/employee/service-requests/\(rename)/reject", token: employee.accessToken, json: body)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: ["reason"], body)
            }
            let unknown = try await api.call(
                .post, "/employee/service-requests/\(rename)/reject", token: employee.accessToken, json: #"{"reason":"x","status":"approved"}"#)
            expectProblem(unknown, .unprocessableContent, "validation_failed", fields: ["status"])
            expectProblem(
                try await api.call(.post, "/employee/service-requests/\(rename)/reject", token: employee.accessToken), .badRequest, "malformed_json")
            #expect(try await api.call(.get, "/service-requests/\(rename)", token: ada.accessToken).string("status") == "pending")

            let rejected = try await api.call(
                .post, "/employee/service-requests/\(rename)/reject", token: employee.accessToken, json: #"{"reason":"Documents missing"}"#)
            #expect(rejected.status == .ok, "\(rejected.text)")
            #expect(rejected.string("status") == "rejected")
            #expect(rejected.string("rejection_reason") == "Documents missing")
            #expect(rejected.string("decided_by") == employee.userID)
            #expect(rejected.nested("result").isEmpty)
            let limitRejected = try await api.call(
                .post, "/employee/service-requests/\(limit)/reject", token: employee.accessToken, json: #"{"reason":"Too new"}"#)
            #expect(limitRejected.string("status") == "rejected")

            // Nothing else changed: the name, the limit, the money; and a rejected request is decided for good.
            let me = try await api.call(.get, "/account-holders/me", token: ada.accessToken)
            #expect(me.string("first_name") == "Ada" && me.string("last_name") == "Lovelace")
            #expect(try await api.call(.get, "/accounts/\(account.id)", token: ada.accessToken)["daily_limit_cents"] is NSNull)
            #expect(try await api.debit(ada, account, 500).status == .created)
            #expect(try await api.balance(ada, account) == 400)
            let shown = try await api.call(.get, "/service-requests/\(rename)", token: ada.accessToken)
            #expect(shown.string("status") == "rejected" && shown.string("rejection_reason") == "Documents missing")
            expectProblem(
                try await api.call(.post, "/employee/service-requests/\(rename)/approve", token: employee.accessToken), .conflict,
                "invalid_transition")
            expectProblem(
                try await api.call(.post, "/employee/service-requests/\(rename)/reject", token: employee.accessToken, json: #"{"reason":"Again"}"#),
                .conflict, "invalid_transition")
            try await api.expectSound()
        }
    }

    @Test func anEmployeeCannotDecideARequestTheyFiled() async throws {
        try await TestBank.withApp { api in
            let grace = try await api.signUp("grace@example.com", first: "Grace", last: "Hopper")
            let id = try await api.fileRequest(grace, #"{"type":"name_change","details":{"first_name":"Admiral","last_name":"Hopper"}}"#)
            // Promoted later (what `bankctl promote` does), Grace logs in again for a token with the new role.
            _ = try await api.bank.identity.setRole(email: "grace@example.com", to: .employee, actor: .system)
            let promoted = try await api.logIn("grace@example.com")

            let approve = try await api.call(
                .post, "/employee/service-requests/\(id)/approve", token: promoted.accessToken, json: #"{"note":"Fine"}"#)
            expectProblem(approve, .forbidden, "own_request")
            let reject = try await api.call(.post, "/employee/service-requests/\(id)/reject", token: promoted.accessToken, json: #"{"reason":"No"}"#)
            expectProblem(reject, .forbidden, "own_request")
            // Her member token was refused too: the role is read from the database on every request.
            expectProblem(try await api.call(.get, "/service-requests/\(id)", token: grace.accessToken), .forbidden, "forbidden")

            let colleague = try await api.staff("colleague@example.com", .employee)
            let shown = try await api.call(.get, "/employee/service-requests/\(id)", token: colleague.accessToken)
            #expect(shown.string("status") == "pending")
            let approved = try await api.call(.post, "/employee/service-requests/\(id)/approve", token: colleague.accessToken)
            #expect(approved.status == .ok)
            #expect(approved.string("decided_by") == colleague.userID)
            let user = try await api.bank.identity.user(email: "grace@example.com")
            #expect(user?.firstName == "Admiral")
            try await api.expectSound()
        }
    }

    @Test func decisionBodiesAreStrict() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let employee = try await api.staff("employee@example.com", .employee)
            let id = try await api.fileRequest(ada, #"{"type":"name_change","details":{"first_name":"Augusta","last_name":"King"}}"#)
            let cases: [(String, [String])] = [
                (#"{"note":"ok","status":"completed"}"#, ["status"]),
                (#"{"decided_by":"someone"}"#, ["decided_by"]),
                (#"{"note":5}"#, ["note"]),
                (#"{"note":"\#(String(repeating: "n", count: 501))"}"#, ["note"]),
                (#"[]"#, ["body"]),
            ]
            for (body, fields) in cases {
                let reply = try await api.call(.post, "/employee/service-requests/\(id)/approve", token: employee.accessToken, json: body)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: fields, body)
            }
            expectProblem(
                try await api.call(.post, "/employee/service-requests/\(id)/approve", token: employee.accessToken, json: "{"), .badRequest,
                "malformed_json")
            expectProblem(
                try await api.call(
                    .post, "/employee/service-requests/\(id)/approve", token: employee.accessToken, json: #"{"note":"x"}"#,
                    contentType: "text/plain"),
                .unsupportedMediaType, "unsupported_media_type")
            let missing = UUID().uuidString.lowercased()
            expectProblem(
                try await api.call(.post, "/employee/service-requests/\(missing)/approve", token: employee.accessToken), .notFound,
                "service_request_not_found")
            expectProblem(
                try await api.call(.post, "/employee/service-requests/\(missing)/reject", token: employee.accessToken, json: #"{"reason":"x"}"#),
                .notFound, "service_request_not_found")
            expectProblem(try await api.call(.post, "/employee/service-requests/nope/approve", token: employee.accessToken), .notFound, "not_found")

            #expect(try await api.call(.get, "/service-requests/\(id)", token: ada.accessToken).string("status") == "pending")
            #expect(try await api.call(.get, "/account-holders/me", token: ada.accessToken).string("first_name") == "Ada")
            try await api.expectSound()
        }
    }

    @Test func anEmployeeOrAnAdminEndsALockout() async throws {
        try await TestBank.withApp { api in
            let ada = try await api.signUp("ada@example.com")
            let employee = try await api.staff("employee@example.com", .employee)
            let admin = try await api.staff("admin@example.com", .admin)
            func lockOut() async throws {
                for attempt in 1...5 {
                    let reply = try await api.call(
                        .post, "/auth/login", json: #"{"email":"ada@example.com","password":"wrong password \#(attempt)"}"#)
                    expectProblem(reply, .unauthorized, "invalid_credentials", "attempt \(attempt)")
                }
                let locked = try await api.call(.post, "/auth/login", json: #"{"email":"ada@example.com","password":"\#(TestBank.password)"}"#)
                expectProblem(locked, .init(code: 423), "account_locked")
                #expect(locked.string("locked_until") == api.clock.now.addingTimeInterval(15 * 60).rfc3339)
            }

            try await lockOut()
            let member = try await api.call(.post, "/employee/users/\(ada.userID)/unlock", token: ada.accessToken)
            expectProblem(member, .forbidden, "forbidden")
            let unlocked = try await api.call(.post, "/employee/users/\(ada.userID)/unlock", token: employee.accessToken)
            #expect(unlocked.status == .ok, "\(unlocked.text)")
            #expect(unlocked.string("id") == ada.userID)
            #expect(unlocked.string("email") == "ada@example.com")
            #expect(unlocked["locked_until"] is NSNull)
            #expect(unlocked.string("status") == "active")
            _ = try await api.logIn("ada@example.com")

            // The unlock resets the count: it takes five new failures to lock again, and an admin may end that lockout too.
            try await lockOut()
            #expect(try await api.call(.post, "/employee/users/\(ada.userID)/unlock", token: admin.accessToken).status == .ok)
            _ = try await api.logIn("ada@example.com")

            expectProblem(
                try await api.call(.post, "/employee/users/\(UUID().uuidString)/unlock", token: employee.accessToken), .notFound, "user_not_found")
            let unlocks = try await api.call(.get, "/admin/audit-log?action=user.unlocked", token: admin.accessToken)
            #expect(unlocks.list.compactMap { $0["actor_id"] as? String } == [admin.userID, employee.userID])
            #expect(unlocks.list.allSatisfy { $0["target_id"] as? String == ada.userID })
            try await api.expectSound()
        }
    }
}
