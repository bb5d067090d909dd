import Admin
import ArgumentParser
import BankCore
import BankRuntime
import Cards
import Configuration
import Foundation
import Identity
import Ledger
import ServiceRequests
import Storage
import Testing

@testable import BankCtl

/// `seed`, `verify` and `rotate-card-key` through their parsed entry points, on a temporary data directory.
@Suite struct SeedVerifyRotateTests {
    let harness: CommandHarness
    var directory: String { harness.directory }

    init() throws { harness = try CommandHarness() }

    private func run(_ arguments: [String]) async throws { try await harness.run(arguments) }
    private func openBank() async throws -> Bank { try await harness.openBank() }

    private func counts(_ bank: Bank) async throws -> [Int] {
        try await bank.database.read { db in
            try ["users", "accounts", "transactions", "postings", "cards", "service_requests", "audit_log"].map {
                try db.value(Int.self, "SELECT COUNT(*) FROM \($0)") ?? -1
            }
        }
    }

    @Test func seedingTheDemoTwiceCreatesItOnceAndVerifyPasses() async throws {
        try await run(["seed", "--demo"])
        let bank = try await openBank()
        let first = try await counts(bank)
        try bank.database.close()

        try await run(["seed", "--demo"])
        try await run(["verify"])

        let again = try await openBank()
        defer { try? again.database.close() }
        #expect(try await counts(again) == first)
        let stats = try await again.admin.stats()
        #expect((stats.users.members, stats.users.employees, stats.users.admins) == (5, 1, 1))
        #expect(stats.ledger.accounts == 10)
        #expect(stats.pendingRequests == 1)
        let declined = try await again.ledger.allTransactions(filter: TransactionFilter(status: .declined), page: PageRequest())
        #expect(declined.data.map(\.declineReason) == ["insufficient_funds"])
        let completed = try await again.requests.requests(in: .any, status: .completed, page: PageRequest())
        #expect(completed.data.map(\.type) == [.cardReplacement])
        let login = try await again.identity.logIn(email: "ada@demo.bankkit.dev", password: "demo-password-2026", actor: .system)
        #expect(login.user.role == .member)
    }

    @Test func verifyFailsAfterABalanceIsTamperedWith() async throws {
        try await run(["seed", "--demo"])
        let bank = try await openBank()
        let changed = try await bank.database.write { db in
            try db.execute(
                "UPDATE accounts SET balance_cents = balance_cents + 1 WHERE number IS NOT NULL "
                    + "AND rowid = (SELECT MIN(rowid) FROM accounts WHERE number IS NOT NULL)")
            return db.changedRowCount
        }
        #expect(changed == 1)
        try bank.database.close()

        await #expect(throws: ExitCode(1)) { try await run(["verify"]) }
    }

    @Test func verifyFailsAfterAnAuditRowIsTamperedWith() async throws {
        try await run(["seed", "--demo"])
        // Behind the tool's back: the append-only trigger is dropped (SQLite) or disabled (PostgreSQL) and a row edited.
        let tampering = try await openBank()
        let forged = try await tampering.database.write { db in
            switch db.dialect {
            case .sqlite: try db.execute("DROP TRIGGER audit_log_append_only_update")
            case .postgres: try db.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only_update")
            }
            try db.execute(#"UPDATE audit_log SET details = '{"forged":"1"}' WHERE id = 5"#)
            return db.changedRowCount
        }
        try tampering.database.close()
        #expect(forged == 1)

        await #expect(throws: ExitCode(1)) { try await run(["verify"]) }
        let bank = try await openBank()
        defer { try? bank.database.close() }
        let audit = try await bank.database.verifyAuditChain()
        #expect(audit.valid == false)
        #expect(audit.firstBadEntry == 5)
    }

    @Test func anInterruptedRotationResumesAndLeavesEveryCardReadableUnderTheNewKey() async throws {
        try await run(["seed", "--demo"])
        let before = try await openBank()
        let cards = try await before.database.read { db in try db.values(String.self, "SELECT id FROM cards ORDER BY rowid") }
        var pans: [String: String] = [:]
        for id in cards { pans[id] = try await before.cards.reveal(CardID(id)!, in: .any, actor: .system).pan }
        try before.database.close()

        // Interrupted: a new key version exists and only one batch of two cards was re-encrypted.
        let config = try await harness.config()
        #expect(try BankSecrets.addCardKeyVersion(config: config, dataDirectory: directory) == 2)
        let halfway = try await openBank()
        let progress = try await halfway.cards.rekeyBatch(limit: 2, actor: .system)
        #expect(progress.rekeyed == 2)
        #expect(progress.remaining == cards.count - 2)
        try halfway.database.close()

        try await run(["rotate-card-key"])

        let after = try await openBank()
        defer { try? after.database.close() }
        let versions = try await after.database.read { db in try db.values(Int.self, "SELECT DISTINCT key_version FROM cards") }
        #expect(versions == [2])
        for id in cards { #expect(try await after.cards.reveal(CardID(id)!, in: .any, actor: .system).pan == pans[id]) }
        let onlyNewKey = try BankSecrets.load(config: config, dataDirectory: directory)
        #expect(onlyNewKey.cardKeys.keys.sorted() == [1, 2])
        #expect(try await after.database.verifyAuditChain().valid)
    }

    /// The history starts on the payday on or before 61 days ago, whatever the day: these end days put
    /// 61 days ago on the 1st, the 2nd (rent day, which once came before any salary), the 14th, the 15th,
    /// the 16th and the 31st of a month, and across a year's end.
    @Test(arguments: ["2025-03-01", "2025-12-02", "2025-12-14", "2025-12-15", "2025-12-16", "2025-12-31"])
    func theDemoSeedsSoundlyWhateverDayItEnds(on day: String) async throws {
        try await run(["seed", "--demo", "--as-of", day])
        try await run(["verify"])
        let bank = try await openBank()
        defer { try? bank.database.close() }
        let stats = try await bank.admin.stats()
        #expect((stats.users.members, stats.ledger.accounts, stats.pendingRequests) == (5, 10, 1))
        let declined = try await bank.ledger.allTransactions(filter: TransactionFilter(status: .declined), page: PageRequest())
        #expect(declined.data.map(\.declineReason) == ["insufficient_funds"])
        let pending = try await bank.requests.requests(in: .any, status: .pending, page: PageRequest())
        #expect(pending.data.map(\.createdAt.rfc3339) == ["\(day)T10:00:00Z"])
    }

    @Test(arguments: ["2026-13-01", "2026-02-30", "yesterday", "2999-01-01"])
    func seedRefusesABadAsOfDay(_ day: String) {
        #expect(throws: (any Error).self) { try BankCtl.parseAsRoot(["seed", "--demo", "--as-of", day]) }
    }

    @Test func seedWithoutWhatToSeedIsAUsageError() {
        #expect(throws: (any Error).self) { try BankCtl.parseAsRoot(["seed"]) }
    }
}
