import BankCore
import Foundation
import GRDB
import Storage
import Testing

@testable import Ledger

/// Transaction rows from `SELECT *` are decoded by position: the table's column order must be the one the decoder expects.
@Suite struct ColumnOrderTests {
    @Test func transactionsTableColumnsAreInTheOrderTheDecoderReads() async throws {
        let bank = try TestBank()
        let columns = try await bank.database.writer.read { db in try db.columns(in: "transactions").map(\.name) }
        #expect(columns == TransactionRecord.columnOrder)
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
