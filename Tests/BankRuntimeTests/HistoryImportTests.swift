import BankCore
import BankRuntime
import BankTestSupport
import Cards
import Foundation
import Ledger
import Storage
import Testing
import Transfers

/// `Bank.history`: a member's past transactions imported in one call, with the ledger as sound as live
/// movements leave it, and all or nothing.
@Suite struct HistoryImportTests {
    /// A member with checking (and its card) and savings, opened at the clock's start; the clock then moves 60 days on.
    struct Member {
        let person: Person
        let checking: Account
        let savings: Account
        let card: CardID
        let opened: Date

        /// Noon of the `n`th day after the accounts were opened.
        func day(_ n: Int) -> Date { opened.addingTimeInterval(Double(n) * 86_400 + 12 * 3_600) }
    }

    static func member(of env: ComposedBank) async throws -> Member {
        let person = try await env.member()
        let checking = try await env.bank.ledger.openAccount(owner: person.id, type: .checking, actor: person.actor)
        let savings = try await env.bank.ledger.openAccount(owner: person.id, type: .savings, actor: person.actor)
        let card = try await env.bank.cards.issue(for: checking.id, holder: "Ada Lovelace", in: person.scope, actor: person.actor)
        let opened = env.clock.now
        env.clock.advance(by: 60 * 86_400)
        return Member(person: person, checking: checking, savings: savings, card: card.card.id, opened: opened)
    }

    /// Salary, a savings transfer, a purchase, a withdrawal and a declined purchase, over five days.
    static func history(of member: Member) -> [HistoryEntry] {
        [
            HistoryEntry(
                date: member.day(1), account: member.checking.id, movement: .deposit, amount: Money(cents: 3_000_00), description: "Salary",
                category: "salary"),
            HistoryEntry(
                date: member.day(2), account: member.checking.id, movement: .transfer(to: member.savings.id), amount: Money(cents: 500_00),
                description: "Savings"),
            HistoryEntry(
                date: member.day(3), account: member.checking.id, movement: .cardPurchase(member.card), amount: Money(cents: 40_00),
                description: "Grocer", category: "groceries"),
            HistoryEntry(date: member.day(4), account: member.checking.id, movement: .withdrawal, amount: Money(cents: 1_000_00), description: "ATM"),
            HistoryEntry(
                date: member.day(5), account: member.checking.id, movement: .cardPurchase(member.card), amount: Money(cents: 9_999_00),
                description: "Jeweller", category: "shopping", declineReason: "insufficient_funds"),
        ]
    }

