import BankCore
import Foundation
import Ledger
import Testing

@Suite struct HistoryTests {
    let bank: TestBank
    let account: Account

    init() async throws {
        bank = try TestBank()
        account = try await bank.openAccount()
    }

    /// Six transactions an hour apart, the fifth declined.
    private func seedHistory() async throws {
        try await bank.deposit(100_00, to: account.id, description: "Salary November", category: "salary")
        bank.manualClock.advance(by: 3600)
        try await bank.withdraw(25_50, from: account.id, description: "Coffee & cake", category: "food")
        bank.manualClock.advance(by: 3600)
        try await bank.withdraw(10_00, from: account.id, description: "50% off sale", category: "shopping")
        bank.manualClock.advance(by: 3600)
        try await bank.withdraw(5_00, from: account.id, description: "my_file fee", category: "fees")
        bank.manualClock.advance(by: 3600)
        await #expect(throws: LedgerError.self) { try await bank.withdraw(1_000_00, from: account.id, description: "Too big") }
        bank.manualClock.advance(by: 3600)
        try await bank.deposit(7_77, to: account.id, description: "Refund COFFEE")
    }

    private func descriptions(_ filter: TransactionFilter) async throws -> [String] {
        try await bank.ledger.transactions(of: account.id, in: bank.mine, filter: filter, page: PageRequest()).data.map(\.description)
    }

    private func hour(_ count: Double) -> Date { TestBank.start.addingTimeInterval(count * 3600) }

