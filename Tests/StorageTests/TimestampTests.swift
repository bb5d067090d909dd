import BankCore
import Foundation
import GRDB
import Storage
import Testing

/// The fast timestamp parser must read exactly what GRDB writes, and fall back for anything else.
@Suite struct TimestampTests {
    @Test(arguments: [
        0.0, 1_795_000_000.123, 951_782_400.0, 4_107_542_399.999, 1_709_164_800.5, 946_684_799.001, -86_400.25,
    ])
    func parsesWhatGRDBWritesToTheMillisecond(seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let queue = try DatabaseQueue()
        let parsed = try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT ? AS at", arguments: [date])!.timestamp("at")
        }
        let decodedByGRDB = try queue.read { db in try Date.fetchOne(db, sql: "SELECT ?", arguments: [date])! }
        // The same millisecond as GRDB's own decoding; the two differ only by float noise below a microsecond.
        #expect(abs(parsed.timeIntervalSince(decodedByGRDB)) < 0.000_001)
        #expect(abs(parsed.timeIntervalSince1970 - seconds) < 0.001)
    }

    @Test func textWithoutMillisecondsAndOtherFormatsStillDecode() throws {
        let queue = try DatabaseQueue()
        try queue.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT '2026-11-22 10:15:00' AS plain, '2026-11-22T10:15:00Z' AS iso, NULL AS none, 1795000000 AS number")!
            #expect(row.timestamp("plain") == Date(timeIntervalSince1970: 1_795_342_500))
            #expect(row.timestamp("iso") == Date(timeIntervalSince1970: 1_795_342_500))
            #expect(row.optionalTimestamp("none") == nil)
            #expect(row.timestamp("number") == Date(timeIntervalSince1970: 1_795_000_000))
        }
    }

    @Test(arguments: [0.0, 1_795_000_000.123, 951_782_400.0, 4_107_542_399.999, 1_709_164_800.5, 946_684_799.001, -86_400.25, 1_795_000_000.9996])
    func formatsTheTextGRDBAndTheAuditLogWrite(seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let queue = try DatabaseQueue()
        let grdbText = try queue.read { db in try String.fetchOne(db, sql: "SELECT ?", arguments: [date])! }
        #expect(date.databaseText == grdbText)
        // The audit log hashes the text it stores, so its exact rounding is free; it must be RFC 3339 for the same millisecond.
        let audit = try Date(date.rfc3339Milliseconds, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        #expect(abs(audit.timeIntervalSince(date)) <= 0.0005 + 0.000_001)
        #expect(Row.parseTimestampForTesting(date.databaseText).map { abs($0.timeIntervalSince1970 - seconds) < 0.001 } == true)
    }

    @Test(arguments: [0.0, 1_795_000_000.123, 951_782_400.0, 4_107_542_399.999, 1_709_164_800.5, 946_684_799.001, -86_400.25, 1_795_000_000.9996])
    func writesAPITimesAsFoundationsISO8601StyleDoes(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(date.rfc3339 == date.formatted(.iso8601))
    }
}
