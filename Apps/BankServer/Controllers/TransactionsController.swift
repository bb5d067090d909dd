import BankCore
import Cards
import Foundation
import Hummingbird
import Identity
import Ledger
import Storage

/// `/accounts/{id}/transactions`: deposit or withdraw (idempotent), list with filters, show one.
struct TransactionsController {
    let identity: IdentityService
    let ledger: LedgerService
    let cards: CardService
    let rateLimiter: RateLimiter
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
        var fields = FieldReader(json, allowed: ["type", "amount_cents", "description", "category", "card_id"])
        let type = fields.choice("type", as: TransactionType.self)
        let amount = fields.cents("amount_cents")
        let description = fields.string("description", required: false, maxLength: 1000)
        let category = fields.string("category", required: false, maxLength: 100)
        let cardID = fields.uuid("card_id", required: false, as: CardID.self)
        try fields.validate()
        if cardID != nil, type != .debit { throw ValidationError(field: "card_id", "a card pays debits only") }
        let movement = MovementRequest(amount: amount!, description: description, category: category)
        let actor = context.actor(request)
        let scope = OwnerScope.owner(principal.userID)
        let limit: TransactionHook<Transaction>? = rateLimiter.hook(.moneyMovement, key: principal.userID.description)
        return try await idempotency.respond(to: request, body: bytes, context: context, status: .created, encode: { $0.json }) {
            (idempotent: TransactionHook<Transaction>?) -> Transaction in
            let hook = TransactionHook.sequence(limit, idempotent)
            return switch (type!, cardID) {
            case (.credit, _): try await ledger.credit(accountID, movement, in: scope, actor: actor, hook: hook)
            case (.debit, nil): try await ledger.debit(accountID, movement, in: scope, actor: actor, hook: hook)
            case (.debit, let card?):
                try await cards.purchase(
                    CardPurchase(cardID: card, amount: amount!, merchant: description, category: category), on: accountID, in: scope,
                    actor: actor, hook: hook)
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