    @Test func unfilteredHistoryIsNewestFirstAndIncludesDeclines() async throws {
        try await seedHistory()
        #expect(try await descriptions(TransactionFilter()) == [
            "Refund COFFEE", "Too big", "my_file fee", "50% off sale", "Coffee & cake", "Salary November",
        ])
        #expect(try await bank.balance(account.id) == 67_27)
        try await bank.expectSound()
    }

    @Test func filtersByStatusTypeAndCategory() async throws {
        try await seedHistory()
        #expect(try await descriptions(TransactionFilter(status: .declined)) == ["Too big"])
        #expect(try await descriptions(TransactionFilter(type: .credit)) == ["Refund COFFEE", "Salary November"])
        #expect(try await descriptions(TransactionFilter(status: .posted, type: .debit)) == ["my_file fee", "50% off sale", "Coffee & cake"])
        #expect(try await descriptions(TransactionFilter(category: "food")) == ["Coffee & cake"])
        #expect(try await descriptions(TransactionFilter(category: "nothing")) == [])
    }

    @Test func filtersByTimeWithInclusiveFromAndExclusiveUntil() async throws {
        try await seedHistory()
        #expect(try await descriptions(TransactionFilter(from: hour(1), until: hour(3))) == ["50% off sale", "Coffee & cake"])
        #expect(try await descriptions(TransactionFilter(from: hour(4))) == ["Refund COFFEE", "Too big"])
        #expect(try await descriptions(TransactionFilter(until: hour(1))) == ["Salary November"])
        #expect(try await descriptions(TransactionFilter(from: hour(1).addingTimeInterval(0.001), until: hour(2))) == [])
    }

    @Test func filtersByInclusiveAmountRange() async throws {
        try await seedHistory()
        let filter = TransactionFilter(minAmount: Money(cents: 10_00), maxAmount: Money(cents: 100_00))
        #expect(try await descriptions(filter) == ["50% off sale", "Coffee & cake", "Salary November"])
        #expect(try await descriptions(TransactionFilter(minAmount: Money(cents: 100_01))) == ["Too big"])
        #expect(try await descriptions(TransactionFilter(maxAmount: Money(cents: 7_77))) == ["Refund COFFEE", "my_file fee"])
    }

    @Test func textFilterIsCaseInsensitiveAndTakesWildcardsLiterally() async throws {
        try await seedHistory()
        #expect(try await descriptions(TransactionFilter(text: "coffee")) == ["Refund COFFEE", "Coffee & cake"])
        #expect(try await descriptions(TransactionFilter(text: "%")) == ["50% off sale"])
        #expect(try await descriptions(TransactionFilter(text: "_")) == ["my_file fee"])
        #expect(try await descriptions(TransactionFilter(text: "0% o")) == ["50% off sale"])
        #expect(try await descriptions(TransactionFilter(text: "y_f")) == ["my_file fee"])
        #expect(try await descriptions(TransactionFilter(text: "\\")) == [])
        #expect(try await descriptions(TransactionFilter(text: "")).count == 6)
        #expect(try await descriptions(TransactionFilter(type: .debit, text: "e")) == ["my_file fee", "50% off sale", "Coffee & cake"])
    }

    @Test func cursorPagesNewestFirstWithoutDuplicatesOrGaps() async throws {
        let other = try await bank.openAccount()
        for cents in Int64(1)...23 {
            try await bank.deposit(cents, to: account.id)
            try await bank.deposit(cents, to: other.id)
        }
        var seen: [Int64] = []
        var pages: [Int] = []
        var cursor: Cursor?
        repeat {
            let page = try await bank.ledger.transactions(
                of: account.id, in: bank.mine, filter: TransactionFilter(), page: PageRequest(limit: 5, cursor: cursor))
            seen += page.data.map(\.amount.cents)
            pages.append(page.data.count)
            #expect(page.hasMore == (page.nextCursor != nil))
            cursor = page.nextCursor
        } while cursor != nil
        #expect(pages == [5, 5, 5, 5, 3])
        #expect(seen == Array((Int64(1)...23).reversed()))
        try await bank.expectSound()
    }

    @Test func transactionsArrivingBetweenPagesDoNotShiftLaterPages() async throws {
        for cents in Int64(1)...6 { try await bank.deposit(cents, to: account.id) }
        let first = try await bank.ledger.transactions(of: account.id, in: bank.mine, filter: TransactionFilter(), page: PageRequest(limit: 3))
        try await bank.deposit(99, to: account.id)
        let second = try await bank.ledger.transactions(
            of: account.id, in: bank.mine, filter: TransactionFilter(), page: PageRequest(limit: 3, cursor: first.nextCursor))
        #expect(first.data.map(\.amount.cents) == [6, 5, 4])
        #expect(second.data.map(\.amount.cents) == [3, 2, 1])
        #expect(!second.hasMore && second.nextCursor == nil)
        try await bank.expectSound()
    }

    @Test func cursorWithFiltersPagesOnlyMatchingTransactions() async throws {
        for cents in Int64(1)...10 {
            try await bank.deposit(cents * 100, to: account.id, category: cents.isMultiple(of: 2) ? "even" : "odd")
        }
        let filter = TransactionFilter(category: "even")
        let first = try await bank.ledger.transactions(of: account.id, in: bank.mine, filter: filter, page: PageRequest(limit: 2))
        let second = try await bank.ledger.transactions(
            of: account.id, in: bank.mine, filter: filter, page: PageRequest(limit: 2, cursor: first.nextCursor))
        let third = try await bank.ledger.transactions(
            of: account.id, in: bank.mine, filter: filter, page: PageRequest(limit: 2, cursor: second.nextCursor))
        #expect((first.data + second.data + third.data).map(\.amount.cents) == [1_000, 800, 600, 400, 200])
        #expect(!third.hasMore)
    }

    @Test func adminListingSpansAccounts() async throws {
        let other = try await bank.openAccount(owner: bank.stranger)
        try await bank.deposit(1_00, to: account.id)
        try await bank.deposit(2_00, to: other.id)
        let all = try await bank.ledger.allTransactions(filter: TransactionFilter(), page: PageRequest())
        #expect(all.data.map(\.accountID) == [other.id, account.id])
        let one = try await bank.ledger.allTransactions(filter: TransactionFilter(accountID: other.id), page: PageRequest())
        #expect(one.data.map(\.amount.cents) == [2_00])
    }
}
