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

/// Every route the router serves, called by every kind of caller, answers as API.md's Roles table says.
@Suite struct RoleMatrixTests {
    /// Who calls. The owner goes last in each row, so that nobody else's call can have used up the owner's resource first.
    enum Caller: String, CaseIterable, Sendable {
        case anonymous, otherMember = "other member", employee, admin, owner
    }

    /// Who may use a route, and what the allowed callers get.
    enum Access: Sendable {
        /// No token needed: every caller gets the status.
        case open(HTTPResponse.Status)
        /// Any authenticated caller, whatever the role.
        case signedIn(HTTPResponse.Status)
        /// Members only, on nothing owned: both members get the status.
        case member(HTTPResponse.Status)
        /// Members only, on the owner's resource: another member gets 404 with `notFound`.
        case owned(HTTPResponse.Status, notFound: String)
        case employee(HTTPResponse.Status)
        case employeeOrAdmin(HTTPResponse.Status)
        case admin(HTTPResponse.Status)

        /// The status and, for a refusal, the problem code `caller` must get.
        func expected(for caller: Caller) -> (status: HTTPResponse.Status, code: String?) {
            let forbidden: (HTTPResponse.Status, String?) = (.forbidden, "forbidden")
            if caller == .anonymous {
                if case .open(let status) = self { return (status, nil) }
                return (.unauthorized, "invalid_token")
            }
            switch (self, caller) {
            case (.open(let status), _), (.signedIn(let status), _): return (status, nil)
            case (.member(let status), .owner), (.member(let status), .otherMember): return (status, nil)
            case (.owned(let status, _), .owner): return (status, nil)
            case (.owned(_, let code), .otherMember): return (.notFound, code)
            case (.member, _), (.owned, _): return forbidden
            case (.employee(let status), .employee): return (status, nil)
            case (.employeeOrAdmin(let status), .employee), (.employeeOrAdmin(let status), .admin): return (status, nil)
            case (.admin(let status), .admin): return (status, nil)
            case (.employee, _), (.employeeOrAdmin, _), (.admin, _): return forbidden
            }
        }
    }

    /// The owner's resources the rows name, and the other users.
    struct Fixture: Sendable {
        let ownerEmail = "owner@example.com", otherEmail = "other@example.com"
        let employeeEmail = "employee@example.com", adminEmail = "admin@example.com"
        let ownerID: String
        /// Holds money, a card, a withdrawal and the source of a transfer.
        let account: AccountRef
        /// The owner's second account: the transfer's target.
        let savings: AccountRef
        /// Empty, to be closed.
        let closable: AccountRef
        /// Without a card, to issue one on.
        let cardless: AccountRef
        let cardID: String
        let transactionID: String
        let transferID: String
        /// Pending service requests of the owner: one to look at, one each to cancel, approve and reject.
        let requestID: String, toCancel: String, toApprove: String, toReject: String

        func email(of caller: Caller) -> String {
            switch caller {
            case .anonymous, .owner: ownerEmail
            case .otherMember: otherEmail
            case .employee: employeeEmail
            case .admin: adminEmail
            }
        }
    }

    /// One call of a row: who makes it, with a session of their own (anonymous callers send none).
    struct Cell: Sendable {
        let caller: Caller
        let session: Session
        let serial: Int
    }

    struct Row: Sendable {
        let method: HTTPRequest.Method
        /// The route as the router and the OpenAPI document spell it.
        let path: String
        let access: Access
        let uri: @Sendable (Fixture) -> String
        var body: @Sendable (Fixture, Cell) -> String? = { _, _ in nil }

        var key: String { "\(method.rawValue) \(path)" }
    }

    static let password = TestBank.password

