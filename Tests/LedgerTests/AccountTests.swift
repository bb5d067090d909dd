import BankCore
import Foundation
import Ledger
import Storage
import Testing

@Suite struct AccountTests {
    let bank: TestBank

    init() throws { bank = try TestBank() }

    private func ledgerError<T>(_ body: () async throws -> T) async -> LedgerError? {
        await #expect(throws: LedgerError.self) { _ = try await body() }
    }

    @Test func openedAccountsHaveUniqueTenDigitNumbersAndStartEmpty() async throws {
        var numbers = Set<String>()
        for index in 0..<60 {
            let account = try await bank.openAccount(type: index.isMultiple(of: 2) ? .checking : .savings)
            #expect(account.number.count == 10 && account.number.allSatisfy(\.isASCII) && account.number.allSatisfy(\.isNumber))
            #expect(account.number.first != "0")
            #expect(account.balance == .zero && account.status == .open && account.ownerID == bank.owner)
            numbers.insert(account.number)
        }
        #expect(numbers.count == 60)
        let owned = try await bank.ledger.accounts(ownedBy: bank.owner)
        #expect(owned.count == 60)
        #expect(owned.first?.type == .checking && owned.last?.type == .savings)
        #expect(try await bank.ledger.accounts(ownedBy: bank.stranger).isEmpty)
        #expect(try await bank.count("SELECT COUNT(*) FROM audit_log WHERE action = 'account.opened'") == 60)
        try await bank.expectSound()
    }

