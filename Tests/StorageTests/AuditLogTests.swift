import BankCore
import Foundation
import GRDB
import Testing

@testable import Storage

@Suite struct AuditLogTests {
    let bank: TestBank

    init() throws { bank = try TestBank() }

    @Test func appendedRowsFormAChainFromTheGenesisHash() async throws {
        try await bank.appendAuditRows(3)
        let database = bank.database
        let rows = try await database.read { db in try db.rows("SELECT * FROM audit_log ORDER BY id").map(AuditEntry.init(row:)) }
        #expect(rows.map(\.id) == [1, 2, 3])
        #expect(rows[0].prevHash == AuditLog.genesisHash)
        #expect(rows[1].prevHash == rows[0].hash)
        #expect(rows[2].prevHash == rows[1].hash)
        #expect(Set(rows.map(\.hash)).count == 3)
        #expect(rows[2].details == #"{"n":"2"}"#)
        #expect(ChainState(try await bank.database.verifyAuditChain()) == ChainState(valid: true, entries: 3, firstBadEntry: nil))
    }

    @Test func emptyChainVerifies() async throws {
        #expect(ChainState(try await bank.database.verifyAuditChain()) == ChainState(valid: true, entries: 0, firstBadEntry: nil))
    }

    @Test func appendRecordsTheActorAndSortsDetailKeys() async throws {
        let user = UserID(UUID())
        let actor = Actor(principal: Principal(userID: user, role: .employee), ip: "10.1.2.3", userAgent: "ua/1", requestID: "req-9")
        let database = bank.database
        let entry = try await database.write { db in
            try database.audit.append(
                AuditEvent(action: "user.unlocked", targetType: "user", targetID: "u-1", details: ["z": "last", "a": "first/"]),
                by: actor, at: Date(timeIntervalSince1970: 1_795_000_000.25), in: db)
        }
        #expect(entry.id == 1)
        #expect(entry.actorID == user.description)
        #expect(entry.actorRole == "employee")
        #expect(entry.ip == "10.1.2.3" && entry.userAgent == "ua/1" && entry.requestID == "req-9")
        #expect(entry.details == #"{"a":"first/","z":"last"}"#)
        #expect(entry.at == "2026-11-18T11:06:40.250Z")
        let stored = try await database.read { db in try db.row("SELECT * FROM audit_log").map(AuditEntry.init(row:)) }
        #expect(stored == entry)
    }

