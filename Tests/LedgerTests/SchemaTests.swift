import BankCore
import Foundation
import Ledger
import Storage
import Testing

/// The database itself backs the ledger's rules, whatever code writes to it.
@Suite struct SchemaTests {
    let bank: TestBank
    let account: Account

    init() async throws {
        bank = try TestBank()
        account = try await bank.openAccount()
        try await bank.deposit(10_00, to: account.id)
    }

    private func refusal(_ sql: String, _ arguments: SQLArguments = []) async -> (any Error)? {
        await #expect(throws: (any Error).self) {
            try await bank.database.write { db in try db.execute(sql, arguments) }
        }
    }

    @Test func memberBalanceCannotBeSetNegative() async throws {
        let error = await refusal("UPDATE accounts SET balance_cents = -1 WHERE id = ?", [account.id])
        #expect(error.flatMap(SQLConstraint.violated(by:)) == .check)
        #expect(try await bank.balance(account.id) == 10_00)
        try await bank.expectSound()
    }

    @Test func systemAccountsMayGoNegative() async throws {
        #expect(try await bank.balance(SystemAccount.cash) == -10_00)
        try await bank.expectSound()
    }

    @Test func checkFailureInTheMiddleOfATransactionRollsEverythingBack() async throws {
        let error = await #expect(throws: (any Error).self) {
            try await bank.database.write { db in
                try db.execute("UPDATE accounts SET balance_cents = balance_cents + 5 WHERE id = ?", [SystemAccount.cash.id])
                try db.execute("UPDATE accounts SET balance_cents = balance_cents - 1001 WHERE id = ?", [account.id])
            }
        }
        #expect(error.flatMap(SQLConstraint.violated(by:)) == .check)
        #expect(try await bank.balance(SystemAccount.cash) == -10_00)
        #expect(try await bank.balance(account.id) == 10_00)
        try await bank.expectSound()
    }

    @Test func transactionsCannotBeUpdatedOrDeleted() async throws {
        let update = await refusal("UPDATE transactions SET amount_cents = 1")
        #expect(triggerMessage(of: update) == "transactions are never updated; post a reversal")
        let delete = await refusal("DELETE FROM transactions")
        #expect(triggerMessage(of: delete) == "transactions are never deleted; post a reversal")
        #expect(try await bank.count("SELECT COUNT(*) FROM transactions WHERE amount_cents = 1000") == 1)
        try await bank.expectSound()
    }

    @Test func postingsCannotBeUpdatedOrDeleted() async throws {
        let update = await refusal("UPDATE postings SET amount_cents = amount_cents * 2")
        #expect(triggerMessage(of: update) == "postings are never updated")
        let delete = await refusal("DELETE FROM postings WHERE account_id = ?", [account.id])
        #expect(triggerMessage(of: delete) == "postings are never deleted")
        #expect(try await bank.count("SELECT COUNT(*) FROM postings") == 2)
        try await bank.expectSound()
    }

    @Test func postedTransactionsNeedABalanceAndDeclinedOnesAReason() async throws {
        let posted = await refusal(
            """
            INSERT INTO transactions (id, account_id, type, kind, status, amount_cents, created_at)
            VALUES ('t-1', ?, 'credit', 'deposit', 'posted', 1, ?)
            """, [account.id, TestBank.start])
        #expect(posted.flatMap(SQLConstraint.violated(by:)) == .check)
        let declined = await refusal(
            """
            INSERT INTO transactions (id, account_id, type, kind, status, amount_cents, created_at)
            VALUES ('t-2', ?, 'debit', 'withdrawal', 'declined', 1, ?)
            """, [account.id, TestBank.start])
        #expect(declined.flatMap(SQLConstraint.violated(by:)) == .check)
        let zero = await refusal(
            "INSERT INTO postings (entry_id, account_id, amount_cents, created_at) VALUES ('e', ?, 0, ?)", [account.id, TestBank.start])
        #expect(zero.flatMap(SQLConstraint.violated(by:)) == .check)
        try await bank.expectSound()
    }

    /// Member legs and system legs live in two partial indexes; balances must still count every posting.
    /// A leg on a member account without a transaction (no code writes one) lands in the system legs' index.
    @Test func balancesCountEveryPostingWhicheverIndexHoldsIt() async throws {
        let later = TestBank.start.addingTimeInterval(3_600)
        try await bank.database.write { db in
            for (account, cents) in [(account.id, Int64(5_00)), (SystemAccount.cash.id, -5_00)] {
                try db.execute(
                    "INSERT INTO postings (entry_id, account_id, amount_cents, created_at) VALUES ('stray', ?, ?, ?)", [account, cents, later])
            }
        }
        let report = try await bank.ledger.balance(account.id, in: .any)
        #expect(report.balance == Money(cents: 10_00))
        #expect(report.computedBalance == Money(cents: 15_00))
        let (before, after, cash) = try await bank.database.read { [account] db in
            (
                try bank.ledger.journal.balance(of: account.id, before: later, in: db),
                try bank.ledger.journal.balance(of: account.id, before: later.addingTimeInterval(1), in: db),
                try bank.ledger.journal.balance(of: SystemAccount.cash.id, in: db)
            )
        }
        #expect([before, after, cash] == [Money(cents: 10_00), Money(cents: 15_00), Money(cents: -15_00)])
        let integrity = try await bank.ledger.verifyIntegrity()
        #expect(Set(integrity.mismatchedAccounts) == [account.id, SystemAccount.cash.id])
        #expect(integrity.postingsSum == .zero)
    }

    @Test func systemAccountsExistWithFixedIDs() async throws {
        let codes = try await bank.database.read { db in
            try db.values(String.self, "SELECT system_code FROM accounts WHERE account_type = 'system' ORDER BY id")
        }
        #expect(codes == ["external:cash", "external:card-network"])
        #expect(SystemAccount.cash.id.description == "00000000-0000-0000-0000-00000000ca5d")
        #expect(SystemAccount.cardNetwork.id.description == "00000000-0000-0000-0000-0000000ca4d0")
        let integrity = try await bank.ledger.verifyIntegrity()
        #expect(integrity.accountsChecked == 3)
    }
}
