import BankCore
import BankTestSupport
import Foundation
import GRDB
import Storage
import Testing

/// The fast timestamp parser must read exactly what GRDB wrote (databases written before the SQL layer
/// hold GRDB's text), what BankKit writes on every engine, and the other forms of stored dates.
@Suite struct TimestampTests {
    @Test(
        .enabled(if: TestDatabase.isSQLite),
        arguments: [0.0, 1_795_000_000.123, 951_782_400.0, 4_107_542_399.999, 1_709_164_800.5, 946_684_799.001, -86_400.25])
    func parsesWhatGRDBWritesToTheMillisecond(seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let queue = try DatabaseQueue()
        let grdbText = try queue.read { db in try String.fetchOne(db, sql: "SELECT ?", arguments: [date])! }
        let parsed = try #require(SQLTimestamp.parse(grdbText))
        let decodedByGRDB = try queue.read { db in try Date.fetchOne(db, sql: "SELECT ?", arguments: [date])! }
        // The same millisecond as GRDB's own decoding; the two differ only by float noise below a microsecond.
        #expect(abs(parsed.timeIntervalSince(decodedByGRDB)) < 0.000_001)
        #expect(abs(parsed.timeIntervalSince1970 - seconds) < 0.001)
        // A row holding GRDB's text reads it as the same date.
        let read = try queue.read { db in try db.row("SELECT ? AS at", [grdbText])?.timestamp("at") }
        #expect(read == parsed)
    }

    @Test func datesRoundTripThroughTheDatabaseToTheMillisecond() async throws {
        let bank = try TestBank()
        for seconds in [0.0, 1_795_000_000.123, 951_782_400.0, 4_107_542_399.999, 1_709_164_800.5, 946_684_799.001, -86_400.25] {
            let date = Date(timeIntervalSince1970: seconds)
            let (text, read) = try await bank.database.read { db in
                let row = try #require(try db.row("SELECT ? AS at", [date]))
                return (row["at"] as String, row.timestamp("at"))
            }
            #expect(text == date.databaseText)
            #expect(abs(read.timeIntervalSince1970 - seconds) < 0.001, "\(seconds)")
            #expect(read == SQLTimestamp.parse(date.databaseText))
        }
    }

    @Test func textWithoutMillisecondsAndOtherFormatsStillDecode() async throws {
        let bank = try TestBank()
        let (plain, iso, none, number) = try await bank.database.read { db in
            let row = try #require(
                try db.row("SELECT '2026-11-22 10:15:00' AS plain, '2026-11-22T10:15:00Z' AS iso, NULL AS none, 1795000000 AS number"))
            return (row.timestamp("plain"), row.timestamp("iso"), row.optionalTimestamp("none"), row.timestamp("number"))
        }
        #expect(plain == Date(timeIntervalSince1970: 1_795_342_500))
        #expect(iso == Date(timeIntervalSince1970: 1_795_342_500))
        #expect(none == nil)
        #expect(number == Date(timeIntervalSince1970: 1_795_000_000))
    }

    @Test(
        .enabled(if: TestDatabase.isSQLite),
        arguments: [0.0, 1_795_000_000.123, 951_782_400.0, 4_107_542_399.999, 1_709_164_800.5, 946_684_799.001, -86_400.25, 1_795_000_000.9996])
    func formatsTheTextGRDBAndTheAuditLogWrite(seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let queue = try DatabaseQueue()
        let grdbText = try queue.read { db in try String.fetchOne(db, sql: "SELECT ?", arguments: [date])! }
        #expect(date.databaseText == grdbText)
        // The audit log hashes the text it stores, so its exact rounding is free; it must be RFC 3339 for the same millisecond.
        let audit = try Date(date.rfc3339Milliseconds, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        #expect(abs(audit.timeIntervalSince(date)) <= 0.0005 + 0.000_001)
        #expect(SQLTimestamp.parse(date.databaseText).map { abs($0.timeIntervalSince1970 - seconds) < 0.001 } == true)
    }

    @Test(arguments: [0.0, 1_795_000_000.123, 951_782_400.0, 4_107_542_399.999, 1_709_164_800.5, 946_684_799.001, -86_400.25, 1_795_000_000.9996])
    func writesAPITimesAsFoundationsISO8601StyleDoes(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(date.rfc3339 == date.formatted(.iso8601))
    }
}
