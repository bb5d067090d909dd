import BankCore
import Foundation
import GRDB
import Storage
import Testing

@Suite struct BankDatabaseTests {
    @Test func openedDatabaseIsWALWithSynchronousFull() async throws {
        let bank = try TestBank()
        #expect(try await bank.database.synchronousLevel() == 2)
        #expect(try await bank.database.journalMode() == "wal")
        #expect(await bank.database.isReady())
        #expect(FileManager.default.fileExists(atPath: bank.path))
    }

    @Test func theWALIsCheckpointedBesideTheWriterWhichKeepsOnlyAHighThreshold() async throws {
        let bank = try TestBank(modules: [NotesModule()])
        #expect(try await bank.database.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") } == 10_000)
        for index in 0..<20 {
            try await bank.database.write { db in try db.execute(sql: "INSERT INTO notes (body) VALUES (?)", arguments: ["note \(index)"]) }
        }
        // The commits above live in the WAL until a checkpoint copies them into the database file. The
        // writer's threshold is far away, so only the checkpointer's own connection can make the file whole.
        let logicalSize = try await bank.database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()") ?? 0
        }
        var fileSize = 0
        for _ in 0..<50 where fileSize < logicalSize {
            try await Task.sleep(for: .milliseconds(100))
            fileSize = try FileManager.default.attributesOfItem(atPath: bank.path)[.size] as? Int ?? 0
        }
        #expect(logicalSize > 4096)
        #expect(fileSize == logicalSize)
        let notes = try await bank.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notes") }
        #expect(notes == 20)
    }

    @Test func storageTablesAreAlwaysMigratedFirst() async throws {
        let bank = try TestBank(modules: [NotesModule(), RemindersModule()])
        #expect(bank.database.moduleNames == ["storage", "notes", "reminders"])
        let tables = try await bank.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
        #expect(tables == ["audit_log", "grdb_migrations", "idempotency_records", "notes", "reminders"])
    }

    @Test func moduleListedBeforeItsDependencyIsRefused() throws {
        let bank = try TestBank()
        #expect(throws: StorageError.missingDependency(module: "reminders", needs: "notes")) {
            try BankDatabase(path: bank.directory + "/other.sqlite", modules: [RemindersModule(), NotesModule()])
        }
        #expect(throws: StorageError.missingDependency(module: "reminders", needs: "notes")) {
            try BankDatabase(path: bank.directory + "/other.sqlite", modules: [RemindersModule()])
        }
        #expect(
            StorageError.missingDependency(module: "reminders", needs: "notes").description
                == "module 'reminders' needs 'notes' listed before it")
    }

    @Test func reopeningAnExistingFileKeepsItsRowsAndMigratesNothingTwice() async throws {
        let bank = try TestBank(modules: [NotesModule()])
        try await bank.database.writer.write { db in try db.execute(sql: "INSERT INTO notes (body) VALUES ('kept')") }
        let reopened = try BankDatabase(path: bank.path, modules: [NotesModule(), RemindersModule()], auditKey: TestBank.auditKey)
        defer { try? reopened.close() }
        let (notes, migrations) = try await reopened.writer.read { db in
            (try String.fetchAll(db, sql: "SELECT body FROM notes"), try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier"))
        }
        #expect(notes == ["kept"])
        #expect(migrations == ["notes.v1", "reminders.v1", "storage.v1.audit-log", "storage.v1.idempotency"])
    }

    @Test func typedValuesAreStoredAsReadableColumns() async throws {
        let bank = try TestBank()
        let id = try #require(AccountID("0F8FAD5B-D9CB-469F-A165-70867728950E"))
        // Extract Sendable values inside the closure: a Row result would select GRDB's blocking overload.
        let stored = try await bank.database.writer.read { db -> [String] in
            let row = try Row.fetchOne(
                db, sql: "SELECT ? AS id, typeof(?) AS idType, ? AS cents, typeof(?) AS centsType, ? AS role",
                arguments: [id, id, Money(cents: -1_234), Money(cents: -1_234), Role.employee])
            guard let row, row["id"] as AccountID? == id, row["cents"] as Money? == Money(cents: -1_234) else { return [] }
            return [row["id"], row["idType"], String(row["cents"] as Int64), row["centsType"], row["role"]]
        }
        #expect(stored == ["0f8fad5b-d9cb-469f-a165-70867728950e", "text", "-1234", "integer", "employee"])
    }

    @Test func likePatternEscapesWildcardsAndTheEscapeCharacter() async throws {
        #expect(likePattern(containing: "50%_off\\") == "%50\\%\\_off\\\\%")
        let bank = try TestBank()
        let texts = ["50% off", "500 off", "5_0", "50x off"]
        let matches: [String] = try await bank.database.writer.read { db in
            try texts.filter { text in
                try Bool.fetchOne(db, sql: "SELECT ? LIKE ? ESCAPE '\\'", arguments: [text, likePattern(containing: "50%")]) ?? false
            }
        }
        #expect(matches == ["50% off"])
    }

    @Test func constraintViolationsAreRecognised() async throws {
        let bank = try TestBank()
        try await bank.database.writer.write { db in
            try db.execute(sql: "CREATE TABLE things (id INTEGER PRIMARY KEY, n INTEGER NOT NULL UNIQUE CHECK (n >= 0))")
            try db.execute(sql: "INSERT INTO things (n) VALUES (1)")
        }
        let unique = await #expect(throws: DatabaseError.self) {
            try await bank.database.writer.write { db in try db.execute(sql: "INSERT INTO things (n) VALUES (1)") }
        }
        #expect(unique?.isUniqueViolation == true)
        #expect(unique?.isCheckViolation == false)
        let check = await #expect(throws: DatabaseError.self) {
            try await bank.database.writer.write { db in try db.execute(sql: "INSERT INTO things (n) VALUES (-1)") }
        }
        #expect(check?.isCheckViolation == true)
        #expect(check?.isUniqueViolation == false)
    }
}
