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
        guard let header = request.headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw HTTPProblem.unauthenticated
        }
        var context = context
        // A read may rely on a session check made in the last second; anything that changes state checks now (DESIGN.md).
        let readsOnly = request.method == .get || request.method == .head
        context.principal = try await identity.authenticate(
            accessToken: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), changesState: !readsOnly)
        context.logger[metadataKey: "user_id"] = .string(context.principal!.userID.description)
        return try await next(request, context)
    }
}
