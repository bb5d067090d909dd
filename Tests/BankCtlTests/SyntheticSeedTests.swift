import ArgumentParser
import BankCore
import BankRuntime
import Foundation
import Identity
import Ledger
import Storage
import Testing

@testable import BankCtl

/// `seed --members N --months M --seed S` through its parsed entry point.
@Suite struct SyntheticSeedTests {
    /// Each member's balances, by email: what the seed decides.
    private func balances(_ harness: CommandHarness) async throws -> [String: [Int64]] {
        let bank = try await harness.openBank()
        defer { try? bank.database.close() }
        let page = try await bank.identity.users(page: PageRequest(limit: 200))
        var result: [String: [Int64]] = [:]
        for user in page.data {
            result[user.email] = try await bank.ledger.accounts(ownedBy: user.id).map(\.balance.cents)
        }
        return result
    }

    @Test func syntheticDataVerifiesAndIsCreatedOnce() async throws {
        let harness = try CommandHarness()
        try await harness.run(["seed", "--members", "12", "--months", "2", "--seed", "7"])
        let bank = try await harness.openBank()
        let counts = try await bank.database.read { db in
            (
                try db.value(Int.self, "SELECT COUNT(*) FROM users")!,
                try db.value(Int.self, "SELECT COUNT(*) FROM accounts WHERE system_code IS NULL")!,
                try db.value(Int.self, "SELECT COUNT(*) FROM cards")!, try db.value(Int.self, "SELECT COUNT(*) FROM postings")!
            )
        }
        try bank.database.close()
        #expect(counts.0 == 12 && counts.1 == 24 && counts.2 == 12)
        #expect(counts.3 > 12 * 2 * 10)

        try await harness.run(["seed", "--members", "12", "--months", "2", "--seed", "7"])
        try await harness.run(["verify"])
        let again = try await harness.openBank()
        defer { try? again.database.close() }
        #expect(try await again.database.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM postings")! } == counts.3)
        let login = try await again.identity.logIn(email: "member-3@synthetic.bankkit.dev", password: "synthetic-password-2026", actor: .system)
        #expect(login.user.role == .member)
    }

    @Test func theSameSeedGivesTheSameDataAndAnotherSeedDoesNot() async throws {
        let first = try CommandHarness()
        let second = try CommandHarness()
        let other = try CommandHarness()
        try await first.run(["seed", "--members", "10", "--months", "2", "--seed", "42"])
        try await second.run(["seed", "--members", "10", "--months", "2", "--seed", "42"])
        try await other.run(["seed", "--members", "10", "--months", "2", "--seed", "43"])

        let expected = try await balances(first)
        #expect(expected.count == 10)
        #expect(try await balances(second) == expected)
        #expect(try await balances(other) != expected)
    }

    @Test func membersAndMonthsGoTogetherAndStayInRange() {
        for arguments in [["seed", "--members", "5"], ["seed", "--months", "2"], ["seed", "--members", "0", "--months", "2"],
                          ["seed", "--members", "5", "--months", "121"], ["seed", "--demo", "--members", "5", "--months", "2"]] {
            #expect(throws: (any Error).self, "\(arguments)") { try BankCtl.parseAsRoot(arguments) }
        }
    }
}
