import Admin
import ArgumentParser
import BankCore
import BankRuntime
import Cards
import Configuration
import Foundation
import GRDB
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
        try await bank.database.writer.read { db in
            try ["users", "accounts", "transactions", "postings", "cards", "service_requests", "audit_log"].map {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1
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
        try await bank.database.writer.write { db in
            try db.execute(sql: "UPDATE accounts SET balance_cents = balance_cents + 1 WHERE number IS NOT NULL AND rowid = (SELECT MIN(rowid) FROM accounts WHERE number IS NOT NULL)")
        }
        try bank.database.close()

        await #expect(throws: ExitCode(1)) { try await run(["verify"]) }
    }

    @Test func verifyFailsAfterAnAuditRowIsTamperedWith() async throws {
        try await run(["seed", "--demo"])
        let queue = try DatabaseQueue(path: directory + "/bank.sqlite")
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_append_only_update")
            try db.execute(sql: #"UPDATE audit_log SET details = '{"forged":"1"}' WHERE id = 5"#)
        }
        try queue.close()

        await #expect(throws: ExitCode(1)) { try await run(["verify"]) }
        let bank = try await openBank()
        let audit = try await bank.database.verifyAuditChain()
        #expect(audit.valid == false)
        #expect(audit.firstBadEntry == 5)
    }

    @Test func anInterruptedRotationResumesAndLeavesEveryCardReadableUnderTheNewKey() async throws {
        try await run(["seed", "--demo"])
        let before = try await openBank()
        let cards = try await before.database.writer.read { db in try String.fetchAll(db, sql: "SELECT id FROM cards ORDER BY rowid") }
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
        let versions = try await after.database.writer.read { db in try Int.fetchAll(db, sql: "SELECT DISTINCT key_version FROM cards") }
        #expect(versions == [2])
        for id in cards { #expect(try await after.cards.reveal(CardID(id)!, in: .any, actor: .system).pan == pans[id]) }
        let onlyNewKey = try BankSecrets.load(config: config, dataDirectory: directory)
        #expect(onlyNewKey.cardKeys.keys.sorted() == [1, 2])
        #expect(try await after.database.verifyAuditChain().valid)
    }

    @Test func seedWithoutWhatToSeedIsAUsageError() {
        #expect(throws: (any Error).self) { try BankCtl.parseAsRoot(["seed"]) }
    }
}
