import Admin
import BankCore
import BankTestSupport
import BankRuntime
import Foundation
import Identity
import Ledger
import ServiceRequests
import Storage
import Testing

@Suite struct AdminListingTests {
    @Test func usersAreListedNewestFirstAcrossPagesWithoutDuplicatesOrGaps() async throws {
        let env = try await AdminBank.open()
        var created: [UserID] = []
        for index in 0..<7 { created.append(try await env.user("User\(index)", role: index == 3 ? .employee : .member).id) }

        let (users, pages) = try await walk(limit: 3) { try await env.admin.users(page: $0) }

        #expect(users.map(\.id) == created.reversed())
        #expect(pages == [3, 3, 1])
        #expect(Set(users.map(\.id)).count == users.count)
        #expect(users.map(\.role).filter { $0 == .employee }.count == 1)
        #expect(try await env.admin.user(created[2]).firstName == "User2")
    }

    @Test func accountsOfEveryOwnerAreListedNewestFirstAcrossPages() async throws {
        let env = try await AdminBank.open()
        let ada = try await env.user("Ada")
        let bob = try await env.user("Bob")
        var created: [Account] = []
        for owner in [ada, bob, ada, bob, bob] { created.append(try await env.account(for: owner)) }

        let (accounts, pages) = try await walk(limit: 2) { try await env.admin.accounts(page: $0) }

        #expect(accounts.map(\.id) == created.reversed().map(\.id))
        #expect(accounts.map(\.ownerID) == [bob.id, bob.id, ada.id, bob.id, ada.id])
        #expect(pages == [2, 2, 1])
        #expect(!accounts.contains { $0.id == SystemAccount.cash.id || $0.id == SystemAccount.cardNetwork.id })
    }

