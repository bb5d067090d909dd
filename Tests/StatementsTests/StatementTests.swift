import BankCore
import BankTestSupport
import Cards
import Foundation
import Ledger
import Statements
import Storage
import Testing
import Transfers

@Suite struct StatementTests {
    /// Twelve months of 2025 for two accounts: salary, rent by transfer, card purchases, cash, declines.
    private func yearOfHistory(_ bank: TestBank) async throws -> (checking: Account, savings: Account) {
        let checking = try await bank.openAccount()
        let savings = try await bank.openAccount(type: .savings)
        let card = try await bank.cards.issue(for: checking.id, holder: "Ada", in: bank.mine, actor: .system)
        let categories = ["groceries", "dining", "transport", "utilities"]
        for month in 1...12 {
            func at(_ day: Int, _ hour: Int = 12) {
                bank.clock.set(Calendar.utcGregorian.date(from: DateComponents(year: 2025, month: month, day: day, hour: hour))!)
            }
            at(1, 0)  // the first instant of the month belongs to it
            try await bank.deposit(3_000_00 + Int64(month) * 10, to: checking.id, description: "Salary")
            at(3)
            _ = try await bank.transfers.transfer(
                TransferRequest(from: checking.id, to: .account(savings.id), amount: Money(cents: 500_00), description: "Savings"),
                from: bank.mine, actor: .system)
            for index in 0..<(month % 4 + 2) {
                at(5 + index)
                _ = try await bank.cards.purchase(
                    CardPurchase(cardID: card.card.id, amount: Money(cents: 23_45 * Int64(index + 1)), merchant: "Shop \(index)",
                                 category: categories[index % categories.count]),
                    on: checking.id, in: bank.mine, actor: .system)
            }
            at(20)
            _ = try? await bank.withdraw(1_000_000_00, from: checking.id, description: "Too much")  // declined, stored
            at(28, 23)
            try await bank.withdraw(100_00, from: savings.id, description: "Cash")
        }
        return (checking, savings)
    }

    @Test func everyMonthOfAYearSatisfiesTheStatementIdentityAndMatchesThePostings() async throws {
        let bank = try TestBank()
        let (checking, savings) = try await yearOfHistory(bank)

        for account in [checking, savings] {
            var previousClosing = Money.zero
            for month in 1...12 {
                let period = try StatementPeriod(year: 2025, month: month)
                let statement = try await bank.statements.statement(for: account.id, period: period, in: bank.mine)

                #expect(statement.openingBalance == previousClosing)
                #expect(try statement.openingBalance.adding(statement.totalCredits).subtracting(statement.totalDebits) == statement.closingBalance)
                let postingsInPeriod = try await bank.integer(
                    "SELECT COALESCE(SUM(amount_cents), 0) FROM postings WHERE account_id = ? AND created_at >= ? AND created_at < ?",
                    [account.id, period.start, period.end])
                #expect(postingsInPeriod == statement.totalCredits.cents - statement.totalDebits.cents)
                let posted = statement.transactions.filter { $0.status == .posted }
                #expect(posted.count == statement.transactionCount)
                #expect(statement.transactions.count - posted.count == statement.declinedCount)
                #expect(posted.filter { $0.type == .credit }.reduce(0) { $0 + $1.amount.cents } == statement.totalCredits.cents)
                #expect(posted.filter { $0.type == .debit }.reduce(0) { $0 + $1.amount.cents } == statement.totalDebits.cents)
                #expect(statement.transactions.map(\.createdAt) == statement.transactions.map(\.createdAt).sorted())
                previousClosing = statement.closingBalance
            }
            let balance = try await bank.balance(account.id)
            #expect(previousClosing.cents == balance)
        }
        let checkingMarch = try await bank.statements.statement(for: checking.id, period: try StatementPeriod(year: 2025, month: 3), in: bank.mine)
        #expect(checkingMarch.declinedCount == 1)
        #expect(checkingMarch.totalCredits == Money(cents: 3_000_30))
        #expect(checkingMarch.transactionCount == 1 + 1 + 5)
        #expect(try await bank.soundnessProblems() == [])
    }

    @Test func pagesHoldEveryTransactionOnceInOrderWhateverThePageSize() async throws {
        let bank = try TestBank()
        let (checking, _) = try await yearOfHistory(bank)
        let march = try StatementPeriod(year: 2025, month: 3)
        let whole = try await bank.statements.statement(for: checking.id, period: march, in: bank.mine)
        #expect(whole.transactions.count == 8)  // salary, transfer, 5 purchases, a declined withdrawal
        let header = try await bank.statements.header(for: checking.id, period: march, in: bank.mine)
        for pageSize in [1, 3, 7, 8, 500] {
            var pages: [[TransactionID]] = []
            try await bank.statements.transactions(of: header, pageSize: pageSize) { pages.append($0.map(\.id)) }
            #expect(pages.flatMap { $0 } == whole.transactions.map(\.id), "page size \(pageSize)")
            #expect(pages.dropLast().allSatisfy { $0.count == pageSize } && pages.count == (8 + pageSize - 1) / pageSize, "page size \(pageSize)")
        }
    }

