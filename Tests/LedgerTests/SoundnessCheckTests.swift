import BankCore
import BankTestSupport
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

        try await bank.database.write { db in
            try db.execute("UPDATE accounts SET balance_cents = balance_cents + 1 WHERE id = ?", [account.id])
            switch db.dialect {
            case .sqlite: try db.execute("DROP TRIGGER audit_log_append_only_update")
            case .postgres: try db.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only_update")
            }
            try db.execute("UPDATE audit_log SET details = '{}' WHERE id = 1")
        }

        #expect(try await soundnessProblems(bank.ledger, bank.database) == [
            "cached balance differs from postings: [\(account.id)]", "audit chain broken at entry 1",
        ])
    }
}
