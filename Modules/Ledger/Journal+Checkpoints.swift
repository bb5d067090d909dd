package import BankCore
package import Foundation
package import Storage

/// Balance checkpoints (`ledger.v5.balance-checkpoints`): the sum of an account's member legs dated before a moment,
/// so that a computed balance reads the postings since, not the account's whole history.
///
/// A checkpoint is derived from postings only — first as a full sum, then moved on by adding the legs dated between
/// the old moment and the new — and postings are never changed or deleted, so it stays exact for as long as no leg
/// dated before its moment is posted. When one is (a history import, a request stamped long before it commits),
/// ``JournalBatch`` deletes the checkpoint in the same transaction, and the account's balance is summed in full again
/// until the next ``advanceCheckpoints(of:to:in:)``. ``LedgerService/verifyIntegrity()`` re-sums every checkpoint.
/// (A trigger on postings did the same, but cost history imports a seventh of their speed.)
extension Journal {
    /// The account's balance re-derived from its postings: its checkpoint's sum, its member legs dated from the
    /// checkpoint on, and its system legs (system accounts have no checkpoint). The full ``balance(of:before:in:)``
    /// when it has no checkpoint.
    package func computedBalance(of account: AccountID, in db: any SQLDatabase) throws -> Money {
        let sum = try db.value(
            Int64.self,
            """
            SELECT c.cents
                + (SELECT COALESCE(SUM(amount_cents), 0) FROM postings
                   WHERE account_id = c.account_id AND transaction_id IS NOT NULL AND created_at >= c.dated_before)
                + (SELECT COALESCE(SUM(amount_cents), 0) FROM postings WHERE account_id = c.account_id AND transaction_id IS NULL)
            FROM balance_checkpoints c WHERE c.account_id = ?
            """, [account])
        guard let sum else { return try balance(of: account, in: db) }
        return Money(cents: sum)
    }

    /// The moment up to which the account's balance checkpoint sums its member legs, if it has one.
    package func checkpointDate(of account: AccountID, in db: any SQLDatabase) throws -> String? {
        try db.value(String.self, "SELECT dated_before FROM balance_checkpoints WHERE account_id = ?", [account])
    }

    /// Deletes the account's balance checkpoint: a leg dated before it was posted.
    package func forgetCheckpoint(of account: AccountID, in db: any SQLDatabase) throws {
        try db.execute("DELETE FROM balance_checkpoints WHERE account_id = ?", [account])
    }

    /// The member accounts with a leg among the postings after `position` (a posting id) and the last posting's id:
    /// the accounts whose checkpoints may have fallen behind since a pass that saw postings up to `position`. From 0,
    /// every member account (read from the accounts, not from a scan of every posting).
    package func accountsPosted(after position: Int64, in db: any SQLDatabase) throws -> (accounts: [AccountID], last: Int64) {
        guard let last = try db.value(Int64.self, "SELECT MAX(id) FROM postings"), last > position else { return ([], position) }
        let accounts =
            position == 0
            ? try db.values(AccountID.self, "SELECT id FROM accounts WHERE system_code IS NULL")
            : try db.values(
                AccountID.self, "SELECT DISTINCT account_id FROM postings WHERE id > ? AND id <= ? AND transaction_id IS NOT NULL",
                [position, last])
        return (accounts, last)
    }

    /// Moves the checkpoints of `accounts` to `date`, each by adding its member legs dated from its checkpoint (from
    /// the first, when it has none) to `date`; returns how many moved. On PostgreSQL the accounts are locked first,
    /// as a posting use case locks them, so no leg of theirs commits between a sum and its checkpoint.
    package func advanceCheckpoints(of accounts: [AccountID], to date: Date, in db: any SQLDatabase) throws -> Int {
        try lock(accounts, in: db)
        let until = date.databaseText
        var moved = 0
        for account in accounts {
            let checkpoint = try db.row("SELECT dated_before, cents FROM balance_checkpoints WHERE account_id = ?", [account])
            let from: String = checkpoint?["dated_before"] ?? ""
            guard from < until else { continue }
            let added =
                try db.value(
                    Int64.self,
                    """
                    SELECT COALESCE(SUM(amount_cents), 0) FROM postings
                    WHERE account_id = ? AND transaction_id IS NOT NULL AND created_at >= ? AND created_at < ?
                    """, [account, from, until]) ?? 0
            let cents: Int64 = checkpoint?["cents"] ?? 0
            try db.execute(
                """
                INSERT INTO balance_checkpoints (account_id, dated_before, cents) VALUES (?, ?, ?)
                ON CONFLICT (account_id) DO UPDATE SET dated_before = excluded.dated_before, cents = excluded.cents
                """, [account, until, cents + added])
            moved += 1
        }
        return moved
    }

    /// Accounts whose checkpoint differs from the sum of their member legs dated before it.
    package func mismatchedCheckpoints(in db: any SQLDatabase) throws -> [AccountID] {
        try db.values(
            AccountID.self,
            """
            SELECT c.account_id FROM balance_checkpoints c
            WHERE c.cents <> (SELECT COALESCE(SUM(amount_cents), 0) FROM postings
                              WHERE account_id = c.account_id AND transaction_id IS NOT NULL AND created_at < c.dated_before)
            """)
    }
}
