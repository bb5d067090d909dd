import BankCore
import Cards
import Hummingbird
import Identity
import ServiceRequests

/// `/service-requests`: members file, list, view and cancel their own requests.
struct ServiceRequestsController {
    let identity: IdentityService
    let requests: ServiceRequestService
    let cards: CardService

    func addRoutes(to router: Router<BankRequestContext>) {
        let group = router.group("service-requests").add(middleware: AuthMiddleware(identity: identity))
        group.post(use: file)
        group.get(use: list)
        group.get(":id", use: show)
        group.post(":id/cancel", use: cancel)
    }

    @Sendable func file(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        var request = request
        let details = try Self.details(from: try await request.jsonBody(context: context))
        let filed: ServiceRequest
        do {
            filed = try await requests.file(details, member: principal.userID, actor: context.actor(request))
        } catch let error as ValidationError {
            // The domain names the fields it checks (`reason`, `daily_limit_cents`, `first_name`) as its own; in the body they sit in `details`.
            throw ValidationError(error.fieldErrors.map { FieldError(field: "details." + $0.field, message: $0.message) })
        }
        return .json(filed.json, status: .created)
    }

    @Sendable func list(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        var query = QueryReader(request)
        let status = query.choice("status", as: ServiceRequestStatus.self)
        let page = query.page()
        try query.validate()
        return .json(.page(try await requests.requests(in: .owner(principal.userID), status: status, page: page)) { $0.json })
    }

    /// A completed card replacement shows the new card's number once: on the member's first view.
    @Sendable func show(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        let id: ServiceRequestID = try context.pathID("id")
        let found = try await requests.request(id, in: .owner(principal.userID))
        var replacementPAN: String?
        if found.type == .cardReplacement, found.status == .completed, found.resultViewedAt == nil,
            let newCard = found.result["new_card_id"].flatMap(CardID.init),
            try await requests.claimFirstView(of: id, member: principal.userID)
        {
            replacementPAN = try await cards.reveal(newCard, in: .owner(principal.userID), actor: context.actor(request)).pan
        }
        return .json(found.json(replacementPAN: replacementPAN))
    }

    @Sendable func cancel(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        return .json(try await requests.cancel(try context.pathID("id"), member: principal.userID, actor: context.actor(request)).json)
    }

    /// `{type, account_id?, card_id?, transaction_id?, details}`: the ids may stand at the top level or inside `details`.
    static func details(from json: JSON) throws -> ServiceRequestDetails {
        var fields = FieldReader(json, allowed: ["type", "account_id", "card_id", "transaction_id", "details"])
        let type = fields.choice("type", as: ServiceRequestType.self)
        let topAccount = fields.uuid("account_id", required: false, as: AccountID.self)
        let topCard = fields.uuid("card_id", required: false, as: CardID.self)
        let topTransaction = fields.uuid("transaction_id", required: false, as: TransactionID.self)
        let detailsJSON = fields.object("details", required: false) ?? .object([])
        try fields.validate()
        let result: ServiceRequestDetails?
        switch type! {
        case .cardReplacement:
            var nested = FieldReader(detailsJSON, allowed: ["card_id", "reason"], prefix: "details.")
            let card = nested.uuid("card_id", required: topCard == nil, as: CardID.self) ?? topCard
            let reason = nested.choice("reason", as: ReplacementReason.self)
            fields.merge(nested)
            result = card.flatMap { card in reason.map { .cardReplacement(card: card, reason: $0) } }
        case .nameChange:
            var nested = FieldReader(detailsJSON, allowed: ["first_name", "last_name"], prefix: "details.")
            let first = nested.string("first_name", maxLength: 200)
            let last = nested.string("last_name", maxLength: 200)
            fields.merge(nested)
            result = first.flatMap { first in last.map { .nameChange(firstName: first, lastName: $0) } }
        case .transactionDispute:
            var nested = FieldReader(detailsJSON, allowed: ["transaction_id", "reason"], prefix: "details.")
            let transaction = nested.uuid("transaction_id", required: topTransaction == nil, as: TransactionID.self) ?? topTransaction
            let reason = nested.string("reason", maxLength: 1000)
            fields.merge(nested)
            result = transaction.flatMap { transaction in reason.map { .transactionDispute(transaction: transaction, reason: $0) } }
        case .accountClosure:
            var nested = FieldReader(detailsJSON, allowed: ["account_id"], prefix: "details.")
            let account = nested.uuid("account_id", required: topAccount == nil, as: AccountID.self) ?? topAccount
            fields.merge(nested)
            result = account.map { .accountClosure(account: $0) }
        case .limitIncrease:
            var nested = FieldReader(detailsJSON, allowed: ["account_id", "daily_limit_cents"], prefix: "details.")
            let account = nested.uuid("account_id", required: topAccount == nil, as: AccountID.self) ?? topAccount
            let limit = nested.cents("daily_limit_cents")
            fields.merge(nested)
            result = account.flatMap { account in limit.map { .limitIncrease(account: account, dailyLimit: $0) } }
        }
        try fields.validate()
        return result!
    }
}
