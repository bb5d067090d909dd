public import GRDB
public import Storage

/// The Cards table: debit cards with their PAN stored only as secretbox ciphertext (with the key
/// version beside it) and a keyed hash for uniqueness. The CVV is never stored.
public struct CardsModule: BankModule {
    public var name: String { "cards" }
    public var dependencies: [String] { ["ledger"] }

    /// Creates the module value.
    public init() {}

    public func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("cards.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE cards (
                        id TEXT PRIMARY KEY NOT NULL,
                        account_id TEXT NOT NULL,
                        owner_id TEXT NOT NULL,
                        pan_ciphertext BLOB NOT NULL,
                        key_version INTEGER NOT NULL CHECK (key_version > 0),
                        pan_hash TEXT NOT NULL UNIQUE,
                        last_four TEXT NOT NULL CHECK (length(last_four) = 4),
                        brand TEXT NOT NULL,
                        expiry_month INTEGER NOT NULL CHECK (expiry_month BETWEEN 1 AND 12),
                        expiry_year INTEGER NOT NULL,
                        cardholder_name TEXT NOT NULL,
                        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'frozen', 'cancelled')),
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL
                    );
                    CREATE INDEX cards_account ON cards(account_id);
                    CREATE INDEX cards_key_version ON cards(key_version);
                    CREATE UNIQUE INDEX cards_one_live_per_account ON cards(account_id) WHERE status <> 'cancelled';
                    """)
        }
    }
}
