import BankCore
import BankTestSupport
import GRDB
import Ledger
import Storage
import Testing

/// The invariant check every suite relies on reports what is broken, not only that something is.
@Suite struct SoundnessCheckTests {
    @Test func aTamperedBalanceAndAuditRowAreEachNamed() async throws {
        let bank = try TestBank()
        let account = try await bank.openAccount()
        try await bank.deposit(10_00, to: account.id)
        #expect(try await soundnessProblems(bank.ledger, bank.database) == [])

        try await bank.database.writer.write { db in
            try db.execute(sql: "UPDATE accounts SET balance_cents = balance_cents + 1 WHERE id = ?", arguments: [account.id])
            try db.execute(sql: "DROP TRIGGER audit_log_append_only_update")
            try db.execute(sql: "UPDATE audit_log SET details = '{}' WHERE id = 1")
        }

        #expect(try await soundnessProblems(bank.ledger, bank.database) == [
            "cached balance differs from postings: [\(account.id)]", "audit chain broken at entry 1",
        ])
    }
}
