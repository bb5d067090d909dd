public import GRDB
public import Storage

/// The Transfers table: one row per completed transfer, naming its two ledger transactions.
public struct TransfersModule: BankModule {
    public var name: String { "transfers" }
    public var dependencies: [String] { ["ledger"] }

    /// Creates the module value.
    public init() {}

    public func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("transfers.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE transfers (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        from_account_id TEXT NOT NULL,
                        to_account_id TEXT NOT NULL,
                        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
                        description TEXT NOT NULL,
                        debit_transaction_id TEXT NOT NULL,
                        credit_transaction_id TEXT NOT NULL,
                        created_at DATETIME NOT NULL,
                        CHECK (from_account_id <> to_account_id)
                    );
                    CREATE INDEX transfers_from ON transfers(from_account_id, seq);
                    CREATE INDEX transfers_to ON transfers(to_account_id, seq);
                    CREATE TRIGGER transfers_immutable_update BEFORE UPDATE ON transfers
                        BEGIN SELECT RAISE(ABORT, 'transfers are never updated'); END;
                    CREATE TRIGGER transfers_immutable_delete BEFORE DELETE ON transfers
                        BEGIN SELECT RAISE(ABORT, 'transfers are never deleted'); END;
                    """)
        }
    }
}
