import HTTPTypes
import Hummingbird

/// 405 with `Allow` for a path the router serves with other methods (`DELETE /accounts`,
/// `GET /auth/login`), instead of the router's 404. Added after every route, so it sits only on
/// the router's not-found path and costs nothing on requests that match.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = BankRequestContext

    /// A route's path split into its segments: a literal, or a capture (`:id`, `{period}.csv`).
    private struct Pattern {
        enum Segment {
            case literal(Substring)
            case capture(suffix: Substring)
        }

        let segments: [Segment]
        var methods: Set<HTTPRequest.Method>

        func matches(_ parts: [Substring]) -> Bool {
            guard parts.count == segments.count else { return false }
            return zip(segments, parts).allSatisfy { segment, part in
                switch segment {
                case .literal(let text): text == part
                case .capture(let suffix): !part.isEmpty && part.hasSuffix(suffix)
                }
            }
        }
    }

    private let patterns: [Pattern]

    /// Learns the routes from `router`; add it after the last route.
    init(routes: [Router<Context>.RouteDescription]) {
        var byPath: [String: Pattern] = [:]
        for route in routes {
            let path = route.path.description
            if byPath[path] == nil {
                let segments = path.split(separator: "/").map { part -> Pattern.Segment in
                    if part.first == ":" { return .capture(suffix: "") }
                    if part.first == "{", let close = part.firstIndex(of: "}") { return .capture(suffix: part[part.index(after: close)...]) }
                    return .literal(part)
                }
                byPath[path] = Pattern(segments: segments, methods: [])
            }
            byPath[path]!.methods.insert(route.method)
        }
        patterns = Array(byPath.values)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError where error.status == .notFound {
            let parts = request.uri.path.split(separator: "/")
            let allowed = patterns.filter { $0.matches(parts) }.reduce(into: Set<HTTPRequest.Method>()) { $0.formUnion($1.methods) }
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            var problem = HTTPProblem(
                status: .methodNotAllowed, code: "method_not_allowed", detail: "\(request.method.rawValue) is not served here; use \(list).")
            problem.headers[.allow] = list
            throw problem
        }
    }
}
