import BankCore
import Foundation
import Hummingbird
import Identity

/// `/auth/*`: signup, login, refresh, logout, password change.
struct AuthController {
    let identity: IdentityService
    let rateLimiter: RateLimiter

    func addRoutes(to router: Router<BankRequestContext>) {
        let group = router.group("auth")
        group.post("signup", use: signUp)
        group.post("login", use: logIn)
        group.post("refresh", use: refresh)
        let authenticated = group.group().add(middleware: AuthMiddleware(identity: identity))
        authenticated.post("logout", use: logOut)
        authenticated.post("password", use: changePassword)
    }

    @Sendable func signUp(_ request: Request, context: BankRequestContext) async throws -> Response {
        try rateLimiter.check(.signup, key: context.clientIP ?? "-")
        var request = request
        var fields = FieldReader(try await request.jsonBody(context: context), allowed: ["email", "password", "first_name", "last_name", "phone"])
        let email = fields.string("email", maxLength: 254)
        let password = fields.string("password", maxLength: 1024)
        let firstName = fields.string("first_name", maxLength: 200)
        let lastName = fields.string("last_name", maxLength: 200)
        let phone = fields.string("phone", required: false, maxLength: 40)
        try fields.validate()
        let session = try await identity.signUp(
            SignUpRequest(email: email!, password: password!, firstName: firstName!, lastName: lastName!, phone: phone),
            actor: context.actor(request))
        return .json(session.json, status: .created)
    }

    @Sendable func logIn(_ request: Request, context: BankRequestContext) async throws -> Response {
        try rateLimiter.check(.login, key: context.clientIP ?? "-")
        var request = request
        var fields = FieldReader(try await request.jsonBody(context: context), allowed: ["email", "password"])
        let email = fields.string("email", maxLength: 254)
        let password = fields.string("password", maxLength: 1024)
        try fields.validate()
        try rateLimiter.check(.loginPerEmail, key: "\(context.clientIP ?? "-")|\(email!.trimmingCharacters(in: .whitespaces).lowercased())")
        let session = try await identity.logIn(email: email!, password: password!, actor: context.actor(request))
        return .json(session.json)
    }

    @Sendable func refresh(_ request: Request, context: BankRequestContext) async throws -> Response {
        try rateLimiter.check(.refresh, key: context.clientIP ?? "-")
        var request = request
        var fields = FieldReader(try await request.jsonBody(context: context), allowed: ["refresh_token"])
        let token = fields.string("refresh_token", maxLength: 512)
        try fields.validate()
        return .json(try await identity.refresh(token!, actor: context.actor(request)).json)
    }

    @Sendable func logOut(_ request: Request, context: BankRequestContext) async throws -> Response {
        try await identity.logOut(try context.requirePrincipal(), actor: context.actor(request))
        return .noContent
    }

    @Sendable func changePassword(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try rateLimiter.check(.login, key: context.clientIP ?? "-")
        var request = request
        var fields = FieldReader(try await request.jsonBody(context: context), allowed: ["current_password", "new_password"])
        let current = fields.string("current_password", maxLength: 1024)
        let new = fields.string("new_password", maxLength: 1024)
        try fields.validate()
        try await identity.changePassword(principal, current: current!, new: new!, actor: context.actor(request))
        return .noContent
    }
}
