
/// Storage's own tables: the audit log, idempotency records and rate-limit counters. Always migrated first.
public struct StorageModule: BankModule {
    public var name: String { "storage" }

    /// Creates the module value.
    public init() {}

    public var migrations: [SQLMigration] {
        [
            SQLMigration(
                "storage.v1.audit-log",
                sqlite: """
                    CREATE TABLE audit_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at TEXT NOT NULL,
                        actor_id TEXT,
                        actor_role TEXT,
                        action TEXT NOT NULL,
                        target_type TEXT NOT NULL,
                        target_id TEXT,
                        ip TEXT,
                        user_agent TEXT,
                        request_id TEXT,
                        details TEXT NOT NULL,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE INDEX audit_log_actor ON audit_log(actor_id, id);
                    CREATE INDEX audit_log_action ON audit_log(action, id);
                    CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                    CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                    """,
                postgres: """
                    CREATE TABLE audit_log (
                        id BIGINT PRIMARY KEY,
                        at TEXT NOT NULL,
                        actor_id TEXT,
                        actor_role TEXT,
                        action TEXT NOT NULL,
                        target_type TEXT NOT NULL,
                        target_id TEXT,
                        ip TEXT,
                        user_agent TEXT,
                        request_id TEXT,
                        details TEXT NOT NULL,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE INDEX audit_log_actor ON audit_log(actor_id, id);
                    CREATE INDEX audit_log_action ON audit_log(action, id);
                    -- The one trigger function of every append-only table: it refuses the change with its argument.
                    CREATE FUNCTION bankkit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END
                        $$;
                    CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
                        FOR EACH ROW EXECUTE FUNCTION bankkit_refuse('audit_log is append-only');
                    CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
                        FOR EACH ROW EXECUTE FUNCTION bankkit_refuse('audit_log is append-only');
                    CREATE TRIGGER audit_log_append_only_truncate BEFORE TRUNCATE ON audit_log
                        FOR EACH STATEMENT EXECUTE FUNCTION bankkit_refuse('audit_log is append-only');
                    """),
            SQLMigration(
                "storage.v1.idempotency",
                sqlite: """
                    CREATE TABLE idempotency_records (
                        scope TEXT NOT NULL,
                        key TEXT NOT NULL,
                        fingerprint TEXT NOT NULL,
                        status INTEGER NOT NULL,
                        body BLOB NOT NULL,
                        created_at DATETIME NOT NULL,
                        PRIMARY KEY (scope, key)
                    ) WITHOUT ROWID;
                    CREATE INDEX idempotency_records_created ON idempotency_records(created_at);
                    """,
                postgres: """
                    CREATE TABLE idempotency_records (
                        scope TEXT NOT NULL,
                        key TEXT NOT NULL,
                        fingerprint TEXT NOT NULL,
                        status BIGINT NOT NULL,
                        body BYTEA NOT NULL,
                        created_at TEXT NOT NULL,
                        PRIMARY KEY (scope, key)
                    );
                    CREATE INDEX idempotency_records_created ON idempotency_records(created_at);
                    """),
            SQLMigration(
                "storage.v2.rate-limits",
                sqlite: """
                    CREATE TABLE rate_limits (
                        key TEXT PRIMARY KEY,
                        window_ends_at INTEGER NOT NULL,
                        hits INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """,
                postgres: """
                    CREATE TABLE rate_limits (
                        key TEXT PRIMARY KEY,
                        window_ends_at BIGINT NOT NULL,
                        hits BIGINT NOT NULL
                    );
                    """),
        ]
    }
}
