import BankCore
import Cards
import Hummingbird
import Identity

/// `/accounts/{id}/cards` and `/cards/{id}/…`: issue (idempotent), list masked, freeze, unfreeze, reveal.
struct CardsController {
    let identity: IdentityService
    let cards: CardService
    let rateLimiter: RateLimiter
    let idempotency: IdempotentResponder

    func addRoutes(to router: Router<BankRequestContext>) {
        let accountCards = router.group("accounts/:id/cards").add(middleware: AuthMiddleware(identity: identity))
        accountCards.post(use: issue)
        accountCards.get(use: list)
        let group = router.group("cards").add(middleware: AuthMiddleware(identity: identity))
        group.post(":id/freeze", use: freeze)
        group.post(":id/unfreeze", use: unfreeze)
        group.post(":id/reveal", use: reveal)
    }

    @Sendable func issue(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        let accountID: AccountID = try context.pathID("id")
        var request = request
        let bytes = try await request.rawBody(context: context)
        if !bytes.isEmpty {
            // An optional body, and if there is one it must be an empty object: nothing about a card is the caller's to set.
            try FieldReader(try await request.jsonBody(context: context), allowed: []).validate()
        }
        let holder = try await identity.user(principal.userID).fullName
        let actor = context.actor(request)
        return try await idempotency.respond(
            to: request, body: bytes, context: context, status: .created, encode: { $0.json }, store: { $0.replayJSON }
        ) { hook in
            try await cards.issue(for: accountID, holder: holder, in: .owner(principal.userID), actor: actor, hook: hook)
        }
    }

    @Sendable func list(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        return .json(.list(try await cards.cards(of: try context.pathID("id"), in: .owner(principal.userID))) { $0.json })
    }

    @Sendable func freeze(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        return .json(try await cards.freeze(try context.pathID("id"), in: .owner(principal.userID), actor: context.actor(request)).json)
    }

    @Sendable func unfreeze(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        return .json(try await cards.unfreeze(try context.pathID("id"), in: .owner(principal.userID), actor: context.actor(request)).json)
    }

    @Sendable func reveal(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        let cardID: CardID = try context.pathID("id")
        try await rateLimiter.check(.reveal, key: principal.userID.description)
        var request = request
        var fields = FieldReader(try await request.jsonBody(context: context), allowed: ["password"])
        let password = fields.string("password", maxLength: 1024)
        try fields.validate()
        _ = try await cards.card(cardID, in: .owner(principal.userID))
        try await identity.confirmPassword(principal, password: password!)
        return .json(try await cards.reveal(cardID, in: .owner(principal.userID), actor: context.actor(request)).json)
    }
}
