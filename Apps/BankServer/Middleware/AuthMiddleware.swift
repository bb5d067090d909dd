import BankCore
import Foundation
import Hummingbird
import Logging
import Identity

/// Requires `Authorization: Bearer <access token>` and puts the principal, with role and status read
/// from the database (for a GET, possibly by a check made within the last second), into the context.
/// Missing, forged, expired or revoked tokens get 401.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = BankRequestContext
    let identity: IdentityService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], let token = Self.bearerToken(header) else { throw HTTPProblem.unauthenticated }
        var context = context
        // A read may rely on a session check made in the last second; anything that changes state checks now (DESIGN.md).
        let readsOnly = request.method == .get || request.method == .head
        let principal = try await identity.authenticate(accessToken: token, changesState: !readsOnly)
        context.principal = principal
        return try await RequestLogMetadata.$userID.withValue(principal.userID) { try await next(request, context) }
    }

    /// The token of an `Authorization: Bearer <token>` header (scheme in any case, spaces or tabs around
    /// the token), or `nil`. Byte by byte: Foundation's `trimmingCharacters` bridges through `NSString`, and
    /// was 6 % of an authenticated GET's time under `wrk`.
    static func bearerToken(_ header: String) -> String? {
        let scheme = "bearer ".utf8
        var bytes = Substring(header).utf8
        guard bytes.count > scheme.count, zip(bytes, scheme).allSatisfy({ lowercased($0) == $1 }) else { return nil }
        bytes = bytes.dropFirst(scheme.count)
        let blank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        while let first = bytes.first, blank(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, blank(last) { bytes = bytes.dropLast() }
        return String(Substring(bytes))
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
