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

/// `/admin/*`: the read-only org-wide view answers API.md's shapes, filters and pages.
@Suite struct AdminHTTPTests {
    /// A small bank: two members with money, a transfer, a decline, requests, a locked-out user, staff.
    struct Scene: Sendable {
        let ada: Session, bob: Session, eve: Session, employee: Session, admin: Session
        let adaAccount: AccountRef, bobAccount: AccountRef
        let withdrawalID: String, declinedID: String
        let pendingRequest: String, rejectedRequest: String
    }

    static let userFields: Set<String> = ["id", "email", "role", "first_name", "last_name", "phone", "created_at", "status", "locked_until"]
    static let accountFields: Set<String> = [
        "id", "account_number", "account_type", "nickname", "status", "balance_cents", "available_cents", "daily_limit_cents", "currency",
        "created_at", "owner_id",
    ]
    static let transactionFields: Set<String> = [
        "id", "account_id", "type", "kind", "status", "amount_cents", "balance_after_cents", "description", "category", "card_id", "transfer_id",
        "counterparty_account_number", "decline_reason", "reverses_transaction_id", "currency", "created_at",
    ]

    static let requestFields: Set<String> = [
        "id", "type", "status", "member_id", "account_id", "card_id", "transaction_id", "details", "note", "rejection_reason", "decided_by",
        "decided_at", "result", "created_at", "updated_at",
    ]
    static let statsFields: Set<String> = [
        "users", "members", "employees", "admins", "locked_users", "accounts", "open_accounts", "money_held_cents", "transactions_today",
        "volume_today_cents", "pending_requests", "ledger_check", "currency",
    ]

