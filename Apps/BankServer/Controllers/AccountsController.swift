import BankCore
import Hummingbird
import Identity
import Ledger

/// `/accounts`: open, list, look up, show, balance, close.
struct AccountsController {
    let identity: IdentityService
    let ledger: LedgerService
    let idempotency: IdempotentResponder

    func addRoutes(to router: Router<BankRequestContext>) {
        let group = router.group("accounts").add(middleware: AuthMiddleware(identity: identity))
        group.post(use: open)
        group.get(use: list)
        group.get("lookup", use: lookup)
        group.get(":id", use: show)
        group.get(":id/balance", use: balance)
        group.post(":id/close", use: close)
    }

    @Sendable func open(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        var request = request
        let (json, bytes) = try await request.jsonBodyAndBytes(context: context)
        var fields = FieldReader(json, allowed: ["account_type", "nickname"])
        let type = fields.choice("account_type", as: AccountType.self)
        let nickname = fields.string("nickname", required: false, maxLength: 200)
        try fields.validate()
        let actor = context.actor(request)
        return try await idempotency.respond(to: request, body: bytes, context: context, status: .created, encode: { $0.json }) { hook in
            try await ledger.openAccount(owner: principal.userID, type: type!, nickname: nickname, actor: actor, hook: hook)
        }
    }

    @Sendable func list(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        return .json(.list(try await ledger.accounts(ownedBy: principal.userID)) { $0.json })
    }

    @Sendable func lookup(_ request: Request, context: BankRequestContext) async throws -> Response {
        _ = try context.require(.member)
        var query = QueryReader(request)
        let number = query.string("account_number", maxLength: 10)
        if let number, number.count != 10 || !number.allSatisfy(\.isASCIIDigit) {
            throw ValidationError(field: "account_number", "must be 10 digits")
        }
        guard let number else { throw ValidationError(field: "account_number", "is required") }
        let found = try await ledger.lookup(number: number)
        let names = try await identity.maskedNames(of: [found.ownerID])
        return .json(found.json(holderName: names[found.ownerID] ?? ""))
    }

    @Sendable func show(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        return .json(try await ledger.account(try context.pathID("id"), in: .owner(principal.userID)).json)
    }

    @Sendable func balance(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        return .json(try await ledger.balance(try context.pathID("id"), in: .owner(principal.userID)).json)
    }

    @Sendable func close(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        return .json(try await ledger.close(try context.pathID("id"), in: .owner(principal.userID), actor: context.actor(request)).json)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension BankRequestContext {
    /// A typed id from the path; an id that is not a UUID cannot exist, so it is a 404.
    func pathID<Tag>(_ name: String, as: Identifier<Tag>.Type = Identifier<Tag>.self) throws -> Identifier<Tag> {
        guard let text = parameters.get(name), let id = Identifier<Tag>(text) else { throw HTTPProblem.notFound }
        return id
    }
}
