import BankCore
import Foundation
import GRDB
import Storage
import Testing

@Suite struct AuditLogTests {
    let bank: TestBank

    init() throws { bank = try TestBank() }

    @Test func appendedRowsFormAChainFromTheGenesisHash() async throws {
        try await bank.appendAuditRows(3)
        let database = bank.database
        let rows = try await database.writer.read { db in try AuditEntry.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id") }
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
        let entry = try await database.writer.write { db in
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
        let stored = try await database.writer.read { db in try AuditEntry.fetchOne(db, sql: "SELECT * FROM audit_log") }
        #expect(stored == entry)
    }

    @Test func updateAndDeleteOfAuditRowsAreRefusedByTriggers() async throws {
        try await bank.appendAuditRows(2)
        let writer = bank.database.writer
        let update = await #expect(throws: DatabaseError.self) {
            try await writer.write { db in try db.execute(sql: "UPDATE audit_log SET action = 'forged' WHERE id = 1") }
        }
        #expect(update?.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER)
        #expect(update?.message == "audit_log is append-only")
        let delete = await #expect(throws: DatabaseError.self) {
            try await writer.write { db in try db.execute(sql: "DELETE FROM audit_log WHERE id = 2") }
        }
        #expect(delete?.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER)
        #expect(delete?.message == "audit_log is append-only")
        #expect(try await bank.auditCount() == 2)
        #expect(try await bank.database.verifyAuditChain().valid)
    }

    @Test func rowEditedBehindTheDatabasesBackBreaksTheChainAtThatRow() async throws {
        try await bank.appendAuditRows(4)
        try await bank.database.writer.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_append_only_update")
            try db.execute(sql: #"UPDATE audit_log SET details = '{"n":"999"}' WHERE id = 3"#)
        }
        #expect(ChainState(try await bank.database.verifyAuditChain()) == ChainState(valid: false, entries: 3, firstBadEntry: 3))
    }

    @Test func rowEditedWithARecomputedLinkStillBreaksOnItsHash() async throws {
        try await bank.appendAuditRows(3)
        try await bank.database.writer.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_append_only_update")
            try db.execute(sql: "UPDATE audit_log SET hash = 'ff' || substr(hash, 3) WHERE id = 2")
        }
        #expect(ChainState(try await bank.database.verifyAuditChain()) == ChainState(valid: false, entries: 2, firstBadEntry: 2))
    }

    @Test func deletedRowBreaksTheChainAtTheRowAfterIt() async throws {
        try await bank.appendAuditRows(4)
        try await bank.database.writer.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_append_only_delete")
            try db.execute(sql: "DELETE FROM audit_log WHERE id = 2")
        }
        #expect(ChainState(try await bank.database.verifyAuditChain()) == ChainState(valid: false, entries: 2, firstBadEntry: 3))
    }

    @Test func chainVerifiesOnlyUnderTheKeyItWasWrittenWith() async throws {
        try await bank.appendAuditRows(2)
        let otherKey = try BankDatabase(path: bank.path, modules: [], auditKey: [UInt8](repeating: 0x01, count: 32))
        defer { try? otherKey.close() }
        #expect(ChainState(try await otherKey.verifyAuditChain()) == ChainState(valid: false, entries: 1, firstBadEntry: 1))
        let sameKey = try BankDatabase(path: bank.path, modules: [], auditKey: TestBank.auditKey)
        defer { try? sameKey.close() }
        #expect(ChainState(try await sameKey.verifyAuditChain()) == ChainState(valid: true, entries: 2, firstBadEntry: nil))
    }

    @Test func listFiltersAndPagesNewestFirst() async throws {
        try await bank.appendAuditRows(5, action: "a.one")
        try await bank.appendAuditRows(2, action: "a.two")
        let database = bank.database
        let (first, second, two) = try await database.writer.read { db in
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
