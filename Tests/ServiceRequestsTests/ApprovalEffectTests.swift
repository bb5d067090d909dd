import BankCore
import BankTestSupport
import BankRuntime
import Cards
import Foundation
import Identity
import Ledger
import ServiceRequests
import Storage
import Testing

@Suite struct ApprovalEffectTests {
    @Test func approvedCardReplacementCancelsTheOldCardAndIssuesANewActiveCardOnTheSameAccount() async throws {
        let env = try await RequestsBank.open()
        let ada = try await env.member()
        let clerk = try await env.employee()
        let account = try await env.account(for: ada, cents: 5_000)
        let old = try await env.bank.cards.issue(for: account.id, holder: "Ada Lovelace", in: ada.scope, actor: ada.actor)
        let filed = try await env.requests.file(.cardReplacement(card: old.card.id, reason: .lost), member: ada.id, actor: ada.actor)
        #expect(filed.status == .pending)
        #expect(try await env.requests.claimFirstView(of: filed.id, member: ada.id) == false)

        let approved = try await env.requests.approve(filed.id, by: clerk.id, note: "Reported lost by phone", actor: clerk.actor)

        #expect(approved.status == .completed)
        #expect(approved.decidedBy == clerk.id)
        #expect(approved.note == "Reported lost by phone")
        let newID = try #require(approved.result["new_card_id"].flatMap { CardID($0) })
        #expect(newID != old.card.id)
        #expect(try await env.bank.cards.card(old.card.id, in: ada.scope).status == .cancelled)
        let new = try await env.bank.cards.card(newID, in: ada.scope)
        #expect(new.status == .active)
        #expect(new.accountID == account.id)
        #expect(new.cardholderName == "ADA LOVELACE")
        #expect(approved.result["last_four"] == new.lastFour)
        #expect(try await env.bank.cards.cards(of: account.id, in: ada.scope).map(\.id) == [newID, old.card.id])
        let revealed = try await env.bank.cards.reveal(newID, in: ada.scope, actor: ada.actor)
        #expect(revealed.pan != old.pan)
        #expect(try await env.balance(account.id) == 5_000)
        // The new number is shown once: the first view claims it, later views do not, and nobody else can.
        let stranger = try await env.member("Bob", "Babbage")
        #expect(try await env.requests.claimFirstView(of: filed.id, member: stranger.id) == false)
        #expect(try await env.requests.claimFirstView(of: filed.id, member: ada.id) == true)
        #expect(try await env.requests.claimFirstView(of: filed.id, member: ada.id) == false)
        #expect(try await env.requests.request(filed.id, in: ada.scope).resultViewedAt == env.clock.now)
        try await env.expectSound()
    }

    @Test func approvedNameChangeRenamesTheMember() async throws {
        let env = try await RequestsBank.open()
        let ada = try await env.member("Ada", "Lovelace")
        let clerk = try await env.employee()
        let filed = try await env.requests.file(.nameChange(firstName: "Augusta", lastName: " King "), member: ada.id, actor: ada.actor)
        #expect(try await env.bank.identity.user(ada.id).lastName == "Lovelace")

        let approved = try await env.requests.approve(filed.id, by: clerk.id, note: nil, actor: clerk.actor)

        #expect(approved.status == .completed)
        #expect(approved.result.isEmpty)
        let user = try await env.bank.identity.user(ada.id)
        #expect(user.firstName == "Augusta")
        #expect(user.lastName == "King")
        #expect(user.email == ada.email)
        try await env.expectSound()
    }

    @Test(arguments: [TransactionKind.cardPurchase, .withdrawal])
    func approvedDisputeReversesThePostedDebitFromTheSystemAccount(kind: TransactionKind) async throws {
        let env = try await RequestsBank.open()
        let ada = try await env.member()
        let clerk = try await env.employee()
        let account = try await env.account(for: ada, cents: 10_000)
        let debit: Transaction
        if kind == .cardPurchase {
            debit = try await env.purchase(2_500, on: account).purchase
        } else {
            debit = try await env.withdraw(2_500, from: account.id)
        }
        #expect(debit.kind == kind)
        let system = kind == .cardPurchase ? SystemAccount.cardNetwork.id : SystemAccount.cash.id
        let systemBefore = try await env.integer("SELECT balance_cents FROM accounts WHERE id = ?", [system])
        #expect(try await env.balance(account.id) == 7_500)
        let filed = try await env.requests.file(
            .transactionDispute(transaction: debit.id, reason: "I never made this"), member: ada.id, actor: ada.actor)

        let approved = try await env.requests.approve(filed.id, by: clerk.id, note: nil, actor: clerk.actor)

        #expect(approved.status == .completed)
        let reversalID = try #require(approved.result["reversal_transaction_id"].flatMap { TransactionID($0) })
        let reversal = try await env.bank.ledger.transaction(reversalID, of: account.id, in: ada.scope)
        #expect(reversal.kind == .reversal)
        #expect(reversal.type == .credit)
        #expect(reversal.status == .posted)
        #expect(reversal.amount == Money(cents: 2_500))
        #expect(reversal.reversesTransactionID == debit.id)
        #expect(reversal.cardID == debit.cardID)
        #expect(reversal.balanceAfter == Money(cents: 10_000))
        #expect(try await env.balance(account.id) == 10_000)
        #expect(try await env.bank.ledger.balance(account.id, in: ada.scope).matches)
        #expect(try await env.integer("SELECT balance_cents FROM accounts WHERE id = ?", [system]) == systemBefore - 2_500)
        #expect(try await env.integer("SELECT COUNT(*) FROM transactions WHERE reverses_transaction_id = ?", [debit.id]) == 1)
        let reversedRows = try await env.audit().filter { $0.action == "transaction.reversed" }
        #expect(reversedRows.count == 1)
        #expect(reversedRows.first?.actorID == clerk.id.description)
        try await env.expectSound()
    }

