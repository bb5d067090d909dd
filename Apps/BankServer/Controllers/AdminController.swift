import Admin
import BankCore
import Foundation
import Hummingbird
import Identity
import Ledger
import ServiceRequests
import Storage

/// `/admin/*`: the read-only org-wide view. There is no admin route that writes.
struct AdminController {
    let identity: IdentityService
    let admin: AdminService

    func addRoutes(to router: Router<BankRequestContext>) {
        let group = router.group("admin").add(middleware: AuthMiddleware(identity: identity))
        group.get("users", use: users)
        group.get("users/:id", use: user)
        group.get("accounts", use: accounts)
        group.get("accounts/:id", use: account)
        group.get("accounts/:id/balance", use: balance)
        group.get("accounts/:id/transactions", use: accountTransactions)
        group.get("transactions", use: transactions)
        group.get("transactions/:id", use: transaction)
        group.get("service-requests", use: serviceRequests)
        group.get("audit-log", use: auditLog)
        group.get("audit-log/verify", use: verifyAuditLog)
        group.get("stats", use: stats)
    }

    private func page(_ request: Request, _ context: BankRequestContext) throws -> PageRequest {
        _ = try context.require(.admin)
        var query = QueryReader(request)
        let page = query.page()
        try query.validate()
        return page
    }

    @Sendable func users(_ request: Request, context: BankRequestContext) async throws -> Response {
        .json(.page(try await admin.users(page: try page(request, context))) { $0.adminJSON })
    }

    @Sendable func user(_ request: Request, context: BankRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        return .json(try await admin.user(try context.pathID("id")).adminJSON)
    }

    @Sendable func accounts(_ request: Request, context: BankRequestContext) async throws -> Response {
        .json(.page(try await admin.accounts(page: try page(request, context))) { $0.adminJSON })
    }

    @Sendable func account(_ request: Request, context: BankRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        return .json(try await admin.account(try context.pathID("id")).adminJSON)
    }

    @Sendable func balance(_ request: Request, context: BankRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        return .json(try await admin.balance(try context.pathID("id")).json)
    }

    @Sendable func accountTransactions(_ request: Request, context: BankRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        var query = QueryReader(request)
        let filter = query.transactionFilter()
        let page = query.page()
        try query.validate()
        return .json(.page(try await admin.transactions(of: try context.pathID("id"), filter: filter, page: page)) { $0.json })
    }

    @Sendable func transactions(_ request: Request, context: BankRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        var query = QueryReader(request)
        var filter = query.transactionFilter()
        filter.accountID = query.string("account_id").flatMap(AccountID.init)
        let page = query.page()
        try query.validate()
        return .json(.page(try await admin.transactions(filter: filter, page: page)) { $0.json })
    }

    @Sendable func transaction(_ request: Request, context: BankRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        return .json(try await admin.transaction(try context.pathID("id")).json)
    }

    @Sendable func serviceRequests(_ request: Request, context: BankRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        var query = QueryReader(request)
        let status = query.choice("status", as: ServiceRequestStatus.self)
        let page = query.page()
        try query.validate()
        return .json(.page(try await admin.serviceRequests(status: status, page: page)) { $0.json })
    }

    @Sendable func auditLog(_ request: Request, context: BankRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        var query = QueryReader(request)
        let from = query.date("from")
        let to = query.date("to")
        let filter = AuditFilter(
            actorID: query.string("actor", maxLength: 64), action: query.string("action", maxLength: 100), from: from,
            to: to.map { $0.addingTimeInterval(24 * 3600) })
        let page = query.page()
        try query.validate()
        return .json(.page(try await admin.auditLog(filter: filter, page: page)) { $0.json })
    }

    @Sendable func verifyAuditLog(_ request: Request, context: BankRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        return .json(try await admin.verifyAuditLog().json)
    }

    @Sendable func stats(_ request: Request, context: BankRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        return .json(try await admin.stats().json)
    }
}
