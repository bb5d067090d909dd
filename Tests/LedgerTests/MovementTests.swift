import BankCore
import Foundation
import Ledger
import Storage
import Testing

@Suite struct MovementTests {
    let bank: TestBank
    let account: Account

    init() async throws {
        bank = try TestBank()
        account = try await bank.openAccount()
    }

    private func ledgerError<T>(_ body: () async throws -> T) async -> LedgerError? {
        await #expect(throws: LedgerError.self) { _ = try await body() }
    }

    private func amountFields(_ cents: Int64) async -> [String]? {
        let request = MovementRequest(amount: Money(cents: cents))
        let credit = await #expect(throws: ValidationError.self) { try await bank.ledger.credit(account.id, request, in: bank.mine, actor: .system) }
        let debit = await #expect(throws: ValidationError.self) { try await bank.ledger.debit(account.id, request, in: bank.mine, actor: .system) }
        #expect(credit?.fieldErrors == debit?.fieldErrors)
        return credit?.fieldErrors.map(\.field)
    }

    @Test func creditsAndDebitsChangeTheBalanceExactly() async throws {
        let deposit = try await bank.deposit(100_00, to: account.id, description: "Paycheck", category: "salary")
        #expect(deposit.type == .credit && deposit.kind == .deposit && deposit.status == .posted)
        #expect(deposit.amount == Money(cents: 100_00) && deposit.balanceAfter == Money(cents: 100_00))
        #expect(deposit.description == "Paycheck" && deposit.category == "salary" && deposit.createdAt == TestBank.start)
        let withdrawal = try await bank.withdraw(33_33, from: account.id)
        #expect(withdrawal.type == .debit && withdrawal.kind == .withdrawal && withdrawal.description == "Withdrawal")
        #expect(withdrawal.amount == Money(cents: 33_33) && withdrawal.balanceAfter == Money(cents: 66_67))
        try await bank.deposit(1, to: account.id)
        #expect(try await bank.balance(account.id) == 66_68)
        #expect(try await bank.balance(SystemAccount.cash) == -66_68)
        #expect(try await bank.count("SELECT COUNT(*) FROM postings") == 6)
        try await bank.expectSound()
    }

    @Test func debitOfTheWholeBalanceLeavesZero() async throws {
        try await bank.deposit(42_00, to: account.id)
        let debit = try await bank.withdraw(42_00, from: account.id)
        #expect(debit.balanceAfter == .zero)
        #expect(try await bank.balance(account.id) == 0)
        try await bank.expectSound()
    }

