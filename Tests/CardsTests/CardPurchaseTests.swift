import BankCore
import BankTestSupport
import Cards
import Foundation
import Ledger
import Storage
import Testing

@Suite struct CardPurchaseTests {
    private func fundedCard(_ bank: TestBank, cents: Int64 = 100_00) async throws -> (Account, IssuedCard) {
        let account = try await bank.openAccount()
        try await bank.deposit(cents, to: account.id)
        return (account, try await bank.cards.issue(for: account.id, holder: "Ada", in: bank.mine, actor: .system))
    }

    @Test func aPurchasePostsAgainstTheCardNetwork() async throws {
        let bank = try TestBank()
        let (account, issued) = try await fundedCard(bank)

        let posted = try await bank.cards.purchase(
            CardPurchase(cardID: issued.card.id, amount: Money(cents: 12_50), merchant: "Corner Grocer", category: "groceries"),
            on: account.id, in: bank.mine, actor: .system)

        #expect(posted.kind == .cardPurchase)
        #expect(posted.status == .posted)
        #expect(posted.cardID == issued.card.id)
        #expect(posted.description == "Corner Grocer")
        #expect(posted.balanceAfter == Money(cents: 87_50))
        #expect(try await bank.balance(account.id) == 87_50)
        #expect(try await bank.integer("SELECT balance_cents FROM accounts WHERE system_code = 'external:card-network'") == 12_50)
        #expect(try await bank.soundnessProblems() == [])
    }

    @Test func aFrozenCardIsDeclinedAndTheDeclineIsStored() async throws {
        let bank = try TestBank()
        let (account, issued) = try await fundedCard(bank)
        _ = try await bank.cards.freeze(issued.card.id, in: bank.mine, actor: .system)

        var declinedID: TransactionID?
        await #expect {
            try await bank.cards.purchase(
                CardPurchase(cardID: issued.card.id, amount: Money(cents: 5_00)), on: account.id, in: bank.mine, actor: .system)
        } throws: { error in
            declinedID = (error as? CardError)?.transactionID
            return (error as? CardError)?.code == "card_inactive"
        }

        let declined = try await bank.ledger.transaction(try #require(declinedID), of: account.id, in: bank.mine)
        #expect(declined.status == .declined)
        #expect(declined.declineReason == "card_inactive")
        #expect(declined.cardID == issued.card.id)
        #expect(declined.balanceAfter == nil)
        #expect(try await bank.balance(account.id) == 100_00)
        #expect(try await bank.integer("SELECT COUNT(*) FROM postings WHERE transaction_id = ?", [declined.id]) == 0)

        _ = try await bank.cards.unfreeze(issued.card.id, in: bank.mine, actor: .system)
        _ = try await bank.cards.purchase(
            CardPurchase(cardID: issued.card.id, amount: Money(cents: 5_00)), on: account.id, in: bank.mine, actor: .system)
        #expect(try await bank.balance(account.id) == 95_00)
        #expect(try await bank.soundnessProblems() == [])
    }