    /// One row per route of `buildRouter(bank:)`.
    static let table: [Row] = [
        // Meta and auth: public, or any signed-in role.
        Row(method: .get, path: "/health", access: .open(.ok), uri: { _ in "/health" }),
        Row(method: .get, path: "/ready", access: .open(.ok), uri: { _ in "/ready" }),
        Row(method: .get, path: "/openapi.json", access: .open(.ok), uri: { _ in "/openapi.json" }),
        Row(method: .post, path: "/auth/signup", access: .open(.created), uri: { _ in "/auth/signup" }) { _, cell in
            #"{"email":"matrix-\#(cell.serial)@example.com","password":"\#(password)","first_name":"Mat","last_name":"Rix"}"#
        },
        Row(method: .post, path: "/auth/login", access: .open(.ok), uri: { _ in "/auth/login" }) { _, cell in
            #"{"email":"\#(cell.session.email)","password":"\#(password)"}"#
        },
        Row(method: .post, path: "/auth/refresh", access: .open(.ok), uri: { _ in "/auth/refresh" }) { _, cell in
            #"{"refresh_token":"\#(cell.session.refreshToken)"}"#
        },
        Row(method: .post, path: "/auth/logout", access: .signedIn(.noContent), uri: { _ in "/auth/logout" }),
        Row(method: .post, path: "/auth/password", access: .signedIn(.noContent), uri: { _ in "/auth/password" }) { _, _ in
            #"{"current_password":"\#(password)","new_password":"\#(password)"}"#
        },

        // The member's own things.
        Row(method: .get, path: "/account-holders/me", access: .member(.ok), uri: { _ in "/account-holders/me" }),
        Row(method: .patch, path: "/account-holders/me", access: .member(.ok), uri: { _ in "/account-holders/me" }) { _, _ in
            #"{"phone":"+15551234567"}"#
        },
        Row(method: .post, path: "/accounts", access: .member(.created), uri: { _ in "/accounts" }) { _, _ in #"{"account_type":"savings"}"# },
        Row(method: .get, path: "/accounts", access: .member(.ok), uri: { _ in "/accounts" }),
        Row(method: .get, path: "/accounts/lookup", access: .member(.ok), uri: { "/accounts/lookup?account_number=\($0.savings.number)" }),
        Row(method: .get, path: "/accounts/{id}", access: .owned(.ok, notFound: "account_not_found"), uri: { "/accounts/\($0.account.id)" }),
        Row(
            method: .get, path: "/accounts/{id}/balance", access: .owned(.ok, notFound: "account_not_found"),
            uri: { "/accounts/\($0.account.id)/balance" }),
        Row(
            method: .post, path: "/accounts/{id}/close", access: .owned(.ok, notFound: "account_not_found"),
            uri: { "/accounts/\($0.closable.id)/close" }),
        Row(
            method: .post, path: "/accounts/{id}/transactions", access: .owned(.created, notFound: "account_not_found"),
            uri: { "/accounts/\($0.account.id)/transactions" }
        ) { _, _ in #"{"type":"credit","amount_cents":500}"# },
        Row(
            method: .get, path: "/accounts/{id}/transactions", access: .owned(.ok, notFound: "account_not_found"),
            uri: { "/accounts/\($0.account.id)/transactions" }),
        Row(
            method: .get, path: "/accounts/{id}/transactions/{transaction_id}", access: .owned(.ok, notFound: "account_not_found"),
            uri: { "/accounts/\($0.account.id)/transactions/\($0.transactionID)" }),
        Row(method: .post, path: "/transfers", access: .owned(.created, notFound: "account_not_found"), uri: { _ in "/transfers" }) { fixture, _ in
            #"{"from_account_id":"\#(fixture.account.id)","to_account_id":"\#(fixture.savings.id)","amount_cents":100}"#
        },
        Row(
            method: .get, path: "/transfers/{id}", access: .owned(.ok, notFound: "transfer_not_found"), uri: { "/transfers/\($0.transferID)" }),
        Row(
            method: .post, path: "/accounts/{id}/cards", access: .owned(.created, notFound: "account_not_found"),
            uri: { "/accounts/\($0.cardless.id)/cards" }),
        Row(
            method: .get, path: "/accounts/{id}/cards", access: .owned(.ok, notFound: "account_not_found"),
            uri: { "/accounts/\($0.account.id)/cards" }),
        Row(
            method: .post, path: "/cards/{id}/freeze", access: .owned(.ok, notFound: "card_not_found"), uri: { "/cards/\($0.cardID)/freeze" }),
        Row(
            method: .post, path: "/cards/{id}/unfreeze", access: .owned(.ok, notFound: "card_not_found"),
            uri: { "/cards/\($0.cardID)/unfreeze" }),
        Row(
            method: .post, path: "/cards/{id}/reveal", access: .owned(.ok, notFound: "card_not_found"), uri: { "/cards/\($0.cardID)/reveal" }
        ) { _, _ in #"{"password":"\#(password)"}"# },
        Row(
            method: .get, path: "/accounts/{id}/statements", access: .owned(.ok, notFound: "account_not_found"),
            uri: { "/accounts/\($0.account.id)/statements?year=2026&month=11" }),
        Row(
            method: .get, path: "/accounts/{id}/statements/{period}.csv", access: .owned(.ok, notFound: "account_not_found"),
            uri: { "/accounts/\($0.account.id)/statements/2026-11.csv" }),
        Row(
            method: .get, path: "/accounts/{id}/summary", access: .owned(.ok, notFound: "account_not_found"),
            uri: { "/accounts/\($0.account.id)/summary?year=2026" }),

        // Service requests: members file and cancel their own.
        Row(method: .post, path: "/service-requests", access: .owned(.created, notFound: "account_not_found"), uri: { _ in "/service-requests" }) {
            fixture, _ in #"{"type":"limit_increase","account_id":"\#(fixture.account.id)","details":{"daily_limit_cents":500000}}"#
        },
        Row(method: .get, path: "/service-requests", access: .member(.ok), uri: { _ in "/service-requests" }),
        Row(
            method: .get, path: "/service-requests/{id}", access: .owned(.ok, notFound: "service_request_not_found"),
            uri: { "/service-requests/\($0.requestID)" }),
        Row(
            method: .post, path: "/service-requests/{id}/cancel", access: .owned(.ok, notFound: "service_request_not_found"),
            uri: { "/service-requests/\($0.toCancel)/cancel" }),

        // The employee queue; unlocking is for employees and admins.
        Row(method: .get, path: "/employee/service-requests", access: .employee(.ok), uri: { _ in "/employee/service-requests?status=pending" }),
        Row(
            method: .get, path: "/employee/service-requests/{id}", access: .employee(.ok),
            uri: { "/employee/service-requests/\($0.requestID)" }),
        Row(
            method: .post, path: "/employee/service-requests/{id}/approve", access: .employee(.ok),
            uri: { "/employee/service-requests/\($0.toApprove)/approve" }
        ) { _, _ in #"{"note":"Verified by phone"}"# },
        Row(
            method: .post, path: "/employee/service-requests/{id}/reject", access: .employee(.ok),
            uri: { "/employee/service-requests/\($0.toReject)/reject" }
        ) { _, _ in #"{"reason":"Not eligible"}"# },
        Row(method: .post, path: "/employee/users/{id}/unlock", access: .employeeOrAdmin(.ok), uri: { "/employee/users/\($0.ownerID)/unlock" }),

        // The admin's read-only view.
        Row(method: .get, path: "/admin/users", access: .admin(.ok), uri: { _ in "/admin/users" }),
        Row(method: .get, path: "/admin/users/{id}", access: .admin(.ok), uri: { "/admin/users/\($0.ownerID)" }),
        Row(method: .get, path: "/admin/accounts", access: .admin(.ok), uri: { _ in "/admin/accounts" }),
        Row(method: .get, path: "/admin/accounts/{id}", access: .admin(.ok), uri: { "/admin/accounts/\($0.account.id)" }),
        Row(method: .get, path: "/admin/accounts/{id}/balance", access: .admin(.ok), uri: { "/admin/accounts/\($0.account.id)/balance" }),
        Row(
            method: .get, path: "/admin/accounts/{id}/transactions", access: .admin(.ok),
            uri: { "/admin/accounts/\($0.account.id)/transactions" }),
        Row(method: .get, path: "/admin/transactions", access: .admin(.ok), uri: { _ in "/admin/transactions" }),
        Row(method: .get, path: "/admin/transactions/{id}", access: .admin(.ok), uri: { "/admin/transactions/\($0.transactionID)" }),
        Row(method: .get, path: "/admin/service-requests", access: .admin(.ok), uri: { _ in "/admin/service-requests" }),
        Row(method: .get, path: "/admin/audit-log", access: .admin(.ok), uri: { _ in "/admin/audit-log" }),
        Row(method: .get, path: "/admin/audit-log/verify", access: .admin(.ok), uri: { _ in "/admin/audit-log/verify" }),
        Row(method: .get, path: "/admin/stats", access: .admin(.ok), uri: { _ in "/admin/stats" }),
    ]

    /// The routes of the router, spelled as the table spells them.
    static func servedRoutes(_ router: Router<BankRequestContext>) -> [String] {
        router.routes.map { route in
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            return "\(route.method.rawValue) /\(path.joined(separator: "/"))"
        }
    }

    static func makeFixture(_ api: API) async throws -> Fixture {
        let owner = try await api.signUp("owner@example.com")
        _ = try await api.signUp("other@example.com", first: "Eve", last: "Other")
        _ = try await api.staff("employee@example.com", .employee)
        _ = try await api.staff("admin@example.com", .admin)
        let account = try await api.openAccount(owner)
        let savings = try await api.openAccount(owner, type: "savings")
        let closable = try await api.openAccount(owner)
        let cardless = try await api.openAccount(owner)
        try await api.deposit(owner, account, 10_000)
        let withdrawal = try await api.debit(owner, account, 2_000, description: "Cash")
        try #require(withdrawal.status == .created, "\(withdrawal.text)")
        let transfer = try await api.transfer(owner, from: account, to: savings, cents: 1_000)
        try #require(transfer.status == .created, "\(transfer.text)")
        let card = try await api.issueCard(owner, account)
        func nameChange(_ first: String) async throws -> String {
            try await api.fileRequest(owner, #"{"type":"name_change","details":{"first_name":"\#(first)","last_name":"Lovelace"}}"#)
        }
        return Fixture(
            ownerID: owner.userID, account: account, savings: savings, closable: closable, cardless: cardless, cardID: card.id,
            transactionID: try #require(withdrawal.string("id")), transferID: try #require(transfer.string("id")),
            requestID: try await nameChange("Augusta"), toCancel: try await nameChange("Ada"), toApprove: try await nameChange("Augusta Ada"),
            toReject: try await nameChange("Countess"))
    }

    @Test func everyRouteAnswersEveryRoleAsTheRolesTableSays() async throws {
        try await TestBank.withApp { api in
            // The table covers exactly the routes the router serves: a new route without a row fails here.
            let served = Self.servedRoutes(try buildRouter(bank: api.bank))
            let keys = Self.table.map(\.key)
            #expect(Set(keys).count == keys.count, "a route has two rows")
            #expect(Set(served).subtracting(keys).sorted() == [], "served routes without a row")
            #expect(Set(keys).subtracting(served).sorted() == [], "rows for routes the router does not serve")

            let fixture = try await Self.makeFixture(api)
            var serial = 0
            for row in Self.table {
                for caller in Caller.allCases {
                    serial += 1
                    // A fresh session per call: logout and the password change revoke sessions, and must not spoil later calls.
                    let session = try await api.logIn(fixture.email(of: caller))
                    let cell = Cell(caller: caller, session: session, serial: serial)
                    let reply = try await api.call(
                        row.method, row.uri(fixture), token: caller == .anonymous ? nil : session.accessToken, json: row.body(fixture, cell))
                    let (status, code) = row.access.expected(for: caller)
                    let context = "\(row.key) as \(caller.rawValue)"
                    if let code {
                        expectProblem(reply, status, code, context)
                    } else {
                        #expect(reply.status == status, "\(context): \(reply.text)")
                    }
                }
            }

            // Only the allowed callers changed anything: the owner's credit of 500 and transfer of 100, one card issued.
            let owner = try await api.logIn(fixture.ownerEmail)
            #expect(try await api.balance(owner, fixture.account) == 10_000 - 2_000 - 1_000 + 500 - 100)
            #expect(try await api.balance(owner, fixture.savings) == 1_000 + 100)
            let closed = try await api.call(.get, "/accounts/\(fixture.closable.id)", token: owner.accessToken)
            #expect(closed.string("status") == "closed")
            #expect(try await api.call(.get, "/accounts/\(fixture.cardless.id)/cards", token: owner.accessToken).list.count == 1)
            let employee = try await api.logIn(fixture.employeeEmail)
            var statuses: [String?] = []
            for id in [fixture.requestID, fixture.toCancel, fixture.toApprove, fixture.toReject] {
                statuses.append(try await api.call(.get, "/employee/service-requests/\(id)", token: employee.accessToken).string("status"))
            }
            #expect(statuses == ["pending", "cancelled", "completed", "rejected"])
            let me = try await api.call(.get, "/account-holders/me", token: owner.accessToken)
            #expect(me.string("first_name") == "Augusta Ada")
            #expect(me.string("phone") == "+15551234567")
            try await api.expectSound()
        }
    }
}