    static func scene(_ api: API) async throws -> Scene {
        let ada = try await api.signUp("ada@example.com")
        let bob = try await api.signUp("bob@example.com", first: "Bob", last: "Marley")
        let eve = try await api.signUp("eve@example.com", first: "Eve", last: "Locked")
        let employee = try await api.staff("employee@example.com", .employee)
        let admin = try await api.staff("admin@example.com", .admin)
        let adaAccount = try await api.openAccount(ada)
        let bobAccount = try await api.openAccount(bob, type: "savings")
        try await api.deposit(ada, adaAccount, 10_000)
        try await api.deposit(bob, bobAccount, 5_000)
        let withdrawal = try await api.debit(ada, adaAccount, 2_000, description: "Groceries")
        let declined = try await api.debit(ada, adaAccount, 50_000, description: "Yacht")
        expectProblem(declined, .unprocessableContent, "insufficient_funds")
        #expect(try await api.transfer(ada, from: adaAccount, to: bobAccount, cents: 1_500).status == .created)
        let pending = try await api.fileRequest(ada, #"{"type":"name_change","details":{"first_name":"Augusta","last_name":"King"}}"#)
        let rejected = try await api.fileRequest(bob, #"{"type":"account_closure","account_id":"\#(bobAccount.id)"}"#)
        let decision = try await api.call(
            .post, "/employee/service-requests/\(rejected)/reject", token: employee.accessToken, json: #"{"reason":"Call us first"}"#)
        #expect(decision.status == .ok)
        for attempt in 1...5 {
            _ = try await api.call(.post, "/auth/login", json: #"{"email":"eve@example.com","password":"wrong guess \#(attempt)"}"#)
        }
        return Scene(
            ada: ada, bob: bob, eve: eve, employee: employee, admin: admin, adaAccount: adaAccount, bobAccount: bobAccount,
            withdrawalID: try #require(withdrawal.string("id")), declinedID: try #require(declined.string("transaction_id")),
            pendingRequest: pending, rejectedRequest: rejected)
    }

    /// Follows `next_cursor` from `uri` (which carries a `limit`) and returns the ids of every page, and how many pages there were.
    static func walk(_ api: API, _ uri: String, token: String) async throws -> (ids: [String], pages: Int) {
        var ids: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let reply = try await api.call(.get, uri + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
            try #require(reply.status == .ok, "\(uri): \(reply.text)")
            ids += reply.list.map { $0["id"].map { "\($0)" } ?? "" }
            cursor = reply.string("next_cursor")
            #expect(reply.bool("has_more") == (cursor != nil))
            pages += 1
        } while cursor != nil && pages < 50
        return (ids, pages)
    }

    @Test func usersAreListedAndShownWithStatusAndLockout() async throws {
        try await TestBank.withApp { api in
            let scene = try await Self.scene(api)
            let token = scene.admin.accessToken
            let all = try await api.call(.get, "/admin/users", token: token)
            #expect(all.status == .ok)
            let newestFirst = [scene.admin, scene.employee, scene.eve, scene.bob, scene.ada].map(\.userID)
            #expect(all.ids == newestFirst)
            #expect(all.list.allSatisfy { Set($0.keys) == Self.userFields })
            #expect(!all.text.contains("password"))
            let roles = Dictionary(uniqueKeysWithValues: all.list.map { ($0["email"] as? String ?? "", $0["role"] as? String ?? "") })
            #expect(roles == [
                "admin@example.com": "admin", "employee@example.com": "employee", "eve@example.com": "member", "bob@example.com": "member",
                "ada@example.com": "member",
            ])
            let paged = try await Self.walk(api, "/admin/users?limit=2", token: token)
            #expect(paged.ids == newestFirst)
            #expect(paged.pages == 3)

            let eve = try await api.call(.get, "/admin/users/\(scene.eve.userID)", token: token)
            #expect(eve.status == .ok)
            #expect(Set(eve.object.keys) == Self.userFields)
            #expect(eve.string("email") == "eve@example.com" && eve.string("first_name") == "Eve" && eve.string("status") == "active")
            #expect(eve.string("locked_until") == api.clock.now.addingTimeInterval(15 * 60).rfc3339)
            let ada = try await api.call(.get, "/admin/users/\(scene.ada.userID)", token: token)
            #expect(ada["locked_until"] is NSNull)
            #expect(ada.string("role") == "member")
            expectProblem(try await api.call(.get, "/admin/users/\(UUID().uuidString)", token: token), .notFound, "user_not_found")
            expectProblem(try await api.call(.get, "/admin/users/nobody", token: token), .notFound, "not_found")
            expectProblem(
                try await api.call(.get, "/admin/users?limit=500", token: token), .unprocessableContent, "validation_failed", fields: ["limit"])
            try await api.expectSound()
        }
    }

    @Test func accountsAndTheirBalancesAndTransactionsAreVisibleWithTheirOwners() async throws {
        try await TestBank.withApp { api in
            let scene = try await Self.scene(api)
            let token = scene.admin.accessToken
            let accounts = try await api.call(.get, "/admin/accounts", token: token)
            #expect(accounts.status == .ok)
            #expect(accounts.ids == [scene.bobAccount.id, scene.adaAccount.id], "member accounts only, newest first")
            #expect(accounts.list.allSatisfy { Set($0.keys) == Self.accountFields })
            #expect(accounts.list.map { $0["owner_id"] as? String } == [scene.bob.userID, scene.ada.userID])
            #expect(try await Self.walk(api, "/admin/accounts?limit=1", token: token) == ([scene.bobAccount.id, scene.adaAccount.id], 2))

            let ada = try await api.call(.get, "/admin/accounts/\(scene.adaAccount.id)", token: token)
            #expect(Set(ada.object.keys) == Self.accountFields)
            #expect(ada.string("owner_id") == scene.ada.userID)
            #expect(ada.string("account_number") == scene.adaAccount.number)
            #expect(ada.int("balance_cents") == 6_500)
            let balance = try await api.call(.get, "/admin/accounts/\(scene.adaAccount.id)/balance", token: token)
            #expect(balance.string("account_id") == scene.adaAccount.id)
            #expect(["balance_cents", "computed_balance_cents", "available_cents"].allSatisfy { balance.int($0) == 6_500 })
            #expect(balance.bool("match") == true)
            expectProblem(try await api.call(.get, "/admin/accounts/\(UUID().uuidString)", token: token), .notFound, "account_not_found")
            expectProblem(try await api.call(.get, "/admin/accounts/\(UUID().uuidString)/balance", token: token), .notFound, "account_not_found")

            let history = try await api.call(.get, "/admin/accounts/\(scene.adaAccount.id)/transactions", token: token)
            #expect(history.list.map { $0["kind"] as? String } == ["transfer_out", "withdrawal", "withdrawal", "deposit"])
            #expect(history.list.allSatisfy { Set($0.keys) == Self.transactionFields })
            let declined = try await api.call(.get, "/admin/accounts/\(scene.adaAccount.id)/transactions?status=declined", token: token)
            #expect(declined.ids == [scene.declinedID])
            let credits = try await api.call(.get, "/admin/accounts/\(scene.bobAccount.id)/transactions?type=credit&min_cents=2000", token: token)
            #expect(credits.list.map { $0["amount_cents"] as? Int } == [5_000])
            #expect(try await Self.walk(api, "/admin/accounts/\(scene.adaAccount.id)/transactions?limit=3", token: token).pages == 2)
            expectProblem(
                try await api.call(.get, "/admin/accounts/\(scene.adaAccount.id)/transactions?type=refund", token: token), .unprocessableContent,
                "validation_failed", fields: ["type"])
            try await api.expectSound()
        }
    }

    @Test func transactionsAcrossAccountsAreFilteredAndShown() async throws {
        try await TestBank.withApp { api in
            let scene = try await Self.scene(api)
            let token = scene.admin.accessToken
            let all = try await api.call(.get, "/admin/transactions", token: token)
            #expect(all.status == .ok)
            #expect(all.list.count == 6, "ada: deposit, withdrawal, decline, transfer out; bob: deposit, transfer in")
            #expect(all.list.allSatisfy { Set($0.keys) == Self.transactionFields })
            let filters: [(String, Int)] = [
                ("status=declined", 1), ("status=posted", 5), ("type=credit", 3), ("account_id=\(scene.bobAccount.id)", 2), ("min_cents=5000", 3),
                ("max_cents=1500", 2), ("q=Yacht", 1), ("from=2026-11-18&to=2026-11-18", 6), ("from=2026-11-19", 0),
                ("account_id=\(scene.adaAccount.id)&type=debit&status=posted", 2),
            ]
            for (query, count) in filters {
                let reply = try await api.call(.get, "/admin/transactions?\(query)", token: token)
                #expect(reply.status == .ok, "\(query): \(reply.text)")
                #expect(reply.list.count == count, "\(query)")
            }
            #expect(try await Self.walk(api, "/admin/transactions?limit=4", token: token).ids == all.ids)
            for (query, field) in [("status=pending", "status"), ("from=2026-02-30", "from"), ("min_cents=ten", "min_cents"), ("limit=0", "limit")] {
                let reply = try await api.call(.get, "/admin/transactions?\(query)", token: token)
                expectProblem(reply, .unprocessableContent, "validation_failed", fields: [field], query)
            }

            let one = try await api.call(.get, "/admin/transactions/\(scene.withdrawalID)", token: token)
            #expect(one.status == .ok)
            #expect(Set(one.object.keys) == Self.transactionFields)
            #expect(one.string("account_id") == scene.adaAccount.id)
            #expect(one.string("description") == "Groceries")
            #expect(one.int("balance_after_cents") == 8_000)
            let decline = try await api.call(.get, "/admin/transactions/\(scene.declinedID)", token: token)
            #expect(decline.string("status") == "declined" && decline.string("decline_reason") == "insufficient_funds")
            #expect(decline["balance_after_cents"] is NSNull)
            expectProblem(try await api.call(.get, "/admin/transactions/\(UUID().uuidString)", token: token), .notFound, "transaction_not_found")
            try await api.expectSound()
        }
    }

    @Test func serviceRequestsOfEveryMemberAreListedByStatus() async throws {
        try await TestBank.withApp { api in
            let scene = try await Self.scene(api)
            let token = scene.admin.accessToken
            let all = try await api.call(.get, "/admin/service-requests", token: token)
            #expect(all.status == .ok)
            #expect(all.ids == [scene.rejectedRequest, scene.pendingRequest])
            #expect(all.list.map { $0["member_id"] as? String } == [scene.bob.userID, scene.ada.userID])
            #expect(all.list.allSatisfy { Set($0.keys) == Self.requestFields })
            let pending = try await api.call(.get, "/admin/service-requests?status=pending", token: token)
            #expect(pending.ids == [scene.pendingRequest])
            let rejected = try await api.call(.get, "/admin/service-requests?status=rejected", token: token)
            #expect(rejected.list.first?["rejection_reason"] as? String == "Call us first")
            #expect(rejected.list.first?["decided_by"] as? String == scene.employee.userID)
            #expect(try await Self.walk(api, "/admin/service-requests?limit=1", token: token) == ([scene.rejectedRequest, scene.pendingRequest], 2))
            expectProblem(
                try await api.call(.get, "/admin/service-requests?status=open", token: token), .unprocessableContent, "validation_failed",
                fields: ["status"])
            try await api.expectSound()
        }
    }

    @Test func statsCountTheBankAndCheckTheLedger() async throws {
        try await TestBank.withApp { api in
            let scene = try await Self.scene(api)
            let stats = try await api.call(.get, "/admin/stats", token: scene.admin.accessToken)
            #expect(stats.status == .ok)
            #expect(Set(stats.object.keys) == Self.statsFields)
            #expect(stats.int("users") == 5 && stats.int("members") == 3 && stats.int("employees") == 1 && stats.int("admins") == 1)
            #expect(stats.int("locked_users") == 1)
            #expect(stats.int("accounts") == 2 && stats.int("open_accounts") == 2)
            #expect(stats.int("money_held_cents") == 6_500 + 6_500)
            #expect(stats.int("transactions_today") == 5)
            #expect(stats.int("volume_today_cents") == 10_000 + 5_000 + 2_000 + 1_500 * 2)
            #expect(stats.int("pending_requests") == 1)
            #expect(stats.string("currency") == "USD")
            let check = stats.nested("ledger_check")
            #expect(check["postings_balance"] as? Bool == true)
            #expect(check["accounts_match_entries"] as? Bool == true)
            #expect(check["no_negative_balances"] as? Bool == true)
            #expect(check["postings_sum_cents"] as? Int == 0)
            #expect((check["mismatched_accounts"] as? [Any])?.isEmpty == true)

            // A day later the lockout is over and nothing moved today.
            api.clock.advance(by: 24 * 3600)
            let admin = try await api.logIn("admin@example.com")
            let tomorrow = try await api.call(.get, "/admin/stats", token: admin.accessToken)
            #expect(tomorrow.int("locked_users") == 0)
            #expect(tomorrow.int("transactions_today") == 0 && tomorrow.int("volume_today_cents") == 0)
            #expect(tomorrow.int("money_held_cents") == 13_000)
            try await api.expectSound()
        }
    }
}