    @Test func approvedClosureClosesAnAccountAtZero() async throws {
        let env = try await RequestsBank.open()
        let ada = try await env.member()
        let clerk = try await env.employee()
        let account = try await env.account(for: ada, cents: 1_200)
        try await env.withdraw(1_200, from: account.id)
        let filed = try await env.requests.file(.accountClosure(account: account.id), member: ada.id, actor: ada.actor)

        let approved = try await env.requests.approve(filed.id, by: clerk.id, note: nil, actor: clerk.actor)

        #expect(approved.status == .completed)
        #expect(approved.result == ["account_status": "closed"])
        #expect(try await env.bank.ledger.account(account.id, in: ada.scope).status == .closed)
        let error = await #expect(throws: LedgerError.self) { try await env.deposit(100, to: account.id) }
        #expect(error?.code == "account_closed")
        try await env.expectSound()
    }

    @Test func closureOfAnAccountHoldingMoneyFailsAndTheRequestStaysPending() async throws {
        let env = try await RequestsBank.open()
        let ada = try await env.member()
        let clerk = try await env.employee()
        let account = try await env.account(for: ada, cents: 300)
        let filed = try await env.requests.file(.accountClosure(account: account.id), member: ada.id, actor: ada.actor)
        let world = try await env.worldState()
        let lastAudit = try await env.lastAuditID()

        let error = await #expect(throws: LedgerError.self) {
            try await env.requests.approve(filed.id, by: clerk.id, note: nil, actor: clerk.actor)
        }

        #expect(error?.code == "balance_not_zero")
        let after = try await env.requests.request(filed.id, in: ada.scope)
        #expect(after.status == .pending)
        #expect(after.decidedBy == nil)
        #expect(after.result.isEmpty)
        #expect(try await env.worldState() == world)
        #expect(try await env.audit(after: lastAudit).isEmpty)
        // Once the account is empty, the same request can be approved.
        try await env.withdraw(300, from: account.id)
        #expect(try await env.requests.approve(filed.id, by: clerk.id, note: nil, actor: clerk.actor).status == .completed)
        #expect(try await env.bank.ledger.account(account.id, in: .any).status == .closed)
        try await env.expectSound()
    }

    @Test func approvedLimitIncreaseSetsTheDailyLimitAndADebitBeyondItIsDeclinedAndStored() async throws {
        let env = try await RequestsBank.open()
        let ada = try await env.member()
        let clerk = try await env.employee()
        let account = try await env.account(for: ada, cents: 100_000)
        #expect(account.dailyDebitLimit == nil)
        let filed = try await env.requests.file(
            .limitIncrease(account: account.id, dailyLimit: Money(cents: 50_000)), member: ada.id, actor: ada.actor)

        let approved = try await env.requests.approve(filed.id, by: clerk.id, note: nil, actor: clerk.actor)

        #expect(approved.result == ["daily_limit_cents": "50000"])
        #expect(try await env.bank.ledger.account(account.id, in: .any).dailyDebitLimit == Money(cents: 50_000))
        try await env.withdraw(30_000, from: account.id)
        let error = await #expect(throws: LedgerError.self) { try await env.withdraw(25_000, from: account.id) }
        #expect(error?.code == "daily_limit_exceeded")
        let declinedID = try #require(error?.transactionID)
        let declined = try await env.bank.ledger.transaction(declinedID, of: account.id, in: ada.scope)
        #expect(declined.status == .declined)
        #expect(declined.declineReason == "daily_limit_exceeded")
        #expect(declined.amount == Money(cents: 25_000))
        #expect(try await env.balance(account.id) == 70_000)
        try await env.withdraw(20_000, from: account.id)
        #expect(try await env.balance(account.id) == 50_000)
        try await env.expectSound()
    }

    @Test func aDisputeOfADebitOnAnAccountClosedSinceFailsAndStaysPending() async throws {
        let env = try await RequestsBank.open()
        let ada = try await env.member()
        let clerk = try await env.employee()
        let account = try await env.account(for: ada, cents: 800)
        let debit = try await env.withdraw(800, from: account.id)
        let filed = try await env.requests.file(.transactionDispute(transaction: debit.id, reason: "Not me"), member: ada.id, actor: ada.actor)
        _ = try await env.bank.ledger.close(account.id, in: ada.scope, actor: ada.actor)
        let world = try await env.worldState()

        let error = await #expect(throws: LedgerError.self) {
            try await env.requests.approve(filed.id, by: clerk.id, note: nil, actor: clerk.actor)
        }

        #expect(error?.code == "account_closed")
        #expect(try await env.requests.request(filed.id, in: ada.scope).status == .pending)
        #expect(try await env.worldState() == world)
        try await env.expectSound()
    }
}
