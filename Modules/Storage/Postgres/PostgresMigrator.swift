/// Applies migrations to PostgreSQL, each once, in order, recording them in `bankkit_migrations`.
///
/// The whole run holds a transaction-level advisory lock, so servers starting together against one
/// database migrate it once: the others wait, then find nothing left to do.
enum PostgresMigrator {
    /// The advisory lock key of migrations (any fixed 64-bit number; "BANKKIT" in ASCII).
    static let lockKey: Int64 = 0x42_41_4E_4B_4B_49_54

    static func migrate(_ engine: PostgresEngine, _ migrations: [SQLMigration]) throws {
        try engine.transactionNow(readOnly: false) { db in
            try db.execute("SELECT pg_advisory_xact_lock(?)", [lockKey])
            // The name was checked to be a plain lowercase identifier when the URL was read.
            if let schema = engine.schema { try db.execute("CREATE SCHEMA IF NOT EXISTS \(schema)") }
            try db.execute("CREATE TABLE IF NOT EXISTS bankkit_migrations (identifier TEXT PRIMARY KEY NOT NULL, applied_at TEXT NOT NULL)")
            let applied = Set(try db.values(String.self, "SELECT identifier FROM bankkit_migrations"))
            for migration in migrations where !applied.contains(migration.id) {
                try db.executeScript(migration.postgres)
                try db.execute(
                    "INSERT INTO bankkit_migrations (identifier, applied_at) "
                        + "VALUES (?, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'))",
                    [migration.id])
            }
        }
    }
}