    @Test func updateAndDeleteOfAuditRowsAreRefusedByTriggers() async throws {
        try await bank.appendAuditRows(2)
        let database = bank.database
        let update = await #expect(throws: (any Error).self) {
            try await database.write { db in try db.execute("UPDATE audit_log SET action = 'forged' WHERE id = 1") }
        }
        expectAppendOnlyRefusal(update)
        let delete = await #expect(throws: (any Error).self) {
            try await database.write { db in try db.execute("DELETE FROM audit_log WHERE id = 2") }
        }
        expectAppendOnlyRefusal(delete)
        if database.dialect == .postgres {
            // PostgreSQL's TRUNCATE skips row triggers: a statement trigger refuses it too.
            let truncate = await #expect(throws: (any Error).self) {
                try await database.write { db in try db.execute("TRUNCATE audit_log") }
            }
            expectAppendOnlyRefusal(truncate)
        }
        #expect(try await bank.auditCount() == 2)
        #expect(try await bank.database.verifyAuditChain().valid)
    }

    /// `error` is the audit log's triggers refusing a change: SQLite's `RAISE(ABORT, …)`, or PostgreSQL's `RAISE EXCEPTION`.
    private func expectAppendOnlyRefusal(_ error: (any Error)?, sourceLocation: SourceLocation = #_sourceLocation) {
        switch bank.database.dialect {
        case .sqlite:
            let error = error as? DatabaseError
            #expect(error?.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER, sourceLocation: sourceLocation)
            #expect(error?.message == "audit_log is append-only", sourceLocation: sourceLocation)
        case .postgres:
            let error = error as? PostgresError
            #expect(error?.sqlState == "P0001", sourceLocation: sourceLocation)
            #expect(error?.message == "audit_log is append-only", sourceLocation: sourceLocation)
        }
    }

    /// Lets the next UPDATE or DELETE of audit rows through, as someone with direct access to the database could.
    private static func disableTrigger(_ trigger: String, in db: any SQLDatabase) throws {
        switch db.dialect {
        case .sqlite: try db.execute("DROP TRIGGER \(trigger)")
        case .postgres: try db.execute("ALTER TABLE audit_log DISABLE TRIGGER \(trigger)")
        }
    }

    @Test func rowEditedBehindTheDatabasesBackBreaksTheChainAtThatRow() async throws {
        try await bank.appendAuditRows(4)
        try await bank.database.write { db in
            try Self.disableTrigger("audit_log_append_only_update", in: db)
            try db.execute(#"UPDATE audit_log SET details = '{"n":"999"}' WHERE id = 3"#)
        }
        #expect(ChainState(try await bank.database.verifyAuditChain()) == ChainState(valid: false, entries: 3, firstBadEntry: 3))
    }

    @Test func rowEditedWithARecomputedLinkStillBreaksOnItsHash() async throws {
        try await bank.appendAuditRows(3)
        try await bank.database.write { db in
            try Self.disableTrigger("audit_log_append_only_update", in: db)
            try db.execute("UPDATE audit_log SET hash = 'ff' || substr(hash, 3) WHERE id = 2")
        }
        #expect(ChainState(try await bank.database.verifyAuditChain()) == ChainState(valid: false, entries: 2, firstBadEntry: 2))
    }

    @Test func deletedRowBreaksTheChainAtTheRowAfterIt() async throws {
        try await bank.appendAuditRows(4)
        try await bank.database.write { db in
            try Self.disableTrigger("audit_log_append_only_delete", in: db)
            try db.execute("DELETE FROM audit_log WHERE id = 2")
        }
        #expect(ChainState(try await bank.database.verifyAuditChain()) == ChainState(valid: false, entries: 2, firstBadEntry: 3))
    }

    @Test func chainVerifiesOnlyUnderTheKeyItWasWrittenWith() async throws {
        try await bank.appendAuditRows(2)
        let otherKey = try bank.reopen(modules: [], auditKey: [UInt8](repeating: 0x01, count: 32))
        defer { try? otherKey.close() }
        #expect(ChainState(try await otherKey.verifyAuditChain()) == ChainState(valid: false, entries: 1, firstBadEntry: 1))
        let sameKey = try bank.reopen(modules: [], auditKey: TestBank.auditKey)
        defer { try? sameKey.close() }
        #expect(ChainState(try await sameKey.verifyAuditChain()) == ChainState(valid: true, entries: 2, firstBadEntry: nil))
    }

    @Test func listFiltersAndPagesNewestFirst() async throws {
        try await bank.appendAuditRows(5, action: "a.one")
        try await bank.appendAuditRows(2, action: "a.two")
        let database = bank.database
        let (first, second, two) = try await database.read { db in
            let first = try database.audit.list(db, filter: AuditFilter(action: "a.one"), page: PageRequest(limit: 3))
            let second = try database.audit.list(db, filter: AuditFilter(action: "a.one"), page: PageRequest(limit: 3, cursor: first.nextCursor))
            let two = try database.audit.list(db, filter: AuditFilter(action: "a.two"), page: PageRequest())
            return (first, second, two)
        }
        #expect(first.data.map(\.id) == [5, 4, 3])
        #expect(first.hasMore)
        #expect(second.data.map(\.id) == [2, 1])
        #expect(!second.hasMore && second.nextCursor == nil)
        #expect(two.data.map(\.id) == [7, 6])
    }
}
