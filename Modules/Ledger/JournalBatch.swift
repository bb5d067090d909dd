import BankCore
package import Foundation
package import Storage

/// Journal entries posted one after another inside one write transaction. Each account's balance is
/// read once, kept here as entries apply, and written back once by ``finish()``: one entry for a use
/// case, thousands for a history import.
///
/// Nothing else in the transaction may write the accounts it touches between its first ``post(_:at:)``
/// and ``finish()``; until then their stored balances are stale.
///
/// A leg dated before its account's balance checkpoint (a history import, a request stamped before a checkpoint
/// pass that committed first) would make the checkpoint wrong: ``finish()`` deletes such checkpoints.
package struct JournalBatch {
    private struct Balance {
        var amount: Money
        let isMember: Bool
        /// The `dated_before` of the account's balance checkpoint, if it has one.
        let checkpoint: String?
        var changed = false
        var postedBeforeCheckpoint = false
    }

    private let journal: Journal
    private let db: any SQLDatabase
    private var balances: [AccountID: Balance] = [:]

    package init(_ journal: Journal, in db: any SQLDatabase) {
        self.journal = journal
        self.db = db
    }

    /// Posts a balanced entry: one posting per leg and one transaction per member leg, with each
    /// leg's balance after it. - Throws: `amount_overflow`; `insufficient_funds` if a member balance would go negative.
    package mutating func post(_ legs: [Leg], at date: Date) throws -> [Transaction] {
        var total = Money.zero
        for leg in legs { total = try journal.checkedSum(total, leg.amount) }
        precondition(total == .zero && legs.count >= 2, "a journal entry must balance")
        try journal.lock(legs.compactMap { balances[$0.accountID] == nil ? $0.accountID : nil }, in: db)
        let entryID = journal.ids.uuid().lowercasedText
        let timestamp = date.databaseText
        var transactions: [Transaction] = []
        for leg in legs {
            var balance = try loaded(leg.accountID)
            let newBalance = try journal.checkedSum(balance.amount, leg.amount)
            if balance.isMember && newBalance < .zero {
                throw LedgerError(
                    .insufficientFunds, "Debit of \(-leg.amount.cents) cents exceeds available balance of \(balance.amount.cents) cents.",
                    requested: leg.amount.negated, available: balance.amount)
            }
            balance.amount = newBalance
            balance.changed = true
            if let checkpoint = balance.checkpoint, timestamp < checkpoint { balance.postedBeforeCheckpoint = true }
            balances[leg.accountID] = balance
            var transactionID: TransactionID?
            if let details = leg.entry {
                let record = try journal.insertTransaction(
                    account: leg.accountID, type: leg.amount.cents > 0 ? .credit : .debit, status: .posted,
                    amount: Money(cents: Int64(leg.amount.cents.magnitude)), balanceAfter: newBalance, details: details,
                    declineReason: nil, at: date, timestamp: timestamp, in: db)
                transactionID = record.id
                transactions.append(record.transaction)
            }
            try db.execute(
                "INSERT INTO postings (entry_id, account_id, transaction_id, amount_cents, created_at) VALUES (?, ?, ?, ?, ?)",
                SQLArguments([.text(entryID), leg.accountID.sqlValue, transactionID.sqlValue, .integer(leg.amount.cents), .text(timestamp)]))
        }
        return transactions
    }

    /// Writes every changed balance back to its account row, and deletes the checkpoints that legs were posted behind.
    package func finish() throws {
        for (id, balance) in balances where balance.changed {
            try db.execute("UPDATE accounts SET balance_cents = ? WHERE id = ?", [balance.amount, id])
            if balance.postedBeforeCheckpoint { try journal.forgetCheckpoint(of: id, in: db) }
        }
    }

    private mutating func loaded(_ id: AccountID) throws -> Balance {
        if let balance = balances[id] { return balance }
        guard let record = try journal.record(id, in: db) else { throw LedgerError.accountNotFound(id) }
        let balance = Balance(
            amount: Money(cents: record.balanceCents), isMember: !record.isSystem,
            checkpoint: record.isSystem ? nil : try journal.checkpointDate(of: id, in: db))
        balances[id] = balance
        return balance
    }
}
