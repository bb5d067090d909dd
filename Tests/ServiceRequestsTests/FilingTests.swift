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
import Transfers

@Suite struct FilingTests {
    @Test func filingAboutAnotherMembersThingsGetsTheOwningModulesNotFound() async throws {
        let env = try await RequestsBank.open()
        let ada = try await env.member()
        let mallory = try await env.member("Mallory", "Moe")
        let account = try await env.account(for: ada, cents: 5_000)
        let (card, purchase) = try await env.purchase(500, on: account)
        let lastAudit = try await env.lastAuditID()
        let cases: [(ServiceRequestDetails, String)] = [
            (.cardReplacement(card: card.card.id, reason: .lost), "card_not_found"),
            (.transactionDispute(transaction: purchase.id, reason: "Not mine"), "transaction_not_found"),
            (.accountClosure(account: account.id), "account_not_found"),
            (.limitIncrease(account: account.id, dailyLimit: Money(cents: 100)), "account_not_found"),
        ]

        for (details, expected) in cases {
            let error = await #expect(throws: (any Error).self) {
                try await env.requests.file(details, member: mallory.id, actor: mallory.actor)
            }
            #expect(error.map(code(of:)) == expected, "\(details.type)")
        }

        #expect(try await env.integer("SELECT COUNT(*) FROM service_requests") == 0)
        #expect(try await env.audit(after: lastAudit).isEmpty)
        #expect(try await env.bank.cards.card(card.card.id, in: ada.scope).status == .active)
    }

    @Test func onlyAPostedWithdrawalOrCardPurchaseNotYetReversedCanBeDisputed() async throws {
        let env = try await RequestsBank.open()
        let ada = try await env.member()
        let bob = try await env.member("Bob", "Babbage")
        let clerk = try await env.employee()
        let account = try await env.account(for: ada, cents: 10_000)
        let bobs = try await env.account(for: bob)
        let deposit = try await env.deposit(1_000, to: account.id)
        let transfer = try await env.bank.transfers.transfer(
            TransferRequest(from: account.id, to: .account(bobs.id), amount: Money(cents: 700)), from: ada.scope, actor: ada.actor)
        let transferOut = try #require(
            try await env.bank.ledger.transactions(of: account.id, in: ada.scope, filter: TransactionFilter(type: .debit), page: PageRequest())
                .data.first { $0.transferID == transfer.id })
        let transferIn = try #require(
            try await env.bank.ledger.transactions(of: bobs.id, in: bob.scope, filter: TransactionFilter(), page: PageRequest()).data.first)
        let declined = await #expect(throws: LedgerError.self) { try await env.withdraw(1_000_000, from: account.id) }
        let declinedID = try #require(declined?.transactionID)
        let reversed = try await env.withdraw(200, from: account.id)
        let dispute = try await env.requests.file(.transactionDispute(transaction: reversed.id, reason: "ATM"), member: ada.id, actor: ada.actor)
        _ = try await env.requests.approve(dispute.id, by: clerk.id, note: nil, actor: clerk.actor)
        let reversal = try #require(
            try await env.bank.ledger.transactions(of: account.id, in: ada.scope, filter: TransactionFilter(), page: PageRequest()).data
                .first { $0.kind == .reversal })
        let cases: [(Person, TransactionID, String)] = [
            (ada, transferOut.id, "transfer out"), (bob, transferIn.id, "transfer in"), (ada, deposit.id, "deposit"),
            (ada, declinedID, "declined debit"), (ada, reversed.id, "already reversed debit"), (ada, reversal.id, "reversal"),
        ]
        let pending = try await env.requests.pendingCount()

        for (person, transaction, label) in cases {
            let error = await #expect(throws: LedgerError.self, "\(label)") {
                try await env.requests.file(.transactionDispute(transaction: transaction, reason: "Wrong"), member: person.id, actor: person.actor)
            }
            #expect(error?.code == "transaction_not_reversible", "\(label)")
        }

        #expect(try await env.requests.pendingCount() == pending)
        #expect(pending == 0)
        try await env.expectSound()
    }

    @Test func invalidDetailsAreRefusedWithTheField() async throws {
        let env = try await RequestsBank.open()
        let ada = try await env.member()
        let account = try await env.account(for: ada, cents: 1_000)
        let debit = try await env.withdraw(100, from: account.id)
        let cases: [(ServiceRequestDetails, [String])] = [
            (.nameChange(firstName: "", lastName: "King"), ["first_name"]),
            (.nameChange(firstName: "Ada", lastName: "   "), ["last_name"]),
            (.nameChange(firstName: String(repeating: "a", count: 101), lastName: "King\u{7}"), ["first_name", "last_name"]),
            (.transactionDispute(transaction: debit.id, reason: ""), ["reason"]),
            (.transactionDispute(transaction: debit.id, reason: "  "), ["reason"]),
            (.transactionDispute(transaction: debit.id, reason: String(repeating: "x", count: 501)), ["reason"]),
            (.limitIncrease(account: account.id, dailyLimit: .zero), ["daily_limit_cents"]),
            (.limitIncrease(account: account.id, dailyLimit: Money(cents: -5)), ["daily_limit_cents"]),
            (.limitIncrease(account: account.id, dailyLimit: Money(cents: 100_000_000_001)), ["daily_limit_cents"]),
        ]

        for (details, expected) in cases {
            let error = await #expect(throws: ValidationError.self, "\(details.fields)") {
                try await env.requests.file(details, member: ada.id, actor: ada.actor)
            }
            #expect(error?.fieldErrors.map(\.field) == expected, "\(details.fields)")
        }

        #expect(try await env.integer("SELECT COUNT(*) FROM service_requests") == 0)
        // The bounds themselves are accepted.
        let limits = [Money(cents: 1), Money.maximumMovement]
        for limit in limits {
            #expect(
                try await env.requests.file(.limitIncrease(account: account.id, dailyLimit: limit), member: ada.id, actor: ada.actor).status
                    == .pending)
        }
        let longest = String(repeating: "x", count: 500)
        let filed = try await env.requests.file(.transactionDispute(transaction: debit.id, reason: longest), member: ada.id, actor: ada.actor)
        #expect(filed.details == .transactionDispute(transaction: debit.id, reason: longest))
    }

    @Test func aCancelledCardOrAClosedAccountCannotBeTheSubjectOfARequest() async throws {
        let env = try await RequestsBank.open()
        let ada = try await env.member()
        let account = try await env.account(for: ada)
        let card = try await env.bank.cards.issue(for: account.id, holder: "Ada Lovelace", in: ada.scope, actor: ada.actor)
        _ = try await env.bank.cards.cancel(card.card.id, in: ada.scope, actor: ada.actor)
        _ = try await env.bank.ledger.close(account.id, in: ada.scope, actor: ada.actor)

        let replace = await #expect(throws: CardError.self) {
            try await env.requests.file(.cardReplacement(card: card.card.id, reason: .damaged), member: ada.id, actor: ada.actor)
        }
        let close = await #expect(throws: LedgerError.self) {
            try await env.requests.file(.accountClosure(account: account.id), member: ada.id, actor: ada.actor)
        }

        #expect(replace?.code == "invalid_card_state")
        #expect(close?.code == "account_closed")
        #expect(try await env.integer("SELECT COUNT(*) FROM service_requests") == 0)
    }
}
