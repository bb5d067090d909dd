import BankCore
import Foundation
import GRDB
import Storage

/// A real SQLite database file in a fresh temporary directory, closed and removed when the test is done.
final class TestBank: Sendable {
    let directory: String
    let path: String
    let database: BankDatabase

    /// The audit key tests open their databases with.
    static let auditKey = [UInt8](repeating: 0x5a, count: 32)

    init(modules: [any BankModule] = [], auditKey: [UInt8] = TestBank.auditKey) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("storage-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/bank.sqlite"
        database = try BankDatabase(path: path, modules: modules, auditKey: auditKey)
    }

    deinit {
        try? database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Appends `count` audit rows, one per write transaction, as the system actor.
    func appendAuditRows(_ count: Int, action: String = "test.event", at date: Date = Date(timeIntervalSince1970: 1_795_000_000)) async throws {
        let database = database
        for index in 0..<count {
            try await database.writer.write { db in
                _ = try database.audit.append(
                    AuditEvent(action: action, targetType: "thing", targetID: "thing-\(index)", details: ["n": String(index)]),
                    by: .system, at: date, in: db)
            }
        }
    }

    /// How many rows the audit log holds.
    func auditCount() async throws -> Int {
        try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log") ?? -1 }
    }
}

/// A module with a table and no dependencies, as an integrator might write.
struct NotesModule: BankModule {
    var name: String { "notes" }

    func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("notes.v1") { db in
            try db.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        }
    }
}

/// A module that needs ``NotesModule`` listed before it.
struct RemindersModule: BankModule {
    var name: String { "reminders" }
    var dependencies: [String] { ["notes"] }

    func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("reminders.v1") { db in
            try db.execute(sql: "CREATE TABLE reminders (id INTEGER PRIMARY KEY, note_id INTEGER NOT NULL REFERENCES notes(id))")
        }
    }
}

/// What a walk of the audit chain found, comparable in one assertion.
struct ChainState: Equatable {
    let valid: Bool
    let entries: Int
    let firstBadEntry: Int64?

    init(valid: Bool, entries: Int, firstBadEntry: Int64?) {
        self.valid = valid
        self.entries = entries
        self.firstBadEntry = firstBadEntry
    }

    init(_ verification: AuditVerification) {
        self.init(valid: verification.valid, entries: verification.entries, firstBadEntry: verification.firstBadEntry)
    }
}
