import BankCore
public import BankRuntime
public import Ledger
public import Storage

/// Every ledger invariant and the audit chain, as a list of what is broken: `[]` means sound, and a
/// failed `#expect(… == [])` shows exactly which invariant broke and where.
public func soundnessProblems(_ ledger: LedgerService, _ database: BankDatabase) async throws -> [String] {
    let integrity = try await ledger.verifyIntegrity()
    var problems: [String] = []
    if integrity.postingsSum.cents != 0 { problems.append("all postings sum to \(integrity.postingsSum.cents) cents, not 0") }
    if !integrity.unbalancedEntries.isEmpty { problems.append("unbalanced journal entries: \(integrity.unbalancedEntries)") }
    if !integrity.mismatchedAccounts.isEmpty { problems.append("cached balance differs from postings: \(integrity.mismatchedAccounts)") }
    if !integrity.negativeAccounts.isEmpty { problems.append("negative member balances: \(integrity.negativeAccounts)") }
    if !integrity.mismatchedCheckpoints.isEmpty { problems.append("balance checkpoints differ from postings: \(integrity.mismatchedCheckpoints)") }
    let audit = try await database.verifyAuditChain()
    if !audit.valid { problems.append("audit chain broken at entry \(audit.firstBadEntry ?? 0)") }
    return problems
}

extension Bank {
    /// ``soundnessProblems(_:_:)`` of this bank.
    public func soundnessProblems() async throws -> [String] { try await BankTestSupport.soundnessProblems(ledger, database) }
}
