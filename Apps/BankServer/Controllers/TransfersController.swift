import BankCore
import Hummingbird
import Identity
import Ledger
import Storage
import Transfers

/// `/transfers`: move money (idempotent) and show a transfer the caller is party to.
struct TransfersController {
    let identity: IdentityService
    let transfers: TransferService
    let rateLimiter: RateLimiter
    let idempotency: IdempotentResponder

    func addRoutes(to router: Router<BankRequestContext>) {
        let group = router.group("transfers").add(middleware: AuthMiddleware(identity: identity))
        group.post(use: create)
        group.get(":id", use: show)
    }

    @Sendable func create(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        var request = request
        let (json, bytes) = try await request.jsonBodyAndBytes(context: context)
        var fields = FieldReader(json, allowed: ["from_account_id", "to_account_id", "to_account_number", "amount_cents", "description"])
        let from = fields.uuid("from_account_id", as: AccountID.self)
        let toID = fields.uuid("to_account_id", required: false, as: AccountID.self)
        let toNumber = fields.string("to_account_number", required: false, maxLength: 10)
        let amount = fields.cents("amount_cents")
        let description = fields.string("description", required: false, maxLength: 1000)
        try fields.validate()
        let target: TransferTarget
        switch (toID, toNumber) {
        case (let id?, nil): target = .account(id)
        case (nil, let number?) where number.count == 10 && number.allSatisfy(\.isASCIIDigit): target = .number(number)
        case (nil, _?): throw ValidationError(field: "to_account_number", "must be 10 digits")
        default: throw ValidationError(field: "to_account_id", "exactly one of to_account_id and to_account_number is required")
        }
        let transferRequest = TransferRequest(from: from!, to: target, amount: amount!, description: description)
        let actor = context.actor(request)
        let limit: TransactionHook<Transfer>? = rateLimiter.hook(.moneyMovement, key: principal.userID.description)
        return try await idempotency.respond(to: request, body: bytes, context: context, status: .created, encode: { $0.json }) { hook in
            try await transfers.transfer(transferRequest, from: .owner(principal.userID), actor: actor, hook: .sequence(limit, hook))
        }
    }

    @Sendable func show(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        return .json(try await transfers.transfer(try context.pathID("id"), visibleTo: .owner(principal.userID)).json)
    }
}