    @Test func debitBeyondBalanceIsDeclinedAndStored() async throws {
        try await bank.deposit(50_00, to: account.id)
        let postingsBefore = try await bank.count("SELECT COUNT(*) FROM postings")
        let error = await ledgerError { try await bank.withdraw(50_01, from: account.id, description: "ATM") }
        #expect(error?.code == "insufficient_funds")
        #expect(error?.kind == .invalid)
        #expect(error?.requested == Money(cents: 50_01))
        #expect(error?.available == Money(cents: 50_00))
        let declinedID = try #require(error?.transactionID)
        #expect(error?.extensions == [
            "transaction_id": .string(declinedID.description), "requested_cents": .int(50_01), "available_cents": .int(50_00),
        ])

        let declined = try await bank.ledger.transaction(declinedID, of: account.id, in: bank.mine)
        #expect(declined.status == .declined && declined.declineReason == "insufficient_funds")
        #expect(declined.type == .debit && declined.amount == Money(cents: 50_01) && declined.balanceAfter == nil)
        #expect(declined.description == "ATM")
        #expect(try await bank.balance(account.id) == 50_00)
        #expect(try await bank.count("SELECT COUNT(*) FROM postings") == postingsBefore)
        #expect(try await bank.count("SELECT COUNT(*) FROM postings WHERE transaction_id = ?", [declinedID]) == 0)
        #expect(try await bank.count("SELECT COUNT(*) FROM audit_log WHERE action = 'transaction.declined'") == 1)
        try await bank.expectSound()
    }

    @Test func debitFromAnEmptyAccountIsDeclined() async throws {
        let error = await ledgerError { try await bank.withdraw(1, from: account.id) }
        #expect(error?.code == "insufficient_funds")
        #expect(error?.available == .zero)
        #expect(try await bank.count("SELECT COUNT(*) FROM transactions WHERE status = 'declined'") == 1)
        try await bank.expectSound()
    }

    @Test func debitBeyondTheDailyLimitIsDeclinedAndTheLimitResetsAtMidnightUTC() async throws {
        try await bank.deposit(500_00, to: account.id)
        try await bank.database.write { db in
            try db.execute("UPDATE accounts SET daily_debit_limit_cents = 10000 WHERE id = ?", [account.id])
        }
        try await bank.withdraw(60_00, from: account.id)
        let error = await ledgerError { try await bank.withdraw(40_01, from: account.id) }
        #expect(error?.code == "daily_limit_exceeded")
        let declinedID = try #require(error?.transactionID)
        #expect(try await bank.ledger.transaction(declinedID, of: nil, in: .any).declineReason == "daily_limit_exceeded")
        try await bank.withdraw(40_00, from: account.id)
        bank.manualClock.set(Calendar.utcGregorian.startOfDay(for: TestBank.start).addingTimeInterval(86_400))
        try await bank.withdraw(100_00, from: account.id)
        #expect(try await bank.balance(account.id) == 300_00)
        try await bank.expectSound()
    }

    @Test(arguments: [Int64(0), -1, -100_00, 100_000_000_001, .max, .min])
    func amountOutsideOneCentToOneBillionDollarsIsAValidationError(cents: Int64) async throws {
        #expect(await amountFields(cents) == ["amount_cents"])
        #expect(try await bank.count("SELECT COUNT(*) FROM transactions") == 0)
        try await bank.expectSound()
    }

    @Test func largestMovementIsAccepted() async throws {
        try await bank.deposit(100_000_000_000, to: account.id)
        #expect(try await bank.balance(account.id) == 100_000_000_000)
        try await bank.expectSound()
    }

    @Test func descriptionAndCategoryAreValidated() async throws {
        let request = MovementRequest(amount: Money(cents: 1_00), description: String(repeating: "d", count: 201), category: "Not A Slug")
        let error = await #expect(throws: ValidationError.self) { try await bank.ledger.credit(account.id, request, in: bank.mine, actor: .system) }
        #expect(error?.fieldErrors.map(\.field) == ["description", "category"])
        try await bank.deposit(1_00, to: account.id, description: String(repeating: "d", count: 200), category: "rent_2026")
        try await bank.expectSound()
    }

    @Test func creditThatWouldOverflowABalanceIsRefusedWithNothingWritten() async throws {
        let nearMax = Int64.max - 50
        try await bank.database.write { db in
            try db.execute("UPDATE accounts SET balance_cents = ? WHERE id = ?", [nearMax, account.id])
        }
        let error = await ledgerError { try await bank.deposit(51, to: account.id) }
        #expect(error?.code == "amount_overflow")
        #expect(try await bank.balance(account.id) == nearMax)
        #expect(try await bank.count("SELECT COUNT(*) FROM transactions") == 0)
        // The edit made behind the ledger's back is exactly what the integrity check reports.
        let integrity = try await bank.ledger.verifyIntegrity()
        #expect(integrity.mismatchedAccounts == [account.id])
        #expect(!integrity.isSound && integrity.postingsBalance && integrity.negativeAccounts.isEmpty)
    }

    @Test func transactionOfAnotherOwnerIsNotFound() async throws {
        let deposit = try await bank.deposit(5_00, to: account.id)
        let error = await ledgerError { try await bank.ledger.transaction(deposit.id, of: account.id, in: .owner(bank.stranger)) }
        #expect(error?.code == "transaction_not_found")
        let otherAccount = try await bank.openAccount()
        #expect(
            await ledgerError { try await bank.ledger.transaction(deposit.id, of: otherAccount.id, in: bank.mine) }?.code == "transaction_not_found")
        #expect(try await bank.ledger.transaction(deposit.id, of: nil, in: bank.mine) == deposit)
        try await bank.expectSound()
    }
}
