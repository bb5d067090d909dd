import ArgumentParser
import BankCore
import BankRuntime
import Ledger
import Storage

/// `bankctl verify`: every ledger invariant and the audit chain; exit 0 only when all hold.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check every ledger invariant and the audit chain.",
        discussion: """
            Checks that all postings sum to zero (overall and per journal entry), that every account's cached \
            balance equals the sum of its postings, that no member balance is negative, that every balance \
            checkpoint equals the sum of the postings it covers, and that every audit row links to its \
            predecessor and hashes to its stored hash. Exits 0 when all hold, 1 otherwise, naming each account \
            and the first audit entry that fails.
            """)

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let bank = try await store.openBank()
        defer { try? bank.database.close() }
        let (ledger, audit) = try await bank.verify()
        var sound = true
        func line(_ ok: Bool, _ text: String) {
            print("  \(ok ? "ok  " : "FAIL") \(text)")
            sound = sound && ok
        }
        print("Ledger (\(ledger.accountsChecked) accounts)")
        line(ledger.postingsSum == .zero, "sum of all postings: \(ledger.postingsSum.cents) cents")
        line(ledger.unbalancedEntries.isEmpty, "journal entries that do not balance: \(ledger.unbalancedEntries.count)")
        for entry in ledger.unbalancedEntries { print("       entry \(entry)") }
        line(ledger.mismatchedAccounts.isEmpty, "accounts whose cached balance differs from their postings: \(ledger.mismatchedAccounts.count)")
        for id in ledger.mismatchedAccounts {
            if let report = try? await bank.ledger.balance(id, in: .any) {
                print("       account \(id): cached \(report.balance.cents), computed \(report.computedBalance.cents)")
            } else {
                print("       account \(id) (a system account)")
            }
        }
        line(ledger.negativeAccounts.isEmpty, "member accounts below zero: \(ledger.negativeAccounts.count)")
        for id in ledger.negativeAccounts { print("       account \(id)") }
        line(ledger.mismatchedCheckpoints.isEmpty, "balance checkpoints that differ from their postings: \(ledger.mismatchedCheckpoints.count)")
        for id in ledger.mismatchedCheckpoints { print("       account \(id)") }
        print("Audit chain")
        line(audit.valid, audit.valid ? "\(audit.entries) entries, every link and hash verifies" : "broken at entry \(audit.firstBadEntry ?? 0)")
        print(sound ? "Sound." : "NOT SOUND.")
        if !sound { throw ExitCode(1) }
    }
}
