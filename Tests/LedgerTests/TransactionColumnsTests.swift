import BankCore
import Foundation
import Storage
import Testing

@testable import Ledger

/// Transactions are read with the columns ``TransactionRecord/columnNames`` names, decoded by position:
/// that list must hold every column of the table, so that a column added by a migration cannot be
/// forgotten by the queries and the decoder.
@Suite struct TransactionColumnsTests {
    @Test func columnNamesAreExactlyTheTransactionsTableColumns() async throws {
        let bank = try TestBank()
        let columns = try await bank.columnNames(of: "transactions")
        #expect(!columns.isEmpty)
        #expect(Set(TransactionRecord.columnNames).count == TransactionRecord.columnNames.count, "a column is named twice")
        #expect(Set(TransactionRecord.columnNames) == Set(columns))
    }

    @Test func aTransactionReadBackByPositionEqualsTheOneWritten() async throws {
        let bank = try TestBank()
        let account = try await bank.openAccount()
        let written = try await bank.deposit(12_34, to: account.id, description: "Salary", category: "salary")

        let read = try await bank.ledger.transaction(written.id, of: account.id, in: .any)

        #expect(read.id == written.id && read.amount == written.amount && read.description == "Salary" && read.category == "salary")
        #expect(abs(read.createdAt.timeIntervalSince(written.createdAt)) < 0.001)
        #expect(read.balanceAfter == written.balanceAfter && read.kind == .deposit && read.status == .posted)
    }
}