    @Test func transactionsAcrossAccountsAreListedNewestFirstAndLookedUpForAnyOwner() async throws {
        let env = try await AdminBank.open()
        let ada = try await env.user("Ada")
        let bob = try await env.user("Bob")
        let adas = try await env.account(for: ada)
        let bobs = try await env.account(for: bob)
        var created: [TransactionID] = []
        for (account, cents) in [(adas, 1_000), (bobs, 500), (adas, 250), (bobs, 75)] {
            created.append(
                try await env.bank.ledger.credit(account.id, MovementRequest(amount: Money(cents: Int64(cents))), in: .any, actor: .system).id)
        }
        created.append(try await env.withdraw(100, from: adas.id).id)
        let declined = await #expect(throws: LedgerError.self) { try await env.withdraw(1_000_000, from: bobs.id) }
        created.append(try #require(declined?.transactionID))

        let (all, pages) = try await walk(limit: 4) { try await env.admin.transactions(filter: TransactionFilter(), page: $0) }
        let (bobsOnly, _) = try await walk(limit: 1) { try await env.admin.transactions(of: bobs.id, filter: TransactionFilter(), page: $0) }
        let declinedOnly = try await env.admin.transactions(filter: TransactionFilter(status: .declined), page: PageRequest())

        #expect(all.map(\.id) == created.reversed())
        #expect(pages == [4, 2])
        #expect(bobsOnly.map(\.id) == [created[5], created[3], created[1]])
        #expect(declinedOnly.data.map(\.id) == [created[5]])
        let lookedUp = try await env.admin.transaction(created[1])
        #expect(lookedUp.accountID == bobs.id)
        #expect(lookedUp.amount == Money(cents: 500))
        let balance = try await env.admin.balance(bobs.id)
        #expect(balance.balance == Money(cents: 575))
        #expect(balance.computedBalance == Money(cents: 575))
        #expect(balance.matches)
        #expect(try await env.admin.account(adas.id).balance == Money(cents: 1_150))
        #expect(try await env.admin.account(adas.id).ownerID == ada.id)
    }

    @Test func unknownIDsAreNotFoundWithTheOwningModulesCode() async throws {
        let env = try await AdminBank.open()

        let account = await #expect(throws: LedgerError.self) { try await env.admin.account(AccountID(UUID())) }
        let system = await #expect(throws: LedgerError.self) { try await env.admin.account(SystemAccount.cash.id) }
        let balance = await #expect(throws: LedgerError.self) { try await env.admin.balance(AccountID(UUID())) }
        let transaction = await #expect(throws: LedgerError.self) { try await env.admin.transaction(TransactionID(UUID())) }
        let user = await #expect(throws: IdentityError.self) { try await env.admin.user(UserID(UUID())) }

        #expect(account?.code == "account_not_found")
        #expect(system?.code == "account_not_found")
        #expect(balance?.code == "account_not_found")
        #expect(transaction?.code == "transaction_not_found")
        #expect(user?.code == "user_not_found")
    }

    @Test func serviceRequestsOfEveryMemberAreListedNewestFirstAndByStatus() async throws {
        let env = try await AdminBank.open()
        let ada = try await env.user("Ada")
        let bob = try await env.user("Bob")
        let clerk = try await env.user("Clerk", role: .employee)
        var created: [ServiceRequest] = []
        for (index, person) in [ada, bob, ada, bob, ada].enumerated() {
            created.append(try await env.bank.requests.file(
                .nameChange(firstName: "Name\(index)", lastName: "Tester"), member: person.id, actor: person.actor))
        }
        _ = try await env.bank.requests.approve(created[1].id, by: clerk.id, note: nil, actor: clerk.actor)

        let (all, pages) = try await walk(limit: 2) { try await env.admin.serviceRequests(status: nil, page: $0) }
        let (pending, _) = try await walk(limit: 3) { try await env.admin.serviceRequests(status: .pending, page: $0) }

        #expect(all.map(\.id) == created.reversed().map(\.id))
        #expect(pages == [2, 2, 1])
        #expect(pending.map(\.id) == [created[4], created[3], created[2], created[0]].map(\.id))
        #expect(try await env.admin.serviceRequests(status: .completed, page: PageRequest()).data.map(\.id) == [created[1].id])
    }

    @Test func auditLogFiltersByActorActionAndTime() async throws {
        let env = try await AdminBank.open()
        let t0 = env.clock.now
        let ada = try await env.user("Ada")
        _ = try await env.account(for: ada, cents: 1_000)
        env.clock.advance(by: 3600)
        let t1 = env.clock.now
        let bob = try await env.user("Bob")
        let bobs = try await env.account(for: bob, cents: 500)
        env.clock.advance(by: 3600)
        let t2 = env.clock.now
        try await env.withdraw(100, from: bobs.id)

        let adaRows = try await env.admin.auditLog(filter: AuditFilter(actorID: ada.id.description), page: PageRequest())
        let opened = try await env.admin.auditLog(filter: AuditFilter(action: "account.opened"), page: PageRequest())
        let middle = try await env.admin.auditLog(filter: AuditFilter(from: t1, to: t2), page: PageRequest())
        let fromT1 = try await env.admin.auditLog(filter: AuditFilter(from: t1), page: PageRequest())
        let beforeT1 = try await env.admin.auditLog(filter: AuditFilter(from: t0, to: t1), page: PageRequest())
        let bobOpened = try await env.admin.auditLog(filter: AuditFilter(actorID: bob.id.description, action: "account.opened"), page: PageRequest())

        #expect(adaRows.data.map(\.action) == ["transaction.credit", "account.opened", "user.signup"])
        #expect(adaRows.data.allSatisfy { $0.actorID == ada.id.description })
        #expect(opened.data.map(\.actorID) == [bob.id.description, ada.id.description])
        #expect(middle.data.map(\.action) == ["transaction.credit", "account.opened", "user.signup"])
        #expect(middle.data.allSatisfy { $0.actorID == bob.id.description })
        #expect(fromT1.data.map(\.action) == ["transaction.debit", "transaction.credit", "account.opened", "user.signup"])
        #expect(beforeT1.data.allSatisfy { $0.actorID == ada.id.description } && beforeT1.data.count == 3)
        #expect(bobOpened.data.map(\.targetID) == [bobs.id.description])

        let total = try await env.integer("SELECT COUNT(*) FROM audit_log")
        let (everything, pages) = try await walk(limit: 4) { try await env.admin.auditLog(filter: AuditFilter(), page: $0) }
        #expect(total == 7)
        #expect(everything.map(\.id) == Array((1...total).reversed()))
        #expect(pages == [4, 3])
    }
}
