import BankCore
import Foundation
import Ledger
import Storage
import Testing
import Transfers

@Suite struct TransferTests {
    let bank: TestBank
    let ada = UserID(UUID())
    let bob = UserID(UUID())
    let adaChecking: Account
    let bobChecking: Account

    init() async throws {
        bank = try TestBank()
        adaChecking = try await bank.openAccount(owner: ada, funded: 100_00)
        bobChecking = try await bank.openAccount(owner: bob, funded: 5_00)
    }

    private func ledgerError<T>(_ body: () async throws -> T) async -> LedgerError? {
        await #expect(throws: LedgerError.self) { _ = try await body() }
    }

    private func expectUnchanged(transfers: Int = 0, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await bank.balance(adaChecking.id) == 100_00, sourceLocation: sourceLocation)
        #expect(try await bank.balance(bobChecking.id) == 5_00, sourceLocation: sourceLocation)
        #expect(try await bank.count("SELECT COUNT(*) FROM transfers") == transfers, sourceLocation: sourceLocation)
        try await bank.expectSound(sourceLocation: sourceLocation)
    }

    @Test func transferByAccountIDMovesTheAmountOnBothLegs() async throws {
        let transfer = try await bank.transfer(30_00, from: adaChecking.id, to: .account(bobChecking.id), as: ada, description: "Rent")
        #expect(transfer.fromAccountID == adaChecking.id && transfer.toAccountID == bobChecking.id)
        #expect(transfer.amount == Money(cents: 30_00) && transfer.description == "Rent" && transfer.createdAt == TestBank.start)
        let debit = try #require(transfer.debitTransaction)
        #expect(debit.kind == .transferOut && debit.type == .debit && debit.status == .posted)
        #expect(debit.amount == Money(cents: 30_00) && debit.balanceAfter == Money(cents: 70_00))
        #expect(debit.transferID == transfer.id && debit.counterpartyAccountNumber == bobChecking.number)
        #expect(transfer.creditTransaction == nil)  // Bob's side is not Ada's to see.
        #expect(try await bank.balance(adaChecking.id) == 70_00)
        #expect(try await bank.balance(bobChecking.id) == 35_00)

        let credit = try await bank.ledger.transactions(
            of: bobChecking.id, in: .owner(bob), filter: TransactionFilter(type: .credit), page: PageRequest()).data[0]
        #expect(credit.kind == .transferIn && credit.amount == Money(cents: 30_00) && credit.balanceAfter == Money(cents: 35_00))
        #expect(credit.transferID == transfer.id && credit.counterpartyAccountNumber == adaChecking.number && credit.description == "Rent")
        #expect(try await bank.count("SELECT COUNT(*) FROM transfers") == 1)
        #expect(try await bank.count("SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.created' AND target_id = ?", [transfer.id]) == 1)
        try await bank.expectSound()
    }

    @Test func transferByAccountNumberReachesThatAccount() async throws {
        let transfer = try await bank.transfer(12_34, from: adaChecking.id, to: .number(bobChecking.number), as: ada)
        #expect(transfer.toAccountID == bobChecking.id && transfer.description == "Transfer")
        #expect(try await bank.balance(adaChecking.id) == 87_66)
        #expect(try await bank.balance(bobChecking.id) == 17_34)
        try await bank.expectSound()
    }

    @Test func transferBetweenOwnAccountsShowsBothLegs() async throws {
        let savings = try await bank.openAccount(owner: ada)
        let transfer = try await bank.transfer(100_00, from: adaChecking.id, to: .account(savings.id), as: ada)
        #expect(transfer.debitTransaction?.balanceAfter == .zero)
        #expect(transfer.creditTransaction?.balanceAfter == Money(cents: 100_00))
        #expect(transfer.creditTransaction?.kind == .transferIn)
        #expect(try await bank.balance(adaChecking.id) == 0)
        #expect(try await bank.balance(savings.id) == 100_00)
        try await bank.expectSound()
    }

    @Test func transferToTheSameAccountIsRefused() async throws {
        for target in [TransferTarget.account(adaChecking.id), .number(adaChecking.number)] {
            let error = await #expect(throws: TransferError.self) { try await bank.transfer(1_00, from: adaChecking.id, to: target, as: ada) }
            #expect(error?.code == "same_account")
            #expect(error?.kind == .invalid)
        }
        try await expectUnchanged()
    }

    @Test func transferToAnUnknownAccountIsAccountNotFound() async throws {
        #expect(await ledgerError {
            try await bank.transfer(1_00, from: adaChecking.id, to: .account(AccountID(UUID())), as: ada)
        }?.code == "account_not_found")
        #expect(await ledgerError {
            try await bank.transfer(1_00, from: adaChecking.id, to: .number("1234567890"), as: ada)
        }?.code == "account_not_found")
        #expect(await ledgerError {
            try await bank.transfer(1_00, from: adaChecking.id, to: .account(SystemAccount.cash.id), as: ada)
        }?.code == "account_not_found")
        try await expectUnchanged()
    }

    @Test func transferFromAnAccountNotOwnedIsAccountNotFound() async throws {
        let error = await ledgerError { try await bank.transfer(1_00, from: bobChecking.id, to: .account(adaChecking.id), as: ada) }
        #expect(error?.code == "account_not_found")
        try await expectUnchanged()
    }

    @Test func transferBeyondBalanceIsDeclinedAndStored() async throws {
        let error = await ledgerError { try await bank.transfer(100_01, from: adaChecking.id, to: .account(bobChecking.id), as: ada) }
        #expect(error?.code == "insufficient_funds")
        #expect(error?.requested == Money(cents: 100_01) && error?.available == Money(cents: 100_00))
        let declinedID = try #require(error?.transactionID)
        let declined = try await bank.ledger.transaction(declinedID, of: adaChecking.id, in: .owner(ada))
        #expect(declined.status == .declined && declined.declineReason == "insufficient_funds")
        #expect(declined.kind == .transferOut && declined.amount == Money(cents: 100_01) && declined.balanceAfter == nil)
        #expect(declined.counterpartyAccountNumber == bobChecking.number)
        #expect(try await bank.count("SELECT COUNT(*) FROM transactions WHERE account_id = ?", [bobChecking.id]) == 1)
        #expect(try await bank.count("SELECT COUNT(*) FROM postings WHERE transaction_id = ?", [declinedID]) == 0)
        #expect(try await bank.count("SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.declined'") == 1)
        try await expectUnchanged()
    }

    @Test func invalidAmountsAreValidationErrors() async throws {
        for cents: Int64 in [0, -5_00, 100_000_000_001] {
            let error = await #expect(throws: ValidationError.self) {
                try await bank.transfer(cents, from: adaChecking.id, to: .account(bobChecking.id), as: ada)
            }
            #expect(error?.fieldErrors.map(\.field) == ["amount_cents"])
        }
        try await expectUnchanged()
    }

    @Test func frozenOrClosedAccountsNeitherSendNorReceive() async throws {
        let closed = try await bank.openAccount(owner: bob)
        _ = try await bank.ledger.close(closed.id, in: .owner(bob), actor: .system)
        #expect(await ledgerError { try await bank.transfer(1_00, from: adaChecking.id, to: .account(closed.id), as: ada) }?.code == "account_closed")
        // By number, a closed account does not exist, exactly as lookup answers: the number's existence is not revealed.
        #expect(await ledgerError {
            try await bank.transfer(1_00, from: adaChecking.id, to: .number(closed.number), as: ada)
        }?.code == "account_not_found")
        try await bank.database.write { db in
            try db.execute("UPDATE accounts SET status = 'frozen' WHERE id = ?", [bobChecking.id])
        }
        #expect(await ledgerError {
            try await bank.transfer(1_00, from: adaChecking.id, to: .account(bobChecking.id), as: ada)
        }?.code == "account_frozen")
        #expect(await ledgerError {
            try await bank.transfer(1_00, from: bobChecking.id, to: .account(adaChecking.id), as: bob)
        }?.code == "account_frozen")
        try await expectUnchanged()
    }

    @Test func eachPartySeesOnlyTheirOwnSideAndStrangersSeeNothing() async throws {
        let transfer = try await bank.transfer(40_00, from: adaChecking.id, to: .account(bobChecking.id), as: ada)
        let asSender = try await bank.transfers.transfer(transfer.id, visibleTo: .owner(ada))
        #expect(asSender.debitTransaction?.id == transfer.debitTransaction?.id && asSender.creditTransaction == nil)
        #expect(asSender.amount == Money(cents: 40_00) && asSender.fromAccountID == adaChecking.id && asSender.toAccountID == bobChecking.id)
        let asRecipient = try await bank.transfers.transfer(transfer.id, visibleTo: .owner(bob))
        #expect(asRecipient.debitTransaction == nil)
        #expect(asRecipient.creditTransaction?.amount == Money(cents: 40_00) && asRecipient.creditTransaction?.accountID == bobChecking.id)
        let asAdmin = try await bank.transfers.transfer(transfer.id, visibleTo: .any)
        #expect(asAdmin.debitTransaction != nil && asAdmin.creditTransaction != nil)
        let stranger = await #expect(throws: TransferError.self) { try await bank.transfers.transfer(transfer.id, visibleTo: .owner(UserID(UUID()))) }
        #expect(stranger?.code == "transfer_not_found")
        let unknown = await #expect(throws: TransferError.self) { try await bank.transfers.transfer(TransferID(UUID()), visibleTo: .any) }
        #expect(unknown?.code == "transfer_not_found")
        try await bank.expectSound()
    }
}
