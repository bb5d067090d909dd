import BankCore
import BankRuntime
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Storage
import Testing

@testable import BankServer

/// Employees and admins as attackers (API5, function level), beyond RoleMatrixTests' one call per route
/// and role: writing methods on the admin's read-only routes, a demoted user's old token, and staff ids
/// that exist nowhere.
@Suite struct AttackMatrixStaffTests {
    @Test func theAdminsRoutesHaveNoWritingMethodForAnyone() async throws {
        try await TestBank.withApp { api in
            let fixture = try await RoleMatrixTests.makeFixture(api)
            let admin = try await api.logIn(fixture.adminEmail)
            let employee = try await api.logIn(fixture.employeeEmail)
            let member = try await api.logIn(fixture.ownerEmail)
            let adminRows = RoleMatrixTests.table.filter { $0.path.hasPrefix("/admin/") }
            #expect(adminRows.count == 12 && adminRows.allSatisfy { $0.method == .get })
            for row in adminRows {
                for method in [HTTPRequest.Method.post, .put, .patch, .delete] {
                    for (who, session) in [("admin", admin), ("employee", employee), ("member", member)] {
                        let reply = try await api.call(method, row.uri(fixture), token: session.accessToken, json: #"{"role":"admin"}"#)
                        expectProblem(reply, .methodNotAllowed, "method_not_allowed", "\(method) \(row.path) as \(who)")
                        #expect(reply.headers[.allow] == "GET", "\(method) \(row.path) as \(who)")
                    }
                }
            }
            // No customer data behind the member's routes can be deleted or replaced either.
            for (uri, allowed) in [
                ("/accounts/\(fixture.account.id)", "GET"), ("/account-holders/me", "GET, PATCH"), ("/transfers/\(fixture.transferID)", "GET"),
                ("/service-requests/\(fixture.requestID)", "GET"),
            ] {
                for method in [HTTPRequest.Method.put, .delete] {
                    let reply = try await api.call(method, uri, token: member.accessToken, json: "{}")
                    expectProblem(reply, .methodNotAllowed, "method_not_allowed", "\(method) \(uri)")
                    #expect(reply.headers[.allow] == allowed, "\(method) \(uri)")
                }
            }
            try await AttackMatrixTokenTests.expectFixtureUntouched(api, fixture)
            #expect(try await api.bank.identity.user(email: fixture.ownerEmail)?.role == .member)
        }
    }

    @Test func aDemotedAdminOrEmployeeLosesTheirRoutesWithTheTokenTheyHold() async throws {
        try await TestBank.withApp { api in
            let fixture = try await RoleMatrixTests.makeFixture(api)
            let admin = try await api.logIn(fixture.adminEmail)
            let employee = try await api.logIn(fixture.employeeEmail)
            #expect(try await api.call(.get, "/admin/users", token: admin.accessToken).status == .ok)
            #expect(try await api.call(.get, "/employee/service-requests", token: employee.accessToken).status == .ok)
            _ = try await api.bank.identity.setRole(email: fixture.adminEmail, to: .member, actor: .system)
            _ = try await api.bank.identity.setRole(email: fixture.employeeEmail, to: .member, actor: .system)
            // The tokens still say admin and employee; the role is read from the database at every request.
            for uri in ["/admin/users", "/admin/stats", "/admin/audit-log", "/admin/users/\(fixture.ownerID)"] {
                expectProblem(try await api.call(.get, uri, token: admin.accessToken), .forbidden, "forbidden", uri)
            }
            expectProblem(
                try await api.call(.post, "/employee/service-requests/\(fixture.toApprove)/approve", token: employee.accessToken, json: "{}"),
                .forbidden, "forbidden")
            expectProblem(try await api.call(.post, "/employee/users/\(fixture.ownerID)/unlock", token: admin.accessToken), .forbidden, "forbidden")
            try await AttackMatrixTokenTests.expectFixtureUntouched(api, fixture)
        }
    }

    @Test func staffIDsThatExistNowhereAre404WithTheirCode() async throws {
        try await TestBank.withApp { api in
            let fixture = try await RoleMatrixTests.makeFixture(api)
            let admin = try await api.logIn(fixture.adminEmail)
            let employee = try await api.logIn(fixture.employeeEmail)
            let ghost = UUID().uuidString.lowercased()
            let cases: [(HTTPRequest.Method, String, Session, String?, String)] = [
                (.get, "/admin/users/\(ghost)", admin, nil, "user_not_found"),
                (.get, "/admin/accounts/\(ghost)", admin, nil, "account_not_found"),
                (.get, "/admin/accounts/\(ghost)/balance", admin, nil, "account_not_found"),
                (.get, "/admin/accounts/\(ghost)/transactions", admin, nil, "account_not_found"),
                (.get, "/admin/transactions/\(ghost)", admin, nil, "transaction_not_found"),
                (.get, "/employee/service-requests/\(ghost)", employee, nil, "service_request_not_found"),
                (.post, "/employee/service-requests/\(ghost)/approve", employee, "{}", "service_request_not_found"),
                (.post, "/employee/service-requests/\(ghost)/reject", employee, #"{"reason":"no"}"#, "service_request_not_found"),
                (.post, "/employee/users/\(ghost)/unlock", employee, nil, "user_not_found"),
                (.post, "/employee/users/\(ghost)/unlock", admin, nil, "user_not_found"),
                // An account id is no user id, and a transaction id no account id: ids of one kind do not open another.
                (.post, "/employee/users/\(fixture.account.id)/unlock", admin, nil, "user_not_found"),
                (.get, "/admin/accounts/\(fixture.transactionID)", admin, nil, "account_not_found"),
                (.get, "/admin/users/\(fixture.account.id)", admin, nil, "user_not_found"),
            ]
            for (method, uri, session, body, code) in cases {
                expectProblem(try await api.call(method, uri, token: session.accessToken, json: body), .notFound, code, "\(method) \(uri)")
            }
            try await AttackMatrixTokenTests.expectFixtureUntouched(api, fixture)
        }
    }
}
