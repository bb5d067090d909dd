import BankCore
import Foundation
import HTTPTypes
import Hummingbird
import Identity

/// `/auth/*`: signup, login, refresh, logout, password change.
///
/// Two ways to hold the refresh token: in the JSON body (integrators), or, with the request header
/// `X-Refresh-Token-Mode: cookie` (the web client), in a ``RefreshCookie`` the page's scripts cannot read.
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
        try await rateLimiter.check(.signup, key: context.clientIP ?? "-")
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
        return RefreshCookie.respond(with: session, to: request, status: .created)
    }

    @Sendable func logIn(_ request: Request, context: BankRequestContext) async throws -> Response {
        var request = request
        var fields = FieldReader(try await request.jsonBody(context: context), allowed: ["email", "password"])
        let email = fields.string("email", maxLength: 254)
        let password = fields.string("password", maxLength: 1024)
        try fields.validate()
        // Both counters in one write. A body that fails validation is not counted: it costs no password hash.
        let client = context.clientIP ?? "-"
        try await rateLimiter.check(
            (.login, client), (.loginPerEmail, "\(client)|\(email!.trimmingCharacters(in: .whitespaces).lowercased())"))
        let session = try await identity.logIn(email: email!, password: password!, actor: context.actor(request))
        return RefreshCookie.respond(with: session, to: request)
    }

    @Sendable func refresh(_ request: Request, context: BankRequestContext) async throws -> Response {
        try await rateLimiter.check(.refresh, key: context.clientIP ?? "-")
        var request = request
        let token: String
        if RefreshCookie.isRequested(by: request) {
            // The token rides in the cookie; a body, if any, must be an empty object.
            if let body = try await request.optionalJSONBody(context: context) { try FieldReader(body, allowed: []).validate() }
            guard let cookie = request.cookies[RefreshCookie.name]?.value, !cookie.isEmpty, cookie.utf8.count <= 512 else {
                throw IdentityError(.invalidRefreshToken, "No refresh token cookie was sent; log in again.")
            }
            token = cookie
        } else {
            var fields = FieldReader(try await request.jsonBody(context: context), allowed: ["refresh_token"])
            let field = fields.string("refresh_token", maxLength: 512)
            try fields.validate()
            token = field!
        }
        return RefreshCookie.respond(with: try await identity.refresh(token, actor: context.actor(request)), to: request)
    }

    @Sendable func logOut(_ request: Request, context: BankRequestContext) async throws -> Response {
        try await identity.logOut(try context.requirePrincipal(), actor: context.actor(request))
        var response = Response.noContent
        RefreshCookie.clear(on: &response, request: request)
        return response
    }

    @Sendable func changePassword(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try await rateLimiter.check(.login, key: context.clientIP ?? "-")
        var request = request
        var fields = FieldReader(try await request.jsonBody(context: context), allowed: ["current_password", "new_password"])
        let current = fields.string("current_password", maxLength: 1024)
        let new = fields.string("new_password", maxLength: 1024)
        try fields.validate()
        try await identity.changePassword(principal, current: current!, new: new!, actor: context.actor(request))
        return .noContent
    }
}

/// The web client's refresh token: `HttpOnly` (no script reads it), `SameSite=Strict` and `Path=/auth`
/// (sent only to the auth endpoints, never cross-site), `Secure` behind TLS. Asked for with the header
/// `X-Refresh-Token-Mode: cookie`, which a cross-site page cannot send without a CORS preflight that
/// this server never grants; the JSON body then carries `refresh_token: null`.
enum RefreshCookie {
    static let name = "bankkit_refresh"
    static let modeHeader = HTTPField.Name("X-Refresh-Token-Mode")!

    static func isRequested(by request: Request) -> Bool {
        request.headers[modeHeader]?.lowercased() == "cookie"
    }

    /// The session as JSON, with the refresh token moved into the cookie when the client asked for it.
    static func respond(with session: AuthSession, to request: Request, status: HTTPResponse.Status = .ok) -> Response {
        guard isRequested(by: request) else { return .json(session.json, status: status) }
        var response = Response.json(session.json(includingRefreshToken: false), status: status)
        response.setCookie(cookie(session.refreshToken, maxAge: Int(IdentityService.refreshTokenLifetime), request: request))
        return response
    }

    /// Expires the cookie (logout), whichever mode the client used.
    static func clear(on response: inout Response, request: Request) {
        response.setCookie(cookie("", maxAge: 0, request: request))
    }

    private static func cookie(_ value: String, maxAge: Int, request: Request) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: "/auth",
            secure: request.headers[.xForwardedProto]?.lowercased() == "https", httpOnly: true, sameSite: .strict)
    }
}
