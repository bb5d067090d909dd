import BankCore
import BankTestSupport
import Foundation
import GRDB
@testable import Storage
import Testing

@Suite struct BankDatabaseTests {
    @Test(.enabled(if: TestDatabase.isSQLite)) func openedDatabaseIsWALWithSynchronousFull() async throws {
        let bank = try TestBank()
        #expect(try await bank.database.synchronousLevel() == 2)
        #expect(try await bank.database.journalMode() == "wal")
        #expect(await bank.database.isReady())
        #expect(FileManager.default.fileExists(atPath: bank.path))
    }

    @Test(.enabled(if: TestDatabase.isPostgres)) func openedPostgresDatabaseAnswersAndHasNoSQLitePragmas() async throws {
        let bank = try TestBank()
        #expect(bank.database.dialect == .postgres)
        #expect(bank.database.sqliteWriter == nil)
        #expect(try await bank.database.synchronousLevel() == nil)
        #expect(try await bank.database.journalMode() == nil)
        #expect(await bank.database.isReady())
        #expect(!FileManager.default.fileExists(atPath: bank.path))
    }

    @Test(.enabled(if: TestDatabase.isSQLite)) func theWALIsCheckpointedBesideTheWriterWhichKeepsOnlyAHighThreshold() async throws {
        let bank = try TestBank(modules: [NotesModule()])
        let writer = try #require(bank.database.sqliteWriter)
        #expect(try await writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") } == 10_000)
        for index in 0..<20 {
            try await bank.database.write { db in try db.execute("INSERT INTO notes (body) VALUES (?)", ["note \(index)"]) }
        }
        // The commits above live in the WAL until a checkpoint copies them into the database file. The
        // writer's threshold is far away, so only the checkpointer's own connection can make the file whole.
        let logicalSize = try await bank.database.read { db in
            try db.value(Int.self, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()") ?? 0
        }
        var fileSize = 0
        for _ in 0..<50 where fileSize < logicalSize {
            try await Task.sleep(for: .milliseconds(100))
            fileSize = try FileManager.default.attributesOfItem(atPath: bank.path)[.size] as? Int ?? 0
        }
        #expect(logicalSize > 4096)
        #expect(fileSize == logicalSize)
        let notes = try await bank.database.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM notes") }
        #expect(notes == 20)
    }

    /// A quick read (on the calling thread when an inline connection is idle) sees each commit at once, many at
    /// a time all answer, and it only reads: a write through it is refused and leaves nothing.
    @Test func quickReadsSeeEveryCommitAllAnswerAndOnlyRead() async throws {
        let bank = try TestBank(modules: [NotesModule()])
        let count: @Sendable (any SQLDatabase) throws -> Int = { db in try db.value(Int.self, "SELECT COUNT(*) FROM notes") ?? -1 }
        for index in 1...5 {
            try await bank.database.write { db in try db.execute("INSERT INTO notes (body) VALUES (?)", ["note \(index)"]) }
            #expect(try await bank.database.quickRead(count) == index)
        }
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<64 { group.addTask { try await bank.database.quickRead(count) } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 5, count: 64))
        await #expect(throws: (any Error).self) {
            try await bank.database.quickRead { db in try db.execute("INSERT INTO notes (body) VALUES ('written by a read')") }
        }
        #expect(try await bank.database.read(count) == 5)
    }

    /// An inline read running past its budget of steps is interrupted and handed back (`nil`), for the caller to run on
    /// GRDB's readers; the connection stays usable, and with a budget the same read answers in full.
    @Test(.enabled(if: TestDatabase.isSQLite)) func anInlineReadPastItsBudgetIsHandedBackAndTheConnectionStaysUsable() async throws {
        let bank = try TestBank(modules: [NotesModule()])
        try await bank.database.write { db in
            for index in 0..<2_000 { try db.execute("INSERT INTO notes (body) VALUES (?)", ["note \(index)"]) }
        }
        let sevens: @Sendable (any SQLDatabase) throws -> Int = { db in try db.value(Int.self, "SELECT COUNT(*) FROM notes WHERE body LIKE '%7%'") ?? -1 }
        let expected = (0..<2_000).filter { String($0).contains("7") }.count
        let hurried = try InlineReaders(path: bank.path, count: 1, budget: 0)
        #expect(try hurried.read(sevens) == nil)
        #expect(try hurried.read { db in try db.value(Int.self, "SELECT 41 + 1") ?? -1 } == 42)
        let patient = try InlineReaders(path: bank.path, count: 1)
        #expect(try patient.read(sevens) == expected)
        #expect(try await bank.database.quickRead(sevens) == expected)
    }

    /// Every kind of value goes in and comes back unchanged: text beyond ASCII, the integer extremes, an empty
    /// blob (not NULL), and NULL itself. A statement given the wrong number of values fails. (No NUL in text:
    /// PostgreSQL refuses it, and the API refuses control characters before anything is stored.)
    @Test func valuesOfEveryKindRoundTripAndAWrongArgumentCountIsAnError() async throws {
        let bank = try TestBank()
        let text = "a'b · ünïcödé 😀"
        let rows: [SQLArguments] = [
            [1, text, Int64.max, -0.5, Data([0, 1, 255])], [2, "", Int64.min, 1e300, Data()], [3, nil, nil, nil, nil],
        ]
        let read = try await bank.database.write { db in
            let blob = db.dialect == .sqlite ? "BLOB" : "BYTEA"
            let real = db.dialect == .sqlite ? "REAL" : "DOUBLE PRECISION"
            try db.executeScript("CREATE TABLE kinds (id BIGINT PRIMARY KEY, t TEXT, i BIGINT, r \(real), b \(blob))")
            for row in rows { try db.execute("INSERT INTO kinds (id, t, i, r, b) VALUES (?, ?, ?, ?, ?)", row) }
            return try db.rows("SELECT t, i, r, b, b IS NULL AS no_blob FROM kinds WHERE id >= ? ORDER BY id", [1])
        }
        #expect(read.map { $0["t"] as String? } == [text, "", nil])
        #expect(read.map { $0["i"] as Int64? } == [Int64.max, Int64.min, nil])
        #expect(read.map { $0["r"] as Double? } == [-0.5, 1e300, nil])
        #expect(read.map { $0["b"] as Data? } == [Data([0, 1, 255]), Data(), nil])
        #expect(read.map { $0["no_blob"] as Bool } == [false, false, true])
        for arguments: SQLArguments in [[4], [4, "x", 1, 1.0, Data(), "one too many"]] {
            await #expect(throws: (any Error).self) {
                try await bank.database.write { db in try db.execute("INSERT INTO kinds (id, t, i, r, b) VALUES (?, ?, ?, ?, ?)", arguments) }
            }
        }
        #expect(try await bank.database.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM kinds") } == 3)
    }

    @Test func storageTablesAreAlwaysMigratedFirst() async throws {
        let bank = try TestBank(modules: [NotesModule(), RemindersModule()])
        #expect(bank.database.moduleNames == ["storage", "notes", "reminders"])
        let tables = try await bank.database.read { db in try TestDatabase.tables(in: db) }
        let migrations = TestBank.migrationsTable(bank.database.dialect)
        #expect(tables == ["audit_log", migrations, "idempotency_records", "notes", "rate_limits", "reminders"])
    }

    @Test func moduleListedBeforeItsDependencyIsRefused() throws {
        let bank = try TestBank()
        #expect(throws: StorageError.missingDependency(module: "reminders", needs: "notes")) {
            try bank.openOther(modules: [RemindersModule(), NotesModule()])
        }
        #expect(throws: StorageError.missingDependency(module: "reminders", needs: "notes")) {
            try bank.openOther(modules: [RemindersModule()])
        }
        #expect(
            StorageError.missingDependency(module: "reminders", needs: "notes").description
                == "module 'reminders' needs 'notes' listed before it")
    }

    @Test func reopeningAnExistingFileKeepsItsRowsAndMigratesNothingTwice() async throws {
        let bank = try TestBank(modules: [NotesModule()])
        try await bank.database.write { db in try db.execute("INSERT INTO notes (body) VALUES ('kept')") }
        let reopened = try bank.reopen(modules: [NotesModule(), RemindersModule()])
        defer { try? reopened.close() }
        let migrationsTable = TestBank.migrationsTable(reopened.dialect)
        let (notes, migrations) = try await reopened.read { db in
            (
                try db.values(String.self, "SELECT body FROM notes"),
                try db.values(String.self, "SELECT identifier FROM \(migrationsTable) ORDER BY identifier")
            )
        }
        #expect(notes == ["kept"])
        #expect(migrations == ["notes.v1", "reminders.v1", "storage.v1.audit-log", "storage.v1.idempotency", "storage.v2.rate-limits"])
    }

    @Test func typedValuesAreStoredAsReadableColumns() async throws {
        let bank = try TestBank()
        let id = try #require(AccountID("0F8FAD5B-D9CB-469F-A165-70867728950E"))
        let typeOf = bank.database.dialect == .sqlite ? "typeof(?)" : "pg_typeof(?)::text"
        let stored = try await bank.database.read { db -> [String] in
            let row = try db.row(
                "SELECT ? AS id, \(typeOf) AS idType, ? AS cents, \(typeOf) AS centsType, ? AS role",
                [id, id, Money(cents: -1_234), Money(cents: -1_234), Role.employee])
            guard let row, row["id"] as AccountID? == id, row["cents"] as Money? == Money(cents: -1_234) else { return [] }
            return [row["id"], row["idType"], String(row["cents"] as Int64), row["centsType"], row["role"]]
        }
        // The type each value is bound as: text and a 64-bit integer.
        let integer = bank.database.dialect == .sqlite ? "integer" : "bigint"
        #expect(stored == ["0f8fad5b-d9cb-469f-a165-70867728950e", "text", "-1234", integer, "employee"])
    }

    @Test func likePatternEscapesWildcardsAndTheEscapeCharacter() async throws {
        #expect(likePattern(containing: "50%_off\\") == "%50\\%\\_off\\\\%")
        let bank = try TestBank()
        let texts = ["50% off", "500 off", "5_0", "50x off"]
        let matches: [String] = try await bank.database.read { db in
            try texts.filter { text in
                try db.value(Bool.self, "SELECT ? LIKE ? ESCAPE '\\'", [text, likePattern(containing: "50%")]) ?? false
            }
        }
        #expect(matches == ["50% off"])
    }

    @Test func constraintViolationsAreRecognised() async throws {
        let bank = try TestBank()
        let database = bank.database
        try await database.write { db in
            try db.execute("CREATE TABLE things (id BIGINT PRIMARY KEY, n BIGINT NOT NULL UNIQUE CHECK (n >= 0))")
            try db.execute("CREATE TABLE thing_parts (thing_id BIGINT NOT NULL REFERENCES things(id))")
            try db.execute("INSERT INTO things (id, n) VALUES (1, 1)")
        }
        func violation(_ sql: String) async -> SQLConstraint? {
            let error = await #expect(throws: (any Error).self) { try await database.write { db in try db.execute(sql) } }
            return error.flatMap(SQLConstraint.violated(by:))
        }
        #expect(await violation("INSERT INTO things (id, n) VALUES (2, 1)") == .unique)
        #expect(await violation("INSERT INTO things (id, n) VALUES (1, 2)") == .unique)
        #expect(await violation("INSERT INTO things (id, n) VALUES (2, -1)") == .check)
        #expect(await violation("INSERT INTO things (id, n) VALUES (2, NULL)") == .notNull)
        #expect(await violation("INSERT INTO thing_parts (thing_id) VALUES (9)") == .foreignKey)
        // Other failures are no constraint at all.
        #expect(await violation("INSERT INTO no_such_table (n) VALUES (1)") == nil)
        #expect(SQLConstraint.violated(by: CancellationError()) == nil)
        #expect(try await database.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM things") } == 1)
    }
}
