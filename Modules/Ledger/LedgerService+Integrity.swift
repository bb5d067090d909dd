public import BankCore
import Foundation
import Storage

/// The ledger's invariants, checked from the stored rows.
public struct LedgerIntegrity: Sendable, Hashable {
    /// The sum of all postings, which must be zero.
    public let postingsSum: Money
    /// Journal entries whose postings do not sum to zero.
    public let unbalancedEntries: [String]
    /// Accounts whose cached balance differs from the sum of their postings.
    public let mismatchedAccounts: [AccountID]
    /// Member accounts with a negative balance.
    public let negativeAccounts: [AccountID]
    /// Accounts whose balance checkpoint differs from the sum of the postings it covers.
    public let mismatchedCheckpoints: [AccountID]
    /// How many accounts were checked.
    public let accountsChecked: Int

    /// Whether all postings sum to zero, entry by entry and overall.
    public var postingsBalance: Bool { postingsSum == .zero && unbalancedEntries.isEmpty }
    /// Whether every cached balance equals its computed balance.
    public var accountsMatchEntries: Bool { mismatchedAccounts.isEmpty }
    /// Whether every balance checkpoint equals the sum of the postings it covers.
    public var checkpointsMatchEntries: Bool { mismatchedCheckpoints.isEmpty }
    /// Whether every invariant holds.
    public var isSound: Bool { postingsBalance && accountsMatchEntries && negativeAccounts.isEmpty && checkpointsMatchEntries }
}

extension LedgerService {
    /// Checks every ledger invariant: postings sum to zero (overall and per entry), cached balance =
    /// computed balance for every account (each summed in full), no member balance is negative, and every balance
    /// checkpoint equals the sum of the postings it covers.
    public func verifyIntegrity() async throws -> LedgerIntegrity {
        try await database.read { db in
            let sum = try db.value(Int64.self, "SELECT COALESCE(SUM(amount_cents), 0) FROM postings") ?? 0
            let unbalanced = try db.values(
                String.self, "SELECT entry_id FROM postings GROUP BY entry_id HAVING SUM(amount_cents) <> 0 LIMIT 100")
            let mismatched = try db.values(
                AccountID.self,
                """
                SELECT a.id FROM accounts a
                LEFT JOIN (SELECT account_id, SUM(amount_cents) AS total FROM postings GROUP BY account_id) p ON p.account_id = a.id
                WHERE a.balance_cents <> COALESCE(p.total, 0)
                """)
            let negative = try db.values(AccountID.self, "SELECT id FROM accounts WHERE system_code IS NULL AND balance_cents < 0")
            let checkpoints = try journal.mismatchedCheckpoints(in: db)
            let count = try db.value(Int.self, "SELECT COUNT(*) FROM accounts") ?? 0
            return LedgerIntegrity(
                postingsSum: Money(cents: sum), unbalancedEntries: unbalanced, mismatchedAccounts: mismatched,
                negativeAccounts: negative, mismatchedCheckpoints: checkpoints, accountsChecked: count)
        }
    }
}

/// Org-wide ledger figures for the admin view.
public struct LedgerStats: Sendable, Hashable {
    /// Member accounts, and how many are open.
    public let accounts: Int
    public let openAccounts: Int
    /// The sum of member balances: what the bank holds for its members.
    public let moneyHeld: Money
    /// Posted member transactions since the start of the UTC day, and the sum of their amounts.
    public let transactionsToday: Int
    public let volumeToday: Money
}

extension LedgerService {
    /// Counts and sums across member accounts, with "today" in UTC.
    public func stats() async throws -> LedgerStats {
        let dayStart = Calendar.utcGregorian.startOfDay(for: clock.now())
        return try await database.read { db in
            let accounts = try db.row(
                """
                SELECT COUNT(*) AS count, COUNT(CASE WHEN status = 'open' THEN 1 END) AS open, COALESCE(SUM(balance_cents), 0) AS held
                FROM accounts WHERE system_code IS NULL
                """)!
            let today = try db.row(
                "SELECT COUNT(*) AS count, COALESCE(SUM(amount_cents), 0) AS volume FROM transactions WHERE status = 'posted' AND created_at >= ?",
                [dayStart])!
            return LedgerStats(
                accounts: accounts["count"], openAccounts: accounts["open"], moneyHeld: Money(cents: accounts["held"]),
                transactionsToday: today["count"], volumeToday: Money(cents: today["volume"]))
        }
    }
}
