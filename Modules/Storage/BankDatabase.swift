import Foundation
public import GRDB

/// The bank's SQLite database: a WAL-mode `DatabasePool` with `synchronous=FULL`, migrated for the listed modules.
///
/// Every use case writes in one transaction through ``writer``, so a money movement, its idempotency
/// record and its audit row are all there or none is.
public struct BankDatabase: Sendable {
    /// The GRDB writer services are built from.
    public let writer: any DatabaseWriter
    /// The hash-chained audit log inside this database.
    public let audit: AuditLog
    /// Stored responses of idempotent requests.
    public let idempotency: IdempotencyStore
    /// The modules whose tables this database holds, in migration order.
    public let moduleNames: [String]
    private let groupCommit: GroupCommit
    /// Checkpoints the WAL beside the writer; `nil` for a writer opened elsewhere.
    private var checkpointer: WALCheckpointer?

    /// Opens (creating if needed) the database file at `path` and migrates it for `modules`.
    ///
    /// - Parameters:
    ///   - path: the SQLite file; its directory must exist.
    ///   - modules: the modules whose tables to create, in dependency order.
    ///   - auditKey: the key of the audit chain's BLAKE2b; 32 random bytes in production, empty for an unkeyed chain.
    /// - Throws: ``StorageError/missingDependency(module:needs:)`` when a module's dependency is not listed before it, or a GRDB error.
    public init(path: String, modules: [any BankModule], auditKey: [UInt8] = []) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "bankkit"
        let pool = try DatabasePool(path: path, configuration: configuration)
        // The pool's WAL set-up resets `synchronous`: set FULL after opening, so that a committed transfer survives power loss.
        // Checkpoints are the checkpointer's job; the writer's own threshold is only a safety net.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.writerThreshold)")
        }
        try self.init(writer: pool, modules: modules, auditKey: auditKey)
        checkpointer = try WALCheckpointer(path: path)
    }

    /// Wraps an already open writer (a `DatabaseQueue` in tests, say) and migrates it for `modules`.
    public init(writer: any DatabaseWriter, modules: [any BankModule], auditKey: [UInt8] = []) throws {
        let all: [any BankModule] = [StorageModule()] + modules
        var seen = Set<String>()
        var migrator = DatabaseMigrator()
        for module in all {
            for dependency in module.dependencies where !seen.contains(dependency) {
                throw StorageError.missingDependency(module: module.name, needs: dependency)
            }
            seen.insert(module.name)
            module.registerMigrations(in: &migrator)
        }
        try migrator.migrate(writer)
        self.writer = writer
        self.audit = try AuditLog(key: auditKey)
        self.idempotency = IdempotencyStore()
        self.moduleNames = all.map(\.name)
        self.groupCommit = GroupCommit(writer: writer)
    }

    /// Runs one use case's writes: in a savepoint of the next group transaction, answered after it commits.
    ///
    /// Use cases that arrive while a commit is in flight share the next transaction and its fsync.
    /// `work` must do all its reads and writes through `db` and nothing else; if it throws, only its own
    /// changes roll back and the error reaches the caller.
    public func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await groupCommit.write(work)
    }

    /// The `synchronous` pragma in force on the writer connection (2 = FULL).
    public func synchronousLevel() async throws -> Int {
        try await writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The journal mode of the database file (`wal`).
    public func journalMode() async throws -> String {
        try await writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Walks the whole audit chain; see ``AuditLog/verify(_:)``.
    public func verifyAuditChain() async throws -> AuditVerification {
        try await writer.read { db in try audit.verify(db) }
    }

    /// Whether the database answers a trivial query.
    public func isReady() async -> Bool {
        (try? await writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    /// Closes the database, waiting for running work; used on shutdown.
    public func close() throws {
        try checkpointer?.stop()
        if let pool = writer as? DatabasePool { try pool.close() }
        if let queue = writer as? DatabaseQueue { try queue.close() }
    }
}

/// Failures of the storage layer itself.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A module was listed before a module it needs.
    case missingDependency(module: String, needs: String)

    public var description: String {
        switch self {
        case .missingDependency(let module, let needs): "module '\(module)' needs '\(needs)' listed before it"
        }
    }
}
