import BankCore
import Hummingbird
import Identity

/// `/account-holders/me`: the member's own profile. Email and role are not writable.
struct ProfileController {
    let identity: IdentityService

    func addRoutes(to router: Router<BankRequestContext>) {
        let group = router.group("account-holders").add(middleware: AuthMiddleware(identity: identity))
        group.get("me", use: show)
        group.patch("me", use: update)
    }

    @Sendable func show(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        return .json(try await identity.user(principal.userID).profileJSON)
    }

    @Sendable func update(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        var request = request
        var fields = FieldReader(try await request.jsonBody(context: context), allowed: ["first_name", "last_name", "phone"])
        let update = ProfileUpdate(
            firstName: fields.string("first_name", required: false, maxLength: 200),
            lastName: fields.string("last_name", required: false, maxLength: 200),
            phone: fields.patchString("phone", maxLength: 40))
        try fields.validate()
        return .json(try await identity.updateProfile(principal.userID, update, actor: context.actor(request)).profileJSON)
    }
}
