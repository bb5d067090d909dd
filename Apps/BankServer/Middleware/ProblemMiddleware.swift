import Hummingbird
import Logging

/// Turns every error thrown below it into a problem+json response; anything that is not ours
/// becomes a logged 500 whose body leaks nothing.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = BankRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if Problem.render(error, requestID: context.requestID) == nil {
                context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            }
            return Problem.response(for: error, requestID: context.requestID)
        }
    }
}