    @Test func pagesHoldOnlyWhatTheFiguresCount() async throws {
        let bank = try TestBank()
        let account = try await bank.openAccount()
        bank.clock.set(Calendar.utcGregorian.date(from: DateComponents(year: 2026, month: 11, day: 2, hour: 9))!)
        for cents: Int64 in [100_00, 200_00, 300_00] { try await bank.deposit(cents, to: account.id) }
        let period = try StatementPeriod(year: 2026, month: 11)
        let header = try await bank.statements.header(for: account.id, period: period, in: bank.mine)
        // Posted after the figures were read, in the same month: not part of this statement.
        try await bank.deposit(400_00, to: account.id)
        try await bank.withdraw(50_00, from: account.id)
        var listed: [Int64] = []
        try await bank.statements.transactions(of: header, pageSize: 2) { listed += $0.map(\.amount.cents) }
        #expect(listed == [100_00, 200_00, 300_00])
        #expect(header.transactionCount == 3 && header.closingBalance == Money(cents: 600_00))
        let later = try await bank.statements.statement(for: account.id, period: period, in: bank.mine)
        #expect(later.transactions.map(\.amount.cents) == [100_00, 200_00, 300_00, 400_00, 50_00])
    }

    @Test func aMonthWithoutActivityOpensAndClosesAtTheSameBalance() async throws {
        let bank = try TestBank()
        let account = try await bank.openAccount()
        try await bank.deposit(42_00, to: account.id)

        let statement = try await bank.statements.statement(for: account.id, period: try StatementPeriod(year: 2027, month: 2), in: bank.mine)

        #expect(statement.openingBalance == Money(cents: 42_00))
        #expect(statement.closingBalance == Money(cents: 42_00))
        #expect(statement.transactions.isEmpty)
        #expect(statement.totalCredits == .zero && statement.totalDebits == .zero)
    }

    @Test func invalidPeriodsAreRefused() {
        for (year, month, field) in [(2026, 0, "month"), (2026, 13, "month"), (1969, 5, "year"), (10_000, 1, "year")] {
            #expect { try StatementPeriod(year: year, month: month) } throws: { ($0 as? ValidationError)?.fieldErrors.map(\.field) == [field] }
        }
    }

    @Test func anotherMemberGetsNotFound() async throws {
        let bank = try TestBank()
        let account = try await bank.openAccount()
        let period = try StatementPeriod(year: 2026, month: 11)

        await #expect { try await bank.statements.statement(for: account.id, period: period, in: .owner(bank.stranger)) } throws: {
            ($0 as? LedgerError)?.code == "account_not_found"
        }
        await #expect { try await bank.statements.summary(for: account.id, year: 2026, in: .owner(bank.stranger)) } throws: {
            ($0 as? LedgerError)?.code == "account_not_found"
        }
    }

    @Test func yearlySummaryTotalsMonthsCategoriesAndLargestDebits() async throws {
        let bank = try TestBank()
        let (checking, _) = try await yearOfHistory(bank)

        let summary = try await bank.statements.summary(for: checking.id, year: 2025, in: bank.mine)

        #expect(summary.openingBalance == .zero)
        #expect(summary.months.count == 12)
        for month in summary.months {
            let statement = try await bank.statements.statement(
                for: checking.id, period: try StatementPeriod(year: 2025, month: month.month), in: bank.mine)
            #expect(month.credits == statement.totalCredits)
            #expect(month.debits == statement.totalDebits)
            #expect(month.closingBalance == statement.closingBalance)
        }
        let balance = try await bank.balance(checking.id)
        #expect(summary.months.last?.closingBalance.cents == balance)
        let purchases = try await bank.integer(
            "SELECT COALESCE(SUM(amount_cents), 0) FROM transactions WHERE kind = 'card_purchase' AND status = 'posted'")
        let byCategory = summary.spendingByCategory.filter { $0.category != nil }
        #expect(byCategory.reduce(0) { $0 + $1.total.cents } == purchases)
        #expect(summary.spendingByCategory.map(\.total) == summary.spendingByCategory.map(\.total).sorted(by: >))
        #expect(summary.spendingByCategory.contains { $0.category == nil && $0.total == Money(cents: 6_000_00) })  // the transfers to savings
        #expect(summary.largestDebits.count == 5)
        #expect(summary.largestDebits.allSatisfy { $0.amount == Money(cents: 500_00) })
    }
}
