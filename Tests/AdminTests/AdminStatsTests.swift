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

@Suite struct AdminStatsTests {
    /// Three members (one locked out), an employee and an admin; four accounts (one closed); five
    /// posted transactions and a declined one; three requests, one of them still pending.
    static func populatedBank() async throws -> (env: AdminBank, accounts: [Account]) {
        let env = try await AdminBank.open()
        let ada = try await env.user("Ada")
        let bob = try await env.user("Bob")
        let carol = try await env.user("Carol")
        let clerk = try await env.user("Erin", role: .employee)
        _ = try await env.user("Alan", role: .admin)
        let ada1 = try await env.account(for: ada, cents: 10_000)
        try await env.withdraw(1_500, from: ada1.id)
        let ada2 = try await env.account(for: ada, cents: 2_500)
        let bob1 = try await env.account(for: bob, cents: 700)
        _ = await #expect(throws: LedgerError.self) { try await env.withdraw(5_000, from: bob1.id) }
        let carol1 = try await env.account(for: carol)
        _ = try await env.bank.ledger.close(carol1.id, in: carol.scope, actor: carol.actor)
        for _ in 0..<5 {
            let error = await #expect(throws: IdentityError.self) {
                try await env.bank.identity.logIn(email: carol.email, password: "not the password at all", actor: .system)
            }
            #expect(error?.code == "invalid_credentials")
        }
        let locked = await #expect(throws: IdentityError.self) {
            try await env.bank.identity.logIn(email: carol.email, password: AdminBank.password, actor: .system)
        }
        #expect(locked?.code == "account_locked")
        let requests = env.bank.requests
        let keep = try await requests.file(.nameChange(firstName: "Ada", lastName: "King"), member: ada.id, actor: ada.actor)
        let drop = try await requests.file(.nameChange(firstName: "Ada", lastName: "Byron"), member: ada.id, actor: ada.actor)
        let done = try await requests.file(.limitIncrease(account: bob1.id, dailyLimit: Money(cents: 9_000)), member: bob.id, actor: bob.actor)
        _ = try await requests.cancel(drop.id, member: ada.id, actor: ada.actor)
        _ = try await requests.approve(done.id, by: clerk.id, note: nil, actor: clerk.actor)
        #expect(try await requests.request(keep.id, in: .any).status == .pending)
        return (env, [ada1, ada2, bob1, carol1])
    }

    @Test func statsCountEverythingExactlyAndTheLedgerCheckHolds() async throws {
        let (env, _) = try await Self.populatedBank()

        let stats = try await env.admin.stats()

        #expect(stats.users.users == 5)
        #expect(stats.users.members == 3)
        #expect(stats.users.employees == 1)
        #expect(stats.users.admins == 1)
        #expect(stats.users.lockedUsers == 1)
        #expect(stats.ledger.accounts == 4)
        #expect(stats.ledger.openAccounts == 3)
        #expect(stats.ledger.moneyHeld == Money(cents: 8_500 + 2_500 + 700))
        #expect(stats.ledger.transactionsToday == 4)
        #expect(stats.ledger.volumeToday == Money(cents: 10_000 + 1_500 + 2_500 + 700))
        #expect(stats.pendingRequests == 1)
        #expect(stats.integrity.postingsBalance)
        #expect(stats.integrity.accountsMatchEntries)
        #expect(stats.integrity.isSound)
    }

    @Test func aNewDayResetsTodaysFiguresAndALockoutEnds() async throws {
        let (env, _) = try await Self.populatedBank()
        env.clock.advance(by: 24 * 3600)

        let stats = try await env.admin.stats()

        #expect(stats.users.lockedUsers == 0)
        #expect(stats.ledger.transactionsToday == 0)
        #expect(stats.ledger.volumeToday == .zero)
        #expect(stats.ledger.moneyHeld == Money(cents: 11_700))
        #expect(stats.pendingRequests == 1)
    }

    @Test func aBalanceTamperedWithRawSQLFailsTheLedgerCheckAndIsNamed() async throws {
        let (env, accounts) = try await Self.populatedBank()
        let tampered = accounts[1]
        try await env.bank.database.write { db in
            try db.execute("UPDATE accounts SET balance_cents = balance_cents + 100000 WHERE id = ?", [tampered.id])
        }

        let stats = try await env.admin.stats()
        let balance = try await env.admin.balance(tampered.id)

        #expect(stats.integrity.accountsMatchEntries == false)
        #expect(stats.integrity.mismatchedAccounts == [tampered.id])
        #expect(stats.integrity.postingsBalance)
        #expect(stats.integrity.isSound == false)
        #expect(balance.balance == Money(cents: 102_500))
        #expect(balance.computedBalance == Money(cents: 2_500))
        #expect(balance.matches == false)
    }

    @Test func anAuditRowEditedInTheDatabaseFileBreaksTheChainAtThatRow() async throws {
        let (env, _) = try await Self.populatedBank()
        let before = try await env.admin.verifyAuditLog()
        #expect(before.valid)
        #expect(before.firstBadEntry == nil)
        let target = try #require(
            try await env.admin.auditLog(filter: AuditFilter(action: "service_request.cancelled"), page: PageRequest()).data.first)
        #expect(target.id < Int64(before.entries))

        // An attacker with direct access to the database, behind the services' back: the append-only
        // trigger refuses the edit until it is dropped (SQLite) or disabled (PostgreSQL).
        let refused = await #expect(throws: (any Error).self) {
            try await env.bank.database.write { db in try db.execute("UPDATE audit_log SET details = '{}' WHERE id = ?", [target.id]) }
        }
        let refusal = refused.map { String(reflecting: $0) } ?? ""
        #expect(refusal.contains("audit_log is append-only"), "\(refusal)")
        #expect(try await env.admin.verifyAuditLog() == before)
        try await env.bank.database.write { db in
            switch db.dialect {
            case .sqlite: try db.execute("DROP TRIGGER audit_log_append_only_update")
            case .postgres: try db.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only_update")
            }
            try db.execute(#"UPDATE audit_log SET details = '{"to":"completed"}' WHERE id = ?"#, [target.id])
        }

        let after = try await env.admin.verifyAuditLog()

        #expect(after.valid == false)
        #expect(after.firstBadEntry == target.id)
        #expect(after.entries == Int(target.id))
    }
}
