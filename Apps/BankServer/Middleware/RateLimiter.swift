import Foundation
import HTTPTypes
import Sodium
import Storage

/// Fixed-window request counters per key (an IP, an IP and an email), kept in the database.
///
/// Every server on one database counts into the same windows (``RateLimitStore``), so a client that
/// spreads its attempts over several instances behind a load balancer spends one budget. Keys are
/// stored hashed: the table never holds an email or an address in clear. Refusals carry
/// `Retry-After` and `RateLimit-*` headers. Disabled by `ratelimit.enabled=false` for load benchmarks.
struct RateLimiter: Sendable {
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
        /// Per user: transfers, deposits, withdrawals and card purchases, declined ones included.
        static let moneyMovement = Rule(name: "money movement", limit: 120, window: 60)
    }

    private let enabled: Bool
    private let database: BankDatabase
    private let now: @Sendable () -> Date
    private let keyHash = KeyedHash()

    init(enabled: Bool, database: BankDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.enabled = enabled
        self.database = database
        self.now = now
    }

    /// Counts one request for `key` under `rule`; throws 429 once the window's budget is spent.
    func check(_ rule: Rule, key: String) async throws {
        try await check((rule, key))
    }

    /// Counts one request for each `(rule, key)` in one transaction; throws 429 for the first whose
    /// window's budget is spent.
    func check(_ checks: (rule: Rule, key: String)...) async throws {
        guard enabled else { return }
        let now = now()
        let store = database.rateLimits
        let counted = checks.map { (rule: $0.rule, key: keyHash.hexHash("\($0.rule.name)|\($0.key)")) }
        let counts = try await database.write { db in
            try counted.map { try store.count($0.key, window: $0.rule.window, at: now, in: db) }
        }
        for (check, count) in zip(checks, counts) where count.count > check.rule.limit {
            throw Self.refusal(check.rule, resetsAt: count.resetsAt, now: now)
        }
    }

    /// Counts one request for `key` under `rule` inside the transaction of the use case it guards, so that
    /// limiting a money movement costs no write of its own; past the budget it throws 429 and the whole
    /// transaction, the movement included, rolls back. `nil` when rate limits are off.
    func hook<Value: Sendable>(_ rule: Rule, key: String) -> TransactionHook<Value>? {
        guard enabled else { return nil }
        let now = now()
        let store = database.rateLimits
        let hashed = keyHash.hexHash("\(rule.name)|\(key)")
        return TransactionHook { db, _ in
            let count = try store.count(hashed, window: rule.window, at: now, in: db)
            if count.count > rule.limit { throw Self.refusal(rule, resetsAt: count.resetsAt, now: now) }
        }
    }

    /// The 429 for a spent budget, with `Retry-After` and `RateLimit-*` headers.
    private static func refusal(_ rule: Rule, resetsAt: Date, now: Date) -> HTTPProblem {
        let resetIn = max(1, Int(resetsAt.timeIntervalSince(now).rounded(.up)))
        var problem = HTTPProblem(
            status: .tooManyRequests, code: "rate_limited", detail: "Too many \(rule.name) requests; retry in \(resetIn) seconds.")
        problem.headers[.retryAfter] = String(resetIn)
        problem.headers[.rateLimitLimit] = String(rule.limit)
        problem.headers[.rateLimitRemaining] = "0"
        problem.headers[.rateLimitReset] = String(resetIn)
        return problem
    }
}
