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

/// `/admin/audit-log` and its verification, tampering found, and no admin route that writes.
@Suite struct AdminAuditHTTPTests {
    static let auditFields: Set<String> = [
        "id", "at", "actor_id", "actor_role", "action", "target_type", "target_id", "ip", "user_agent", "request_id", "details", "prev_hash", "hash",
    ]

    @Test func theAuditLogIsListedNewestFirstAndFilteredByActorActionAndDate() async throws {
        try await TestBank.withApp { api in
            let scene = try await AdminHTTPTests.scene(api)
            let token = scene.admin.accessToken
            let log = try await api.call(.get, "/admin/audit-log?limit=200", token: token)
            #expect(log.status == .ok)
            let rows = log.list
            #expect(!rows.isEmpty)
            #expect(rows.allSatisfy { Set($0.keys) == Self.auditFields })
            let ids = rows.compactMap { $0["id"] as? Int }
            #expect(ids == ids.sorted(by: >), "newest first")
            // Each row links to the one before it.
            for (newer, older) in zip(rows, rows.dropFirst()) {
                #expect(newer["prev_hash"] as? String == older["hash"] as? String)
            }
            let total = try await api.bank.database.verifyAuditChain().entries
            #expect(ids.count == total)

            let failures = try await api.call(.get, "/admin/audit-log?action=auth.login_failed", token: token)
            #expect(failures.list.count == 5)
            #expect(failures.list.allSatisfy { $0["action"] as? String == "auth.login_failed" && $0["target_id"] as? String == scene.eve.userID })
            let byEmployee = try await api.call(.get, "/admin/audit-log?actor=\(scene.employee.userID)", token: token)
            #expect(byEmployee.list.map { $0["action"] as? String } .contains("service_request.rejected"))
            #expect(byEmployee.list.allSatisfy { $0["actor_id"] as? String == scene.employee.userID })
            let rejection = try #require(byEmployee.list.first { $0["action"] as? String == "service_request.rejected" })
            // The role recorded is the one the actor had then: a member at signup, an employee when deciding.
            #expect(rejection["actor_role"] as? String == "employee")
            #expect(byEmployee.list.last?["action"] as? String == "user.signup" && byEmployee.list.last?["actor_role"] as? String == "member")
            #expect(rejection["target_id"] as? String == scene.rejectedRequest)
            #expect((rejection["details"] as? [String: Any])?["reason"] as? String == "Call us first")
            let adaMoney = try await api.call(.get, "/admin/audit-log?actor=\(scene.ada.userID)&action=transfer.created", token: token)
            #expect(adaMoney.list.count == 1)
            #expect(adaMoney.list.first?["actor_role"] as? String == "member")
            #expect(try await api.call(.get, "/admin/audit-log?actor=\(scene.bob.userID)&action=transfer.created", token: token).list.isEmpty)

            #expect(try await api.call(.get, "/admin/audit-log?from=2026-11-18&to=2026-11-18&limit=200", token: token).list.count == total)
            #expect(try await api.call(.get, "/admin/audit-log?from=2026-11-19", token: token).list.isEmpty)
            #expect(try await api.call(.get, "/admin/audit-log?to=2026-11-17", token: token).list.isEmpty)
            let walked = try await AdminHTTPTests.walk(api, "/admin/audit-log?limit=7", token: token)
            #expect(walked.ids == ids.map(String.init))
            for (query, field) in [("from=18-11-2026", "from"), ("to=2026-11-31", "to"), ("cursor=zzz", "cursor")] {
                let reply = try await api.call(.get, "/admin/audit-log?\(query)", token: token)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: [field], query)
            }
            try await api.expectSound()
        }
    }

    @Test func verificationWalksTheChainAndFindsARowEditedBehindTheDatabasesBack() async throws {
        try await TestBank.withApp { api in
            let scene = try await AdminHTTPTests.scene(api)
            let verified = try await api.call(.get, "/admin/audit-log/verify", token: scene.admin.accessToken)
            #expect(verified.status == .ok)
            #expect(Set(verified.object.keys) == ["valid", "entries", "first_bad_entry"])
            #expect(verified.bool("valid") == true)
            let entries = try #require(verified.int("entries"))
            #expect(entries > 0)
            #expect(verified["first_bad_entry"] is NSNull)

            // Someone with access to the database rewrites history: the append-only trigger is dropped (SQLite)
            // or disabled (PostgreSQL) and an amount edited.
            let target = try #require(
                try await api.bank.database.read { db in
                    try db.value(Int64.self, "SELECT id FROM audit_log WHERE action = 'auth.login_failed' ORDER BY id LIMIT 1")
                })
            try await api.bank.database.write { db in
                switch db.dialect {
                case .sqlite: try db.execute("DROP TRIGGER audit_log_append_only_update")
                case .postgres: try db.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only_update")
                }
                try db.execute("UPDATE audit_log SET details = '{\"reason\":\"nothing to see\"}' WHERE id = ?", [target])
            }
            let tampered = try await api.call(.get, "/admin/audit-log/verify", token: scene.admin.accessToken)
            #expect(tampered.status == .ok)
            #expect(tampered.bool("valid") == false)
            #expect(tampered.int("first_bad_entry") == Int(target))
            #expect(tampered.int("entries") == Int(target), "the walk stops at the first bad row")
            #expect(try await api.bank.database.verifyAuditChain().valid == false)
            // The ledger is untouched by all this.
            #expect(try await api.bank.ledger.verifyIntegrity().isSound)
        }
    }

    @Test func adminsHaveNoRouteThatMovesMoneyOrWritesCustomerData() async throws {
        try await TestBank.withApp { api in
            let scene = try await AdminHTTPTests.scene(api)
            let token = scene.admin.accessToken
            // Every /admin route the router serves is a GET.
            let adminRoutes = RoleMatrixTests.servedRoutes(try buildRouter(bank: api.bank)).filter { $0.contains(" /admin/") }
            #expect(adminRoutes.count == 12)
            #expect(adminRoutes.allSatisfy { $0.hasPrefix("GET ") }, "\(adminRoutes)")

            let attempts: [(HTTPRequest.Method, String, String?)] = [
                (.post, "/transfers", #"{"from_account_id":"\#(scene.adaAccount.id)","to_account_id":"\#(scene.bobAccount.id)","amount_cents":100}"#),
                (.post, "/accounts/\(scene.adaAccount.id)/transactions", #"{"type":"debit","amount_cents":100}"#),
                (.post, "/accounts/\(scene.adaAccount.id)/transactions", #"{"type":"credit","amount_cents":100}"#),
                (.post, "/accounts/\(scene.adaAccount.id)/close", nil),
                (.post, "/accounts/\(scene.adaAccount.id)/cards", nil),
                (.post, "/accounts", #"{"account_type":"checking"}"#),
                (.patch, "/account-holders/me", #"{"first_name":"Root"}"#),
                (.post, "/service-requests", #"{"type":"name_change","details":{"first_name":"A","last_name":"B"}}"#),
                (.post, "/employee/service-requests/\(scene.pendingRequest)/approve", nil),
            ]
            for (method, uri, body) in attempts {
                expectProblem(try await api.call(method, uri, token: token, json: body), .forbidden, "forbidden", "\(method) \(uri)")
            }
            // Writing verbs on the admin paths are not routes at all: 405, and Allow names the one method served.
            for (method, uri) in [
                (HTTPRequest.Method.post, "/admin/users"), (.patch, "/admin/users/\(scene.ada.userID)"),
                (.delete, "/admin/users/\(scene.ada.userID)"),
                (.post, "/admin/accounts/\(scene.adaAccount.id)/transactions"), (.delete, "/admin/accounts/\(scene.adaAccount.id)"),
                (.patch, "/admin/service-requests"), (.delete, "/admin/audit-log"), (.post, "/admin/transactions"),
            ] {
                let reply = try await api.call(method, uri, token: token, json: method == .delete ? nil : #"{"amount_cents":100}"#)
                expectProblem(reply, .methodNotAllowed, "method_not_allowed", "\(method) \(uri)")
                #expect(reply.headers[.allow] == "GET", "\(method) \(uri)")
            }

            #expect(try await api.balance(scene.ada, scene.adaAccount) == 6_500)
            #expect(try await api.balance(scene.bob, scene.bobAccount) == 6_500)
            #expect(try await api.call(.get, "/account-holders/me", token: scene.ada.accessToken).string("first_name") == "Ada")
            #expect(try await api.call(.get, "/service-requests/\(scene.pendingRequest)", token: scene.ada.accessToken).string("status") == "pending")
            let accounts = try await api.call(.get, "/admin/accounts", token: token)
            #expect(accounts.list.count == 2)
            try await api.expectSound()
        }
    }
}
