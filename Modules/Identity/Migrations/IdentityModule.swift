public import GRDB
public import Storage

/// Identity's tables: users, login sessions (refresh-token families), refresh tokens, and failed
/// logins per user and source (see ``IdentityService/LockoutPolicy``).
public struct IdentityModule: BankModule {
    public var name: String { "identity" }

    /// Creates the module value.
    public init() {}

    public func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("identity.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE users (
                        id TEXT PRIMARY KEY NOT NULL,
                        email TEXT NOT NULL UNIQUE,
                        password_hash TEXT NOT NULL,
                        first_name TEXT NOT NULL,
                        last_name TEXT NOT NULL,
                        phone TEXT,
                        role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'employee', 'admin')),
                        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
                        failed_login_count INTEGER NOT NULL DEFAULT 0 CHECK (failed_login_count >= 0),
                        lockout_count INTEGER NOT NULL DEFAULT 0 CHECK (lockout_count >= 0),
                        locked_until DATETIME,
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL
                    );
                    CREATE TABLE sessions (
                        id TEXT PRIMARY KEY NOT NULL,
                        user_id TEXT NOT NULL REFERENCES users(id),
                        created_at DATETIME NOT NULL,
                        revoked_at DATETIME,
                        revoked_reason TEXT
                    );
                    CREATE INDEX sessions_user ON sessions(user_id);
                    CREATE TABLE refresh_tokens (
                        token_hash TEXT PRIMARY KEY NOT NULL,
                        session_id TEXT NOT NULL REFERENCES sessions(id),
                        created_at DATETIME NOT NULL,
                        expires_at DATETIME NOT NULL,
                        used_at DATETIME
                    ) WITHOUT ROWID;
                    CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id);
                    """)
        }
        migrator.registerMigration("identity.v2.login-sources") { db in
            try db.execute(
                sql: """
                    CREATE TABLE login_sources (
                        user_id TEXT NOT NULL REFERENCES users(id),
                        source TEXT NOT NULL,
                        failed_count INTEGER NOT NULL DEFAULT 0 CHECK (failed_count >= 0),
                        lockout_count INTEGER NOT NULL DEFAULT 0 CHECK (lockout_count >= 0),
                        locked_until DATETIME,
                        updated_at DATETIME NOT NULL,
                        PRIMARY KEY (user_id, source)
                    ) WITHOUT ROWID;
                    """)
        }
    }
}
