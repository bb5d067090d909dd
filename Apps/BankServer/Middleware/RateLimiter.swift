import Foundation
import HTTPTypes
import Synchronization

/// Fixed-window request counters per key (an IP, an IP and an email), held in memory.
///
/// Refusals carry `Retry-After` and `RateLimit-*` headers. Disabled by `ratelimit.enabled=false` for load benchmarks.
final class RateLimiter: Sendable {
    /// A named limit: at most `limit` requests per `window`.
    struct Rule: Sendable {
        let name: String
        let limit: Int
        let window: TimeInterval

        static let login = Rule(name: "login", limit: 20, window: 60)
        /// Per client and email: keyed by both, so an attacker elsewhere cannot spend the victim's budget.
        static let loginPerEmail = Rule(name: "login-email", limit: 10, window: 60)
        static let signup = Rule(name: "signup", limit: 20, window: 600)
        static let refresh = Rule(name: "refresh", limit: 60, window: 60)
        static let reveal = Rule(name: "reveal", limit: 5, window: 300)
    }

    private struct Window {
        var start: Date
        var count: Int
    }

    private let enabled: Bool
    private let now: @Sendable () -> Date
    private let windows = Mutex<[String: Window]>([:])

    init(enabled: Bool, now: @escaping @Sendable () -> Date = { Date() }) {
        self.enabled = enabled
        self.now = now
    }

    /// Counts one request for `key` under `rule`; throws 429 once the window's budget is spent.
    func check(_ rule: Rule, key: String) throws {
        guard enabled else { return }
        let now = now()
        let (allowed, resetIn) = windows.withLock { windows -> (Bool, Int) in
            let id = "\(rule.name)|\(key)"
            var window = windows[id] ?? Window(start: now, count: 0)
            if now.timeIntervalSince(window.start) >= rule.window { window = Window(start: now, count: 0) }
            window.count += 1
            windows[id] = window
            if windows.count > 100_000 { windows = windows.filter { now.timeIntervalSince($0.value.start) < 3600 } }
            return (window.count <= rule.limit, max(1, Int((rule.window - now.timeIntervalSince(window.start)).rounded(.up))))
        }
        guard !allowed else { return }
        var problem = HTTPProblem(
            status: .tooManyRequests, code: "rate_limited",
            detail: "Too many \(rule.name) requests; retry in \(resetIn) seconds.")
        problem.headers[.retryAfter] = String(resetIn)
        problem.headers[.rateLimitLimit] = String(rule.limit)
        problem.headers[.rateLimitRemaining] = "0"
        problem.headers[.rateLimitReset] = String(resetIn)
        throw problem
    }
}