    /// Purchases racing a freeze: each is either posted or declined `card_inactive`, the balance reflects
    /// exactly the posted ones, and every purchase after the freeze returned is declined. On PostgreSQL the
    /// purchase's shared lock on the card orders them.
    @Test func purchasesRacingAFreezeArePostedBeforeItOrDeclinedAfter() async throws {
        let bank = try TestBank()
        let (account, issued) = try await fundedCard(bank, cents: 1_000_00)
        let frozen = Task { try await bank.cards.freeze(issued.card.id, in: bank.mine, actor: .system) }
        let outcomes = await withTaskGroup(of: String.self) { group in
            for index in 0..<20 {
                group.addTask {
                    do {
                        _ = try await bank.cards.purchase(
                            CardPurchase(cardID: issued.card.id, amount: Money(cents: 1_00), merchant: "Shop \(index)", category: "shopping"),
                            on: account.id, in: bank.mine, actor: .system)
                        return "posted"
                    } catch {
                        return (error as? CardError)?.code ?? "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        let card = try await frozen.value
        #expect(card.status == .frozen)
        #expect(outcomes.allSatisfy { ["posted", "card_inactive"].contains($0) }, "\(outcomes)")
        let posted = outcomes.filter { $0 == "posted" }.count
        await #expect(throws: CardError.self) {
            try await bank.cards.purchase(
                CardPurchase(cardID: issued.card.id, amount: Money(cents: 1_00)), on: account.id, in: bank.mine, actor: .system)
        }
        #expect(try await bank.balance(account.id) == 1_000_00 - Int64(posted) * 1_00)
        #expect(try await bank.soundnessProblems() == [])
    }

    @Test func aCancelledCardIsDeclined() async throws {
        let bank = try TestBank()
        let (account, issued) = try await fundedCard(bank)
        _ = try await bank.cards.cancel(issued.card.id, in: bank.mine, actor: .system)

        await #expect {
            try await bank.cards.purchase(
                CardPurchase(cardID: issued.card.id, amount: Money(cents: 1)), on: account.id, in: bank.mine, actor: .system)
        } throws: { ($0 as? CardError)?.code == "card_inactive" }
        #expect(try await bank.balance(account.id) == 100_00)
    }

    @Test func anExpiredCardIsDeclined() async throws {
        let bank = try TestBank()
        let (account, issued) = try await fundedCard(bank)
        #expect((issued.card.expiryMonth, issued.card.expiryYear) == (11, 2029))
        bank.clock.set(Calendar.utcGregorian.date(from: DateComponents(year: 2029, month: 11, day: 30, hour: 23))!)
        _ = try await bank.cards.purchase(
            CardPurchase(cardID: issued.card.id, amount: Money(cents: 1)), on: account.id, in: bank.mine, actor: .system)
        bank.clock.set(Calendar.utcGregorian.date(from: DateComponents(year: 2029, month: 12, day: 1))!)

        await #expect {
            try await bank.cards.purchase(
                CardPurchase(cardID: issued.card.id, amount: Money(cents: 1)), on: account.id, in: bank.mine, actor: .system)
        } throws: { ($0 as? CardError)?.code == "card_expired" }
        #expect(try await bank.balance(account.id) == 99_99)
    }

    @Test func aPurchaseBeyondTheBalanceIsDeclinedInsufficientFunds() async throws {
        let bank = try TestBank()
        let (account, issued) = try await fundedCard(bank, cents: 10_00)

        await #expect {
            try await bank.cards.purchase(
                CardPurchase(cardID: issued.card.id, amount: Money(cents: 10_01)), on: account.id, in: bank.mine, actor: .system)
        } throws: { error in
            let ledgerError = error as? LedgerError
            return ledgerError?.code == "insufficient_funds" && ledgerError?.available == Money(cents: 10_00) && ledgerError?.transactionID != nil
        }
        #expect(try await bank.integer("SELECT COUNT(*) FROM transactions WHERE status = 'declined' AND kind = 'card_purchase'") == 1)
        #expect(try await bank.balance(account.id) == 10_00)
    }

    @Test func aCardOfAnotherAccountCannotPay() async throws {
        let bank = try TestBank()
        let (_, issued) = try await fundedCard(bank)
        let other = try await bank.openAccount()
        try await bank.deposit(50_00, to: other.id)

        await #expect {
            try await bank.cards.purchase(CardPurchase(cardID: issued.card.id, amount: Money(cents: 1)), on: other.id, in: bank.mine, actor: .system)
        } throws: { ($0 as? CardError)?.code == "card_not_found" }
        await #expect {
            try await bank.cards.purchase(
                CardPurchase(cardID: issued.card.id, amount: Money(cents: 1)), on: issued.card.accountID, in: .owner(bank.stranger), actor: .system)
        } throws: { ($0 as? LedgerError)?.code == "account_not_found" }
        #expect(try await bank.balance(other.id) == 50_00)
    }

    @Test func invalidAmountsAreRefusedBeforeAnythingIsStored() async throws {
        let bank = try TestBank()
        let (account, issued) = try await fundedCard(bank)
        for cents: Int64 in [0, -5, 100_000_000_001] {
            await #expect {
                try await bank.cards.purchase(
                    CardPurchase(cardID: issued.card.id, amount: Money(cents: cents)), on: account.id, in: bank.mine, actor: .system)
            } throws: { ($0 as? ValidationError)?.fieldErrors.map(\.field) == ["amount_cents"] }
        }
        #expect(try await bank.integer("SELECT COUNT(*) FROM transactions WHERE kind = 'card_purchase'") == 0)
    }
}
