import HTTPTypes
import Hummingbird

/// The security headers of API.md on every response, and `Cache-Control: no-store` on API responses.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = BankRequestContext

    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "no-referrer"
        if request.headers[.xForwardedProto]?.lowercased() == "https" {
            response.headers[.strictTransportSecurity] = "max-age=63072000; includeSubDomains"
        }
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
