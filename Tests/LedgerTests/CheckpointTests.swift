import BankCore
import Foundation
import Ledger
import Storage
import Testing

/// Balance checkpoints: a computed balance is the checkpoint's sum plus the postings since, and stays exactly the full
/// sum of the account's postings whatever is posted around a checkpoint.
@Suite struct CheckpointTests {
    let bank: TestBank
    let account: Account

    init() async throws {
        bank = try TestBank()
        account = try await bank.openAccount()
    }

    private func checkpoint(_ id: AccountID) async throws -> (datedBefore: String, cents: Int64)? {
        try await bank.database.read { db in
            try db.row("SELECT dated_before, cents FROM balance_checkpoints WHERE account_id = ?", [id]).map { ($0["dated_before"], $0["cents"]) }
        }
    }

    private func report() async throws -> BalanceReport { try await bank.ledger.balance(account.id, in: .any) }

    /// Deposits $100 at the start, then a minute later moves every checkpoint to a second ago.
    private func depositAndCheckpoint() async throws {
        try await bank.deposit(100_00, to: account.id)
        bank.manualClock.advance(by: 60)
        _ = try await bank.ledger.advanceBalanceCheckpoints(after: 0, lag: 1)
    }

    @Test func aCheckpointSumsThePostingsBeforeItAndTheReportAddsThoseSince() async throws {
        try await bank.deposit(100_00, to: account.id)
        bank.manualClock.advance(by: 10)
        try await bank.withdraw(30_00, from: account.id)
        bank.manualClock.advance(by: 10)
        let last = try await bank.ledger.advanceBalanceCheckpoints(after: 0, lag: 5)
        #expect(last == 4)  // two entries of two postings
        // Moved to 5 s ago: both legs of the account are before it; the cash account (a system account) has none.
        #expect(try await checkpoint(account.id)?.cents == 70_00)
        #expect(try await checkpoint(account.id)?.datedBefore == TestBank.start.addingTimeInterval(15).databaseText)
        #expect(try await checkpoint(SystemAccount.cash.id) == nil)
        try await bank.deposit(5, to: account.id)
        let report = try await report()
        #expect(report.balance == Money(cents: 70_05) && report.computedBalance == Money(cents: 70_05) && report.matches)
        // Nothing posted since: the next pass moves nothing and returns the same position.
        #expect(try await bank.ledger.advanceBalanceCheckpoints(after: 6, lag: 5) == 6)
        #expect(try await checkpoint(account.id)?.cents == 70_00)
        // Postings since: only they are added, and the checkpoint moves to the new moment.
        bank.manualClock.advance(by: 10)
        #expect(try await bank.ledger.advanceBalanceCheckpoints(after: 4, lag: 5) == 6)
        #expect(try await checkpoint(account.id)?.cents == 70_05)
        try await bank.expectSound()
    }

    @Test func aLegDatedBeforeTheCheckpointDeletesItAndTheBalanceStaysExact() async throws {
        try await depositAndCheckpoint()
        #expect(try await checkpoint(account.id)?.cents == 100_00)
        // A request stamped before the checkpoint commits after it (or a history import dates its postings back).
        bank.manualClock.set(TestBank.start.addingTimeInterval(30))
        try await bank.withdraw(25_00, from: account.id)
        #expect(try await checkpoint(account.id) == nil)
        let report = try await report()
        #expect(report.computedBalance == Money(cents: 75_00) && report.matches)
        bank.manualClock.set(TestBank.start.addingTimeInterval(120))
        _ = try await bank.ledger.advanceBalanceCheckpoints(after: 2, lag: 1)
        #expect(try await checkpoint(account.id)?.cents == 75_00)
        try await bank.expectSound()
    }

    @Test func aCheckpointThatDisagreesWithThePostingsIsReportedByTheIntegrityCheck() async throws {
        try await depositAndCheckpoint()
        try await bank.database.write { [account] db in
            try db.execute("UPDATE balance_checkpoints SET cents = cents + 1 WHERE account_id = ?", [account.id])
        }
        let report = try await report()
        #expect(report.computedBalance == Money(cents: 100_01) && !report.matches)
        let integrity = try await bank.ledger.verifyIntegrity()
        #expect(integrity.mismatchedCheckpoints == [account.id] && integrity.accountsMatchEntries && !integrity.isSound)
    }

    /// The first pass (from posting 0) takes every member account, posted to or not; later ones only those posted to.
    @Test func passesInBatchesCheckpointEveryAccountPostedTo() async throws {
        var accounts = [account]
        for _ in 0..<4 { accounts.append(try await bank.openAccount()) }
        let idle = try await bank.openAccount()
        for (index, account) in accounts.enumerated() { try await bank.deposit(Int64(index + 1) * 100, to: account.id) }
        bank.manualClock.advance(by: 60)
        #expect(try await bank.ledger.advanceBalanceCheckpoints(after: 0, lag: 1, batchSize: 2) == 10)
        for (index, account) in accounts.enumerated() {
            #expect(try await checkpoint(account.id)?.cents == Int64(index + 1) * 100)
            #expect(try await bank.ledger.balance(account.id, in: .any).computedBalance == Money(cents: Int64(index + 1) * 100))
        }
        #expect(try await checkpoint(idle.id)?.cents == 0)
        try await bank.deposit(7, to: accounts[1].id)
        bank.manualClock.advance(by: 60)
        #expect(try await bank.ledger.advanceBalanceCheckpoints(after: 10, lag: 1, batchSize: 2) == 12)
        let moved = try await bank.count(
            "SELECT COUNT(*) FROM balance_checkpoints WHERE dated_before = ?", [bank.manualClock.now.addingTimeInterval(-1).databaseText])
        #expect(moved == 1)
        #expect(try await checkpoint(accounts[1].id)?.cents == 2_07)
        try await bank.expectSound()
    }
}
