import Foundation
public import GRDB

/// The bank's database: SQLite (a WAL-mode `DatabasePool` with `synchronous=FULL`, the embedded default)
/// or PostgreSQL, migrated for the listed modules.
///
/// Every use case writes in one transaction through ``write(_:)``, so a money movement, its idempotency
/// record and its audit row are all there or none is.
public struct BankDatabase: Sendable {
    /// The hash-chained audit log inside this database.
    public let audit: AuditLog
    /// Stored responses of idempotent requests.
    public let idempotency: IdempotencyStore
    /// Request counters of rate limits, shared by every server on this database.
    public let rateLimits: RateLimitStore
    /// The modules whose tables this database holds, in migration order.
    public let moduleNames: [String]
    /// The engine.
    public let dialect: SQLDialect
    private let engine: Engine

    private enum Engine: Sendable {
        case sqlite(any DatabaseWriter, GroupCommit, WALCheckpointer?, InlineReaders?)
        case postgres(PostgresEngine)
    }

    /// Opens (creating if needed) the SQLite database file at `path` and migrates it for `modules`.
    ///
    /// - Parameters:
    ///   - path: the SQLite file; its directory must exist.
    ///   - modules: the modules whose tables to create, in dependency order.
    ///   - auditKey: the key of the audit chain's BLAKE2b; 32 random bytes in production, empty for an unkeyed chain.
    /// - Throws: ``StorageError/missingDependency(module:needs:)`` when a module's dependency is not listed before it, or a GRDB error.
    public init(path: String, modules: [any BankModule], auditKey: [UInt8] = []) throws {
        SQLiteProcessSetup.applied
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "bankkit"
        let pool = try DatabasePool(path: path, configuration: configuration)
        // The pool's WAL set-up resets `synchronous`: set FULL after opening, so that a committed transfer survives power loss.
        // Checkpoints are the checkpointer's job; the writer's own threshold is only a safety net. Group commit puts each
        // use case in a savepoint, whose undo journal SQLite otherwise keeps in a temporary file created, written and
        // deleted in every transaction (a third of a lone transfer's write calls): in memory it is a few pages.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.writerThreshold)")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        try self.init(
            writer: pool, modules: modules, auditKey: auditKey, checkpointer: WALCheckpointer(path: path),
            inlineReaders: InlineReaders(path: path, count: Self.inlineReaderCount))
    }

    /// More inline readers than cooperative threads (one per core), so that a quick read never finds none idle.
    private static let inlineReaderCount = 2 * ProcessInfo.processInfo.activeProcessorCount

    /// Wraps an already open SQLite writer (a `DatabaseQueue`, say) and migrates it for `modules`.
    public init(writer: any DatabaseWriter, modules: [any BankModule], auditKey: [UInt8] = []) throws {
        try self.init(writer: writer, modules: modules, auditKey: auditKey, checkpointer: nil, inlineReaders: nil)
    }

    private init(
        writer: any DatabaseWriter, modules: [any BankModule], auditKey: [UInt8], checkpointer: WALCheckpointer?, inlineReaders: InlineReaders?
    ) throws {
        let all = try Self.ordered(modules)
        var migrator = DatabaseMigrator()
        for migration in all.flatMap(\.migrations) {
            migrator.registerMigration(migration.id) { db in try db.execute(sql: migration.sqlite) }
        }
        try migrator.migrate(writer)
        engine = .sqlite(writer, GroupCommit(writer: writer), checkpointer, inlineReaders)
        dialect = .sqlite
        audit = try AuditLog(key: auditKey)
        idempotency = IdempotencyStore()
        rateLimits = RateLimitStore()
        moduleNames = all.map(\.name)
    }

    /// Connects to the PostgreSQL database at `url` (`postgres://user:password@host:port/database`) and
    /// migrates it for `modules`. Several servers may share it: migrations take a lock, and nothing a
    /// request needs lives only in one server's memory.
    ///
    /// - Parameter connections: the most connections (and concurrent transactions) this process opens.
    /// - Throws: ``StorageError/invalidDatabaseURL(_:)``, ``StorageError/missingDependency(module:needs:)``, or the server's error.
    public init(url: String, modules: [any BankModule], auditKey: [UInt8] = [], connections: Int = 16) throws {
        let all = try Self.ordered(modules)
        let engine = try PostgresEngine(url: url, connections: connections)
        do {
            try PostgresMigrator.migrate(engine, all.flatMap(\.migrations))
        } catch {
            try? engine.close()
            throw error
        }
        self.engine = .postgres(engine)
        dialect = .postgres
        audit = try AuditLog(key: auditKey)
        idempotency = IdempotencyStore()
        rateLimits = RateLimitStore()
        moduleNames = all.map(\.name)
    }

    /// Storage's module, then `modules`, checked for dependency order.
    private static func ordered(_ modules: [any BankModule]) throws -> [any BankModule] {
        let all: [any BankModule] = [StorageModule()] + modules
        var seen = Set<String>()
        for module in all {
            for dependency in module.dependencies where !seen.contains(dependency) {
                throw StorageError.missingDependency(module: module.name, needs: dependency)
            }
            seen.insert(module.name)
        }
        return all
    }

    /// Runs one use case's writes in one transaction and returns once it has committed.
    ///
    /// On SQLite, use cases that arrive while a commit is in flight share the next transaction (each in
    /// its own savepoint) and its fsync. `work` must do all its reads and writes through `db` and nothing
    /// else; if it throws, only its own changes roll back and the error reaches the caller. On PostgreSQL
    /// `work` may run more than once (after a deadlock), so it must not have effects outside `db`.
    public func write<T: Sendable>(_ work: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        switch engine {
        case .sqlite(_, let groupCommit, _, _): try await groupCommit.write(work)
        case .postgres(let engine): try await engine.transaction(readOnly: false, work)
        }
    }

    /// Runs `work` on a read-only snapshot: everything it reads belongs to one committed state.
    public func read<T: Sendable>(_ work: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let writer, _, _, _): try await writer.read { db in try work(db) }
        case .postgres(let engine): try await engine.transaction(readOnly: true, work)
        }
    }

    /// ``read(_:)`` for a brief read — a few rows through an index, such as a session check or a balance.
    ///
    /// On a SQLite file it runs on the calling thread when one of a few read-only connections is idle,
    /// skipping the thread hops of GRDB's reads (see `InlineReaders`), and otherwise as ``read(_:)``; one
    /// running past about 1.5 ms of SQLite's work is stopped and run again as ``read(_:)``, so `work`
    /// may run twice and must have no effect outside `db`. Meant for reads of a few rows through an index.
    public func quickRead<T: Sendable>(_ work: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        if case .sqlite(_, _, _, let readers?) = engine, let result = try readers.read(work) { return result }
        return try await read(work)
    }

    /// The SQLite writer, for SQLite-only tooling and tests; `nil` on PostgreSQL.
    public var sqliteWriter: (any DatabaseWriter)? {
        if case .sqlite(let writer, _, _, _) = engine { writer } else { nil }
    }

    /// The `synchronous` pragma in force on the SQLite writer connection (2 = FULL); `nil` on PostgreSQL.
    public func synchronousLevel() async throws -> Int? {
        guard let writer = sqliteWriter else { return nil }
        return try await writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The journal mode of the SQLite database file (`wal`); `nil` on PostgreSQL.
    public func journalMode() async throws -> String? {
        guard let writer = sqliteWriter else { return nil }
        return try await writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Walks the whole audit chain; see ``AuditLog/verify(_:)``.
    public func verifyAuditChain() async throws -> AuditVerification {
        try await read { db in try audit.verify(db) }
    }

    /// Whether the database answers a trivial query.
    public func isReady() async -> Bool {
        (try? await read { db in try db.value(Int.self, "SELECT 1") }) == 1
    }

    /// Closes the database, waiting for running work; used on shutdown.
    public func close() throws {
        switch engine {
        case .sqlite(let writer, _, let checkpointer, let readers):
            try checkpointer?.stop()
            try readers?.close()
            if let pool = writer as? DatabasePool { try pool.close() }
            if let queue = writer as? DatabaseQueue { try queue.close() }
        case .postgres(let engine):
            try engine.close()
        }
    }
}

/// Failures of the storage layer itself.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A module was listed before a module it needs.
    case missingDependency(module: String, needs: String)
    /// A `DATABASE_URL` this build cannot use.
    case invalidDatabaseURL(String)

    public var description: String {
        switch self {
        case .missingDependency(let module, let needs): "module '\(module)' needs '\(needs)' listed before it"
        case .invalidDatabaseURL(let url):
            "database URL '\(url.redactingPassword)' is not postgres://user[:password]@host[:port]/database[?search_path=schema]"
        }
    }
}

extension String {
    /// A URL with its password replaced by `***`, for messages and logs.
    var redactingPassword: String {
        guard var components = URLComponents(string: self), components.password != nil else { return self }
        components.password = "***"
        return components.string ?? "(unparseable URL)"
    }
}
