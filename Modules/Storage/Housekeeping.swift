public import Foundation

extension BankDatabase {
    /// How long a stored idempotent response is kept: API.md promises at least 24 hours.
    public static let idempotencyRetention: TimeInterval = 48 * 3600

    /// What one ``purgeExpired(at:idempotencyRetention:batchSize:)`` deleted.
    public struct PurgeCount: Sendable, Equatable {
        /// Rate-limit counters of ended windows.
        public var rateLimits = 0
        /// Idempotency records older than the retention.
        public var idempotencyRecords = 0

        /// Creates a count.
        public init(rateLimits: Int = 0, idempotencyRecords: Int = 0) {
            self.rateLimits = rateLimits
            self.idempotencyRecords = idempotencyRecords
        }
    }

    /// Deletes what no request can need any more: rate-limit counters whose window has ended and idempotency
    /// records older than `idempotencyRetention`. Deletes in batches of `batchSize`, each its own short
    /// transaction, so that a large backlog never holds the writer for long. Safe to run from every server
    /// at once.
    @discardableResult
    public func purgeExpired(
        at now: Date, idempotencyRetention: TimeInterval = idempotencyRetention, batchSize: Int = 5_000
    ) async throws -> PurgeCount {
        var purged = PurgeCount()
        let store = rateLimits
        purged.rateLimits = try await write { db in try store.purge(endedBefore: now, in: db) }
        let cutoff = now.addingTimeInterval(-idempotencyRetention)
        let idempotency = idempotency
        while true {
            let deleted = try await write { db in try idempotency.purge(createdBefore: cutoff, limit: batchSize, in: db) }
            purged.idempotencyRecords += deleted
            if deleted < batchSize { return purged }
        }
    }
}
