import BankCore
import Foundation
import Hummingbird
import Identity
import Ledger

/// `/accounts/{id}/transactions`: deposit or withdraw (idempotent), list with filters, show one.
struct TransactionsController {
    let identity: IdentityService
    let ledger: LedgerService
    let idempotency: IdempotentResponder

    func addRoutes(to router: Router<BankRequestContext>) {
        let group = router.group("accounts/:id/transactions").add(middleware: AuthMiddleware(identity: identity))
        group.post(use: create)
        group.get(use: list)
        group.get(":transaction_id", use: show)
    }

    @Sendable func create(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        let accountID: AccountID = try context.pathID("id")
        var request = request
        let (json, bytes) = try await request.jsonBodyAndBytes(context: context)
        var fields = FieldReader(json, allowed: ["type", "amount_cents", "description", "category"])
        let type = fields.choice("type", as: TransactionType.self)
        let amount = fields.cents("amount_cents")
        let description = fields.string("description", required: false, maxLength: 1000)
        let category = fields.string("category", required: false, maxLength: 100)
        try fields.validate()
        let movement = MovementRequest(amount: amount!, description: description, category: category)
        let actor = context.actor(request)
        return try await idempotency.respond(to: request, body: bytes, context: context, status: .created, encode: { $0.json }) { hook in
            switch type! {
            case .credit: try await ledger.credit(accountID, movement, in: .owner(principal.userID), actor: actor, hook: hook)
            case .debit: try await ledger.debit(accountID, movement, in: .owner(principal.userID), actor: actor, hook: hook)
            }
        }
    }

    @Sendable func list(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        let accountID: AccountID = try context.pathID("id")
        var query = QueryReader(request)
        let filter = query.transactionFilter()
        let page = query.page()
        try query.validate()
        let result = try await ledger.transactions(of: accountID, in: .owner(principal.userID), filter: filter, page: page)
        return .json(.page(result) { $0.json })
    }

    @Sendable func show(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        let accountID: AccountID = try context.pathID("id")
        _ = try await ledger.account(accountID, in: .owner(principal.userID))
        return .json(try await ledger.transaction(try context.pathID("transaction_id"), of: accountID, in: .owner(principal.userID)).json)
    }
}

extension QueryReader {
    /// The transaction filters of API.md: `status`, `type`, `category`, `from`, `to` (dates, inclusive), `min_cents`, `max_cents`, `q`.
    mutating func transactionFilter() -> TransactionFilter {
        let from = date("from")
        let to = date("to")
        return TransactionFilter(
            status: choice("status", as: TransactionStatus.self), type: choice("type", as: TransactionType.self),
            category: string("category", maxLength: 40), from: from,
            until: to.map { $0.addingTimeInterval(24 * 3600) },
            minAmount: integer("min_cents").map(Money.init(cents:)), maxAmount: integer("max_cents").map(Money.init(cents:)),
            text: string("q", maxLength: 100))
    }
}
