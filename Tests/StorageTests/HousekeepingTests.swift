import BankCore
import Foundation
import Storage
import Testing

/// Rate-limit counters in the database, and the purge of what no request needs any more.
@Suite struct HousekeepingTests {
    let bank: TestBank
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    init() throws { bank = try TestBank() }

    private func count(_ key: String, window: TimeInterval = 60, at date: Date) async throws -> RateLimitStore.Count {
        let database = bank.database
        return try await database.write { db in try database.rateLimits.count(key, window: window, at: date, in: db) }
    }

    private func rowCount(_ table: String) async throws -> Int {
        try await bank.database.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }

    @Test func countsWithinAWindowAndStartsAgainWhenItEnds() async throws {
        let first = try await count("login|a", at: now)
        #expect(first == RateLimitStore.Count(count: 1, resetsAt: now.addingTimeInterval(60)))
        #expect(try await count("login|a", at: now.addingTimeInterval(10)).count == 2)
        #expect(try await count("login|b", at: now.addingTimeInterval(10)).count == 1)
        let third = try await count("login|a", at: now.addingTimeInterval(59.999))
        #expect(third == RateLimitStore.Count(count: 3, resetsAt: now.addingTimeInterval(60)))
        let renewed = try await count("login|a", at: now.addingTimeInterval(60))
        #expect(renewed == RateLimitStore.Count(count: 1, resetsAt: now.addingTimeInterval(120)))
    }

    @Test func concurrentCountsOfOneKeyAreEachCountedOnce() async throws {
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { try await count("refresh|x", at: now).count } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts.sorted() == Array(1...50))
    }

    @Test func purgeDeletesEndedWindowsAndIdempotencyRecordsPastTheRetention() async throws {
        _ = try await count("ended", window: 60, at: now.addingTimeInterval(-120))
        _ = try await count("running", window: 600, at: now.addingTimeInterval(-120))
        let database = bank.database
        let retention = BankDatabase.idempotencyRetention
        #expect(retention >= 24 * 3600)
        let ages: [TimeInterval] = [retention + 3600, retention + 1, retention - 1, 60]
        try await database.write { db in
            for (index, age) in ages.enumerated() {
                try database.idempotency.save(
                    StoredResponse(status: 201, body: Data("\(index)".utf8)),
                    for: IdempotencyKey(scope: "user", key: "key-\(index)", fingerprint: "f"), at: now.addingTimeInterval(-age), in: db)
            }
        }

        let purged = try await database.purgeExpired(at: now, batchSize: 1)
        #expect(purged == BankDatabase.PurgeCount(rateLimits: 1, idempotencyRecords: 2))
        #expect(try await rowCount("rate_limits") == 1)
        let kept = try await database.read { db in
            try db.values(String.self, "SELECT key FROM idempotency_records ORDER BY key")
        }
        #expect(kept == ["key-2", "key-3"])
        #expect(try await count("running", window: 600, at: now).count == 2)
        #expect(try await database.purgeExpired(at: now) == BankDatabase.PurgeCount())
    }
}
