import Admin
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

@Suite struct AdminReadOnlyTests {
    @Test func noAdminServiceMethodWritesAnything() async throws {
        let env = try await AdminBank.open()
        let ada = try await env.user("Ada")
        let clerk = try await env.user("Erin", role: .employee)
        let account = try await env.account(for: ada, cents: 5_000)
        let card = try await env.bank.cards.issue(for: account.id, holder: "Ada Tester", in: ada.scope, actor: ada.actor)
        let purchase = try await env.bank.cards.purchase(
            CardPurchase(cardID: card.card.id, amount: Money(cents: 1_200)), on: account.id, in: ada.scope, actor: ada.actor)
        let dispute = try await env.bank.requests.file(
            .transactionDispute(transaction: purchase.id, reason: "Unknown"), member: ada.id, actor: ada.actor)
        _ = try await env.bank.requests.approve(dispute.id, by: clerk.id, note: nil, actor: clerk.actor)
        _ = try await env.bank.requests.file(.nameChange(firstName: "Ada", lastName: "King"), member: ada.id, actor: ada.actor)
        let rows = try await env.dump()
        let chain = try await env.bank.database.verifyAuditChain()
        let small = PageRequest(limit: 1)

        // Every AdminService method, each with a first and a second page where it pages.
        let admin = env.admin
        let users = try await admin.users(page: small)
        _ = try await admin.users(page: PageRequest(limit: 1, cursor: users.nextCursor))
        _ = try await admin.user(ada.id)
        let accounts = try await admin.accounts(page: small)
        _ = try await admin.accounts(page: PageRequest(cursor: accounts.nextCursor))
        _ = try await admin.account(account.id)
        _ = try await admin.balance(account.id)
        let history = try await admin.transactions(of: account.id, filter: TransactionFilter(), page: small)
        _ = try await admin.transactions(of: account.id, filter: TransactionFilter(), page: PageRequest(cursor: history.nextCursor))
        let all = try await admin.transactions(filter: TransactionFilter(text: "Reversal"), page: small)
        _ = try await admin.transaction(purchase.id)
        let requests = try await admin.serviceRequests(status: nil, page: small)
        _ = try await admin.serviceRequests(status: .pending, page: PageRequest(cursor: requests.nextCursor))
        let log = try await admin.auditLog(filter: AuditFilter(), page: small)
        _ = try await admin.auditLog(
            filter: AuditFilter(actorID: ada.id.description, action: "card.issued"), page: PageRequest(cursor: log.nextCursor))
        let verification = try await admin.verifyAuditLog()
        let stats = try await admin.stats()

        #expect(try await env.dump() == rows)
        #expect(try await env.bank.database.verifyAuditChain() == chain)
        #expect(verification == chain)
        #expect(verification.valid)
        #expect(rows["audit_log"]?.count == chain.entries)
        #expect(users.hasMore && accounts.hasMore == false && history.hasMore && requests.hasMore && log.hasMore)
        #expect(all.data.map(\.kind) == [.reversal])
        #expect(stats.pendingRequests == 1)
        #expect(stats.integrity.isSound)
    }
}
