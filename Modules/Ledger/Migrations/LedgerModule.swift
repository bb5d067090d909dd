public import Storage

/// The Ledger's tables: accounts (with cached balances), member-facing transactions (posted and
/// declined) and the double-entry postings that balances are derived from.
public struct LedgerModule: BankModule {
    public var name: String { "ledger" }

    /// Creates the module value.
    public init() {}

    public var migrations: [SQLMigration] {
        [
            SQLMigration(
                "ledger.v1",
                sqlite: """
                    CREATE TABLE accounts (
                        id TEXT PRIMARY KEY NOT NULL,
                        number TEXT UNIQUE,
                        system_code TEXT UNIQUE,
                        owner_id TEXT,
                        account_type TEXT NOT NULL CHECK (account_type IN ('checking', 'savings', 'system')),
                        nickname TEXT,
                        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'frozen', 'closed')),
                        balance_cents INTEGER NOT NULL DEFAULT 0,
                        daily_debit_limit_cents INTEGER CHECK (daily_debit_limit_cents > 0),
                        created_at DATETIME NOT NULL,
                        closed_at DATETIME,
                        CHECK (account_type = 'system' OR balance_cents >= 0),
                        CHECK ((account_type = 'system') = (system_code IS NOT NULL)),
                        CHECK ((account_type = 'system') = (number IS NULL)),
                        CHECK ((account_type = 'system') = (owner_id IS NULL))
                    );
                    CREATE INDEX accounts_owner ON accounts(owner_id);

                    CREATE TABLE transactions (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        account_id TEXT NOT NULL REFERENCES accounts(id),
                        type TEXT NOT NULL CHECK (type IN ('credit', 'debit')),
                        kind TEXT NOT NULL CHECK (kind IN ('deposit', 'withdrawal', 'transfer_in', 'transfer_out', 'card_purchase', 'reversal')),
                        status TEXT NOT NULL CHECK (status IN ('posted', 'declined')),
                        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
                        balance_after_cents INTEGER,
                        description TEXT NOT NULL DEFAULT '',
                        category TEXT,
                        card_id TEXT,
                        transfer_id TEXT,
                        counterparty_account_number TEXT,
                        decline_reason TEXT,
                        created_at DATETIME NOT NULL,
                        CHECK ((status = 'posted') = (balance_after_cents IS NOT NULL)),
                        CHECK ((status = 'declined') = (decline_reason IS NOT NULL))
                    );
                    CREATE INDEX transactions_account ON transactions(account_id, seq);
                    CREATE INDEX transactions_account_time ON transactions(account_id, created_at);
                    CREATE INDEX transactions_transfer ON transactions(transfer_id) WHERE transfer_id IS NOT NULL;

                    CREATE TABLE postings (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        entry_id TEXT NOT NULL,
                        account_id TEXT NOT NULL REFERENCES accounts(id),
                        transaction_id TEXT REFERENCES transactions(id),
                        amount_cents INTEGER NOT NULL CHECK (amount_cents <> 0),
                        created_at DATETIME NOT NULL
                    );
                    CREATE INDEX postings_account ON postings(account_id, created_at, amount_cents);
                    CREATE INDEX postings_entry ON postings(entry_id);

                    CREATE TRIGGER transactions_immutable_update BEFORE UPDATE ON transactions
                        BEGIN SELECT RAISE(ABORT, 'transactions are never updated; post a reversal'); END;
                    CREATE TRIGGER transactions_immutable_delete BEFORE DELETE ON transactions
                        BEGIN SELECT RAISE(ABORT, 'transactions are never deleted; post a reversal'); END;
                    CREATE TRIGGER postings_immutable_update BEFORE UPDATE ON postings
                        BEGIN SELECT RAISE(ABORT, 'postings are never updated'); END;
                    CREATE TRIGGER postings_immutable_delete BEFORE DELETE ON postings
                        BEGIN SELECT RAISE(ABORT, 'postings are never deleted'); END;

                    INSERT INTO accounts (id, system_code, account_type, created_at)
                        VALUES ('00000000-0000-0000-0000-00000000ca5d', 'external:cash', 'system', CURRENT_TIMESTAMP);
                    INSERT INTO accounts (id, system_code, account_type, created_at)
                        VALUES ('00000000-0000-0000-0000-0000000ca4d0', 'external:card-network', 'system', CURRENT_TIMESTAMP);
                    """,
                postgres: """
                    CREATE TABLE accounts (
                        id TEXT PRIMARY KEY NOT NULL,
                        number TEXT UNIQUE,
                        system_code TEXT UNIQUE,
                        owner_id TEXT,
                        account_type TEXT NOT NULL CHECK (account_type IN ('checking', 'savings', 'system')),
                        nickname TEXT,
                        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'frozen', 'closed')),
                        balance_cents BIGINT NOT NULL DEFAULT 0,
                        daily_debit_limit_cents BIGINT CHECK (daily_debit_limit_cents > 0),
                        created_at TEXT NOT NULL,
                        closed_at TEXT,
                        rowid BIGINT GENERATED BY DEFAULT AS IDENTITY UNIQUE NOT NULL,
                        CHECK (account_type = 'system' OR balance_cents >= 0),
                        CHECK ((account_type = 'system') = (system_code IS NOT NULL)),
                        CHECK ((account_type = 'system') = (number IS NULL)),
                        CHECK ((account_type = 'system') = (owner_id IS NULL))
                    );
                    CREATE INDEX accounts_owner ON accounts(owner_id);

                    CREATE TABLE transactions (
                        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        account_id TEXT NOT NULL REFERENCES accounts(id),
                        type TEXT NOT NULL CHECK (type IN ('credit', 'debit')),
                        kind TEXT NOT NULL CHECK (kind IN ('deposit', 'withdrawal', 'transfer_in', 'transfer_out', 'card_purchase', 'reversal')),
                        status TEXT NOT NULL CHECK (status IN ('posted', 'declined')),
                        amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
                        balance_after_cents BIGINT,
                        description TEXT NOT NULL DEFAULT '',
                        category TEXT,
                        card_id TEXT,
                        transfer_id TEXT,
                        counterparty_account_number TEXT,
                        decline_reason TEXT,
                        created_at TEXT NOT NULL,
                        CHECK ((status = 'posted') = (balance_after_cents IS NOT NULL)),
                        CHECK ((status = 'declined') = (decline_reason IS NOT NULL))
                    );
                    CREATE INDEX transactions_account ON transactions(account_id, seq);
                    CREATE INDEX transactions_account_time ON transactions(account_id, created_at);
                    CREATE INDEX transactions_transfer ON transactions(transfer_id) WHERE transfer_id IS NOT NULL;

                    CREATE TABLE postings (
                        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                        entry_id TEXT NOT NULL,
                        account_id TEXT NOT NULL REFERENCES accounts(id),
                        transaction_id TEXT REFERENCES transactions(id),
                        amount_cents BIGINT NOT NULL CHECK (amount_cents <> 0),
                        created_at TEXT NOT NULL
                    );
                    CREATE INDEX postings_account ON postings(account_id, created_at, amount_cents);
                    CREATE INDEX postings_entry ON postings(entry_id);

                    CREATE TRIGGER transactions_immutable_update BEFORE UPDATE ON transactions
                        FOR EACH ROW EXECUTE FUNCTION bankkit_refuse('transactions are never updated; post a reversal');
                    CREATE TRIGGER transactions_immutable_delete BEFORE DELETE ON transactions
                        FOR EACH ROW EXECUTE FUNCTION bankkit_refuse('transactions are never deleted; post a reversal');
                    CREATE TRIGGER transactions_immutable_truncate BEFORE TRUNCATE ON transactions
                        FOR EACH STATEMENT EXECUTE FUNCTION bankkit_refuse('transactions are never deleted; post a reversal');
                    CREATE TRIGGER postings_immutable_update BEFORE UPDATE ON postings
                        FOR EACH ROW EXECUTE FUNCTION bankkit_refuse('postings are never updated');
                    CREATE TRIGGER postings_immutable_delete BEFORE DELETE ON postings
                        FOR EACH ROW EXECUTE FUNCTION bankkit_refuse('postings are never deleted');
                    CREATE TRIGGER postings_immutable_truncate BEFORE TRUNCATE ON postings
                        FOR EACH STATEMENT EXECUTE FUNCTION bankkit_refuse('postings are never deleted');

                    INSERT INTO accounts (id, system_code, account_type, created_at)
                        VALUES ('00000000-0000-0000-0000-00000000ca5d', 'external:cash', 'system',
                            to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'));
                    INSERT INTO accounts (id, system_code, account_type, created_at)
                        VALUES ('00000000-0000-0000-0000-0000000ca4d0', 'external:card-network', 'system',
                            to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'));
                    """),
            // A reversal names the debit it reverses; the unique index makes "reversed at most once" a schema fact.
            SQLMigration(
                "ledger.v2.reversals",
                sql: """
                    ALTER TABLE transactions ADD COLUMN reverses_transaction_id TEXT REFERENCES transactions(id);
                    CREATE UNIQUE INDEX transactions_one_reversal ON transactions(reverses_transaction_id)
                        WHERE reverses_transaction_id IS NOT NULL;
                    """),
            // An account's history read in order from one stretch of pages: the table itself is in global
            // order, so an account's rows sit among everyone else's and a statement of 2,000 transactions
            // read about 2,000 pages. This index holds every column after (account_id, seq), so statements
            // and listings never visit the table. It replaces the (account_id, seq) index it extends.
            SQLMigration(
                "ledger.v3.account-history-index",
                sqlite: """
                    DROP INDEX transactions_account;
                    CREATE INDEX transactions_account ON transactions(
                        account_id, seq, id, type, kind, status, amount_cents, balance_after_cents, description, category, card_id,
                        transfer_id, counterparty_account_number, decline_reason, created_at, reverses_transaction_id);
                    """,
                postgres: """
                    DROP INDEX transactions_account;
                    CREATE INDEX transactions_account ON transactions(account_id, seq) INCLUDE (
                        id, type, kind, status, amount_cents, balance_after_cents, description, category, card_id,
                        transfer_id, counterparty_account_number, decline_reason, created_at, reverses_transaction_id);
                    """),
            // One index per kind of leg. A member's leg (it has a transaction) is found by account and date,
            // for opening balances. A system account's leg is kept in posting order: a history import dates
            // its purchases across months, and an index by date took each one into a different page of the
            // system account's stretch (3,000 members x 12 months wrote 8.5 GB for a 480 MB database; 2.9 GB
            // with these). Together they hold every posting once. A debit's own posting is found by its
            // transaction, for reversals, which scanned the table.
            SQLMigration(
                "ledger.v4.postings-by-leg",
                sql: """
                    DROP INDEX postings_account;
                    CREATE INDEX postings_member_legs ON postings(account_id, created_at, amount_cents) WHERE transaction_id IS NOT NULL;
                    CREATE INDEX postings_system_legs ON postings(account_id, id, created_at, amount_cents) WHERE transaction_id IS NULL;
                    CREATE INDEX postings_transaction ON postings(transaction_id) WHERE transaction_id IS NOT NULL;
                    """),
            // A computed balance summed the account's whole history (80 ns a posting). A checkpoint holds the sum of
            // an account's member legs dated before `dated_before`; as postings are never changed or deleted, it stays
            // exact until a leg dated earlier is posted, and JournalBatch deletes it then. See Journal+Checkpoints.
            SQLMigration(
                "ledger.v5.balance-checkpoints",
                sqlite: """
                    CREATE TABLE balance_checkpoints (
                        account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id),
                        dated_before DATETIME NOT NULL,
                        cents INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """,
                postgres: """
                    CREATE TABLE balance_checkpoints (
                        account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id),
                        dated_before TEXT NOT NULL,
                        cents BIGINT NOT NULL
                    );
                    """),
        ]
    }
}
