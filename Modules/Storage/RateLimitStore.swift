public import Foundation

/// Fixed-window request counters in the database, shared by every server on it.
///
/// One statement counts a request and reads the window back, so two servers counting the same key at
/// once are serialised by the row, and a client that spreads its attempts over several servers spends
/// one budget. Keys should not carry personal data in clear: the server stores a hash of its own key.
public struct RateLimitStore: Sendable {
    /// Creates a store over the `rate_limits` table.
    public init() {}

    /// What one count found.
    public struct Count: Sendable, Equatable {
        /// Requests counted in the current window, this one included.
        public let count: Int
        /// When the current window ends and the count starts again from zero.
        public let resetsAt: Date

        /// Creates a count.
        public init(count: Int, resetsAt: Date) {
            self.count = count
            self.resetsAt = resetsAt
        }
    }

    /// Counts one request for `key` in its current window of length `window`, opening a new window when
    /// the last one has ended; call inside ``BankDatabase/write(_:)``.
    public func count(_ key: String, window: TimeInterval, at now: Date, in db: any SQLDatabase) throws -> Count {
        let nowMillis = Self.millis(now)
        let row = try db.row(
            """
            INSERT INTO rate_limits (key, window_ends_at, hits) VALUES (?, ?, 1)
            ON CONFLICT (key) DO UPDATE SET
                hits = CASE WHEN rate_limits.window_ends_at <= ? THEN 1 ELSE rate_limits.hits + 1 END,
                window_ends_at = CASE WHEN rate_limits.window_ends_at <= ? THEN excluded.window_ends_at
                                      ELSE rate_limits.window_ends_at END
            RETURNING hits, window_ends_at
            """,
            [key, nowMillis + Int64((window * 1000).rounded(.up)), nowMillis, nowMillis])
        guard let row else { throw RateLimitStoreError.noCount }
        let endsAt: Int64 = row["window_ends_at"]
        return Count(count: row["hits"], resetsAt: Date(timeIntervalSince1970: Double(endsAt) / 1000))
    }

    /// Deletes the counters of windows that ended before `date`; returns how many.
    @discardableResult
    public func purge(endedBefore date: Date, in db: any SQLDatabase) throws -> Int {
        try db.execute("DELETE FROM rate_limits WHERE window_ends_at < ?", [Self.millis(date)])
        return db.changedRowCount
    }

    private static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
}

/// The upsert of ``RateLimitStore/count(_:window:at:in:)`` returned no row (it always returns one).
enum RateLimitStoreError: Error { case noCount }