    @Test func importsAHistoryAsLiveMovementsWouldHavePostedIt() async throws {
        let env = try await ComposedBank.open()
        let member = try await Self.member(of: env)
        let bank = env.bank

        let summary = try await bank.history.importHistory(Self.history(of: member), of: member.person.id, actor: .system)

        #expect([summary.entries, summary.posted, summary.declined, summary.postings] == [5, 4, 1, 8] as [Int])
        #expect(try await env.balance(member.checking.id) == 1_460_00)
        #expect(try await env.balance(member.savings.id) == 500_00)
        let page = try await bank.ledger.transactions(
            of: member.checking.id, in: member.person.scope, filter: TransactionFilter(), page: PageRequest(limit: 10))
        let listed = page.data.reversed().map {
            [$0.kind.rawValue, $0.status.rawValue, String($0.amount.cents), $0.balanceAfter.map { String($0.cents) } ?? "-", $0.declineReason ?? "-"]
        }
        #expect(listed == [
            ["deposit", "posted", "300000", "300000", "-"],
            ["transfer_out", "posted", "50000", "250000", "-"],
            ["card_purchase", "posted", "4000", "246000", "-"],
            ["withdrawal", "posted", "100000", "146000", "-"],
            ["card_purchase", "declined", "999900", "-", "insufficient_funds"],
        ])
        #expect(page.data.reversed().map(\.createdAt) == (1...5).map(member.day))
        #expect(page.data.first?.cardID == member.card)
        #expect(page.data.first { $0.kind == .cardPurchase && $0.status == .posted }?.category == "groceries")

        // The transfer is a transfer: a row of its own, with both sides, the credit on savings.
        let debit = try #require(page.data.first { $0.kind == .transferOut })
        let transfer = try await bank.transfers.transfer(try #require(debit.transferID), visibleTo: member.person.scope)
        #expect(transfer.amount == Money(cents: 500_00) && transfer.fromAccountID == member.checking.id && transfer.toAccountID == member.savings.id)
        #expect(transfer.creditTransaction?.balanceAfter == Money(cents: 500_00))
        #expect(transfer.creditTransaction?.counterpartyAccountNumber == member.checking.number)

        // One audit row records the import.
        let audit = try await bank.database.read { db in
            try bank.database.audit.list(db, filter: AuditFilter(action: "history.imported"), page: PageRequest(limit: 5)).data
        }
        #expect(audit.count == 1)
        #expect(audit.first?.targetID == member.person.id.description)
        #expect(audit.first?.details.contains("\"entries\":\"5\"") == true && audit.first?.details.contains("\"declined\":\"1\"") == true)
        #expect(try await bank.soundnessProblems() == [])
    }

    @Test func aLaterImportAppendsToTheBalances() async throws {
        let env = try await ComposedBank.open()
        let member = try await Self.member(of: env)
        let history = Self.history(of: member)
        _ = try await env.bank.history.importHistory(Array(history[0...1]), of: member.person.id, actor: .system)
        _ = try await env.bank.history.importHistory(Array(history[2...]), of: member.person.id, actor: .system)
        #expect(try await env.balance(member.checking.id) == 1_460_00)
        #expect(try await env.balance(member.savings.id) == 500_00)

        // History goes after what an account already has, never between.
        let early = HistoryEntry(date: member.day(1), account: member.savings.id, movement: .withdrawal, amount: Money(cents: 1_00))
        await expectFieldError("entries[0].date") { _ = try await env.bank.history.importHistory([early], of: member.person.id, actor: .system) }
        #expect(try await env.bank.soundnessProblems() == [])
    }

    @Test func anEntryThatCannotBePaidFailsTheWholeImportAndNamesIt() async throws {
        let env = try await ComposedBank.open()
        let member = try await Self.member(of: env)
        var history = Self.history(of: member)
        history[3].amount = Money(cents: 2_500_00)  // the withdrawal now overdraws: 2,460.00 left
        let before = try await env.dump()

        do {
            _ = try await env.bank.history.importHistory(history, of: member.person.id, actor: .system)
            Issue.record("the import should have failed")
        } catch let error as HistoryImportError {
            #expect(error.entry == 3)
            #expect(error.code == "insufficient_funds")
            #expect(error.kind == .invalid)
            #expect(error.extensions["entry"] == ErrorValue.int(3))
            #expect(error.detail.hasPrefix("Entry 3: "))
        }
        #expect(try await env.dump() == before)
    }

    @Test func accountsAndCardsMustBeTheMembersAndOpen() async throws {
        let env = try await ComposedBank.open()
        let member = try await Self.member(of: env)
        let other = try await Self.member(of: env)
        let bank = env.bank
        let before = try await env.dump()
        func entry(_ account: AccountID, _ movement: HistoryEntry.Movement) -> HistoryEntry {
            HistoryEntry(date: member.day(70), account: account, movement: movement, amount: Money(cents: 1_00))
        }
        let cases: [(HistoryEntry, String)] = [
            (entry(other.checking.id, .deposit), "account_not_found"),
            (entry(member.checking.id, .transfer(to: other.savings.id)), "account_not_found"),
            (entry(member.savings.id, .cardPurchase(member.card)), "card_not_found"),
            (entry(member.checking.id, .cardPurchase(other.card)), "card_not_found"),
        ]
        env.clock.advance(by: 30 * 86_400)
        for (bad, code) in cases {
            let good = entry(member.checking.id, .deposit)
            do {
                _ = try await bank.history.importHistory([good, bad], of: member.person.id, actor: .system)
                Issue.record("\(bad.movement) on \(bad.account) should fail with \(code)")
            } catch let error as HistoryImportError {
                #expect(error.entry == 1)
                #expect(error.code == code)
            }
        }
        #expect(try await env.dump() == before)

        _ = try await bank.ledger.close(member.savings.id, in: member.person.scope, actor: member.person.actor)
        do {
            _ = try await bank.history.importHistory([entry(member.savings.id, .deposit)], of: member.person.id, actor: .system)
            Issue.record("a closed account should refuse history")
        } catch let error as HistoryImportError {
            #expect(error.code == "account_closed")
        }
    }

    @Test func invalidEntriesAreRefusedFieldByField() async throws {
        let env = try await ComposedBank.open()
        let member = try await Self.member(of: env)
        let history = Self.history(of: member)
        let bank = env.bank
        func expectRefused(_ entries: [HistoryEntry], _ field: String, sourceLocation: SourceLocation = #_sourceLocation) async {
            await expectFieldError(field, sourceLocation: sourceLocation) {
                _ = try await bank.history.importHistory(entries, of: member.person.id, actor: .system)
            }
        }
        await expectRefused([], "entries")
        var future = history[0]
        future.date = env.clock.now.addingTimeInterval(60)
        await expectRefused([future], "entries[0].date")
        await expectRefused([history[1], history[0]], "entries[1].date")
        var beforeOpening = history[0]
        beforeOpening.date = member.opened.addingTimeInterval(-60)
        await expectRefused([beforeOpening], "entries[0].date")
        var zero = history[0]
        zero.amount = .zero
        await expectRefused([zero], "entries[0].amount_cents")
        var declinedDeposit = history[0]
        declinedDeposit.declineReason = "insufficient_funds"
        await expectRefused([declinedDeposit], "entries[0].decline_reason")
        var badReason = history[4]
        badReason.declineReason = "Nope!"
        await expectRefused([history[0], badReason], "entries[1].decline_reason")
        var toItself = history[1]
        toItself.movement = .transfer(to: member.checking.id)
        await expectRefused([history[0], toItself], "entries[1].movement")
        var badCategory = history[0]
        badCategory.category = "Not A Slug"
        await expectRefused([badCategory], "entries[0].category")
        #expect(try await env.balance(member.checking.id) == 0)
    }
}

/// Expects `work` to throw a `ValidationError` naming `field`.
func expectFieldError(_ field: String, sourceLocation: SourceLocation = #_sourceLocation, _ work: () async throws -> Void) async {
    do {
        try await work()
        Issue.record("expected a validation error on \(field)", sourceLocation: sourceLocation)
    } catch let error as ValidationError {
        #expect(error.fieldErrors.map(\.field).contains(field), "\(error.fieldErrors)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a validation error on \(field), got \(error)", sourceLocation: sourceLocation)
    }
}