    @Test func nicknameIsTrimmedAndLimitedTo50Characters() async throws {
        let account = try await bank.ledger.openAccount(owner: bank.owner, type: .savings, nickname: " Rainy day ", actor: .system)
        #expect(account.nickname == "Rainy day")
        let error = await #expect(throws: ValidationError.self) {
            try await bank.ledger.openAccount(owner: bank.owner, type: .savings, nickname: String(repeating: "n", count: 51), actor: .system)
        }
        #expect(error?.fieldErrors.map(\.field) == ["nickname"])
        #expect(try await bank.ledger.accounts(ownedBy: bank.owner).count == 1)
    }

    @Test func anotherOwnersScopeSeesAccountNotFound() async throws {
        let account = try await bank.openAccount()
        try await bank.deposit(50_00, to: account.id)
        let theirs = OwnerScope.owner(bank.stranger)
        #expect(await ledgerError { try await bank.ledger.account(account.id, in: theirs) }?.code == "account_not_found")
        #expect(await ledgerError { try await bank.ledger.balance(account.id, in: theirs) }?.code == "account_not_found")
        #expect(await ledgerError {
            try await bank.ledger.transactions(of: account.id, in: theirs, filter: TransactionFilter(), page: PageRequest())
        }?.code == "account_not_found")
        #expect(await ledgerError {
            try await bank.ledger.debit(account.id, MovementRequest(amount: Money(cents: 1)), in: theirs, actor: .system)
        }?.code == "account_not_found")
        #expect(await ledgerError { try await bank.ledger.close(account.id, in: theirs, actor: .system) }?.code == "account_not_found")
        #expect(await ledgerError { try await bank.ledger.account(AccountID(UUID()), in: .any) }?.code == "account_not_found")
        #expect(await ledgerError { try await bank.ledger.account(SystemAccount.cash.id, in: .any) }?.code == "account_not_found")
        #expect(try await bank.ledger.account(account.id, in: bank.mine).balance == Money(cents: 50_00))
        #expect(try await bank.balance(account.id) == 50_00)
        try await bank.expectSound()
    }

    @Test func lookupFindsOpenAccountsByNumberOnly() async throws {
        let account = try await bank.openAccount()
        let found = try await bank.ledger.lookup(number: account.number)
        #expect(found.id == account.id && found.ownerID == bank.owner && found.type == .checking)
        #expect(await ledgerError { try await bank.ledger.lookup(number: "0000000000") }?.code == "account_not_found")
        _ = try await bank.ledger.close(account.id, in: bank.mine, actor: .system)
        #expect(await ledgerError { try await bank.ledger.lookup(number: account.number) }?.code == "account_not_found")
    }

    @Test func accountCanBeClosedOnlyAtZeroBalance() async throws {
        let account = try await bank.openAccount()
        try await bank.deposit(10_00, to: account.id)
        let notZero = await ledgerError { try await bank.ledger.close(account.id, in: bank.mine, actor: .system) }
        #expect(notZero?.code == "balance_not_zero")
        #expect(notZero?.kind == .conflict)
        #expect(try await bank.ledger.account(account.id, in: bank.mine).status == .open)

        try await bank.withdraw(10_00, from: account.id)
        bank.manualClock.advance(by: 60)
        let closed = try await bank.ledger.close(account.id, in: bank.mine, actor: .system)
        #expect(closed.status == .closed)
        let closedAt = try await bank.database.read { db in
            try db.value(Date.self, "SELECT closed_at FROM accounts WHERE id = ?", [account.id])
        }
        #expect(closedAt == TestBank.start.addingTimeInterval(60))
        #expect(await ledgerError { try await bank.ledger.close(account.id, in: bank.mine, actor: .system) }?.code == "account_closed")
        try await bank.expectSound()
    }

    @Test func closedAccountMovesNoMoney() async throws {
        let account = try await bank.openAccount()
        _ = try await bank.ledger.close(account.id, in: bank.mine, actor: .system)
        #expect(await ledgerError { try await bank.deposit(1_00, to: account.id) }?.code == "account_closed")
        #expect(await ledgerError { try await bank.withdraw(1_00, from: account.id) }?.code == "account_closed")
        #expect(try await bank.balance(account.id) == 0)
        #expect(try await bank.count("SELECT COUNT(*) FROM transactions") == 0)
        try await bank.expectSound()
    }

    @Test func frozenAccountMovesNoMoneyAndStoresNothing() async throws {
        let account = try await bank.openAccount()
        try await bank.deposit(20_00, to: account.id)
        // Ledger has no freeze use case yet (Cards will); the status is set the way such a module would.
        try await bank.database.write { db in
            try db.execute("UPDATE accounts SET status = 'frozen' WHERE id = ?", [account.id])
        }
        let credit = await ledgerError { try await bank.deposit(1_00, to: account.id) }
        #expect(credit?.code == "account_frozen")
        #expect(credit?.kind == .conflict)
        #expect(await ledgerError { try await bank.withdraw(1_00, from: account.id) }?.code == "account_frozen")
        #expect(try await bank.balance(account.id) == 20_00)
        #expect(try await bank.count("SELECT COUNT(*) FROM transactions") == 1)
        let stillOpen = await ledgerError { try await bank.ledger.close(account.id, in: bank.mine, actor: .system) }
        #expect(stillOpen?.code == "balance_not_zero")
        try await bank.expectSound()
    }

    @Test func balanceReportShowsCachedAndComputedBalances() async throws {
        let account = try await bank.openAccount()
        try await bank.deposit(123_45, to: account.id)
        try await bank.withdraw(23_45, from: account.id)
        let report = try await bank.ledger.balance(account.id, in: bank.mine)
        #expect(report.balance == Money(cents: 100_00))
        #expect(report.available == Money(cents: 100_00))
        #expect(report.computedBalance == Money(cents: 100_00))
        #expect(report.matches)
        try await bank.expectSound()
    }

    @Test func allAccountsPagesMemberAccountsNewestFirstWithoutSystemAccounts() async throws {
        var opened: [AccountID] = []
        for _ in 0..<7 { opened.append(try await bank.openAccount(owner: UserID(UUID())).id) }
        let first = try await bank.ledger.allAccounts(page: PageRequest(limit: 4))
        let second = try await bank.ledger.allAccounts(page: PageRequest(limit: 4, cursor: first.nextCursor))
        #expect(first.data.map(\.id) + second.data.map(\.id) == opened.reversed())
        #expect(first.hasMore && !second.hasMore)
    }
}
