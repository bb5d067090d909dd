import BankCore
import Hummingbird
import Logging
import NIOCore

/// The request context of every route: the request id, the client address and, once authenticated, the principal.
struct BankRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The `X-Request-ID` echoed on the response and written to logs and audit rows.
    var requestID = ""
    /// The authenticated caller, set by ``AuthMiddleware``.
    var principal: Principal?
    /// The peer's IP address, when the transport has one.
    let clientIP: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientIP = source.channel.remoteAddress?.ipAddress
    }

    /// Request bodies are small JSON documents: anything over 64 KiB is refused with 413.
    var maxUploadSize: Int { 64 * 1024 }

    /// The principal, or 401 when the route was reached without authentication.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw HTTPProblem.unauthenticated }
        return principal
    }

    /// The principal if it has one of `roles`; 403 otherwise.
    func require(_ roles: Role...) throws -> Principal {
        let principal = try requirePrincipal()
        guard roles.contains(principal.role) else {
            throw HTTPProblem(status: .forbidden, code: "forbidden", detail: "This endpoint is not available to the \(principal.role.rawValue) role.")
        }
        return principal
    }

    /// Who is acting, for the audit log.
    func actor(_ request: Request) -> Actor {
        Actor(principal: principal, ip: clientIP, userAgent: request.headers[.userAgent].map { String($0.prefix(256)) }, requestID: requestID)
    }
}
