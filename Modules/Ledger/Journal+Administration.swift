package import BankCore
package import Foundation
package import Storage

/// In-transaction changes to accounts that other modules' workflows apply (service requests):
/// closing, daily limits and reversals.
extension Journal {
    /// Closes a member account at zero balance. - Throws: `account_not_found`, `account_closed`, `balance_not_zero`.
    package func close(_ id: AccountID, in scope: OwnerScope, at date: Date, db: any SQLDatabase) throws -> Account {
        try lock([id], in: db)
        let account = try account(id, in: scope, db: db)
        guard account.status != .closed else { throw LedgerError(.accountClosed, "Account \(account.number) is already closed.") }
        guard account.balance == .zero else {
            throw LedgerError(
                .balanceNotZero, "Account \(account.number) holds \(account.balance.cents) cents; only an empty account can be closed.")
        }
        try db.execute("UPDATE accounts SET status = 'closed', closed_at = ? WHERE id = ?", [date, id])
        return try self.account(id, in: scope, db: db)
    }

    /// Sets an account's daily debit limit. - Throws: `account_not_found`, `account_closed`.
    package func setDailyLimit(_ id: AccountID, to limit: Money, in scope: OwnerScope, db: any SQLDatabase) throws -> Account {
        try lock([id], in: db)
        let account = try account(id, in: scope, db: db)
        guard account.status != .closed else { throw LedgerError(.accountClosed, "Account \(account.number) is closed.") }
        try db.execute("UPDATE accounts SET daily_debit_limit_cents = ? WHERE id = ?", [limit, id])
        return try self.account(id, in: scope, db: db)
    }

    /// The posted debit `id` of an account in `scope`, when it can be reversed: a withdrawal or card
    /// purchase (money that left to a system account), not reversed yet.
    /// - Throws: `transaction_not_found`, `transaction_not_reversible`.
    package func reversibleDebit(_ id: TransactionID, in scope: OwnerScope, db: any SQLDatabase) throws -> Transaction {
        guard let record = try TransactionRecord.find(id, in: db),
            let owner = try self.record(record.accountId, in: db)?.ownerId, scope.allows(owner)
        else { throw LedgerError(.transactionNotFound, "No transaction \(id).") }
        guard record.status == .posted, record.type == .debit, [.withdrawal, .cardPurchase].contains(record.kind) else {
            throw LedgerError(.transactionNotReversible, "Only a posted withdrawal or card purchase can be disputed and reversed.")
        }
        guard try db.value(Int.self, "SELECT COUNT(*) FROM transactions WHERE reverses_transaction_id = ?", [id]) == 0 else {
            throw LedgerError(.transactionNotReversible, "Transaction \(id) has already been reversed.")
        }
        return record.transaction
    }

    /// Gives a reversible debit back: credits the account from the system account the money went to.
    /// - Throws: as ``reversibleDebit(_:in:db:)``; `account_closed` if the account was closed since.
    package func reverse(_ id: TransactionID, in scope: OwnerScope, at date: Date, db: any SQLDatabase) throws -> Transaction {
        let debit = try reversibleDebit(id, in: scope, db: db)
        let account = try account(debit.accountID, in: scope, db: db)
        guard account.status != .closed else { throw LedgerError(.accountClosed, "Account \(account.number) is closed.") }
        guard
            let counterparty = try db.value(
                AccountID.self,
                """
                SELECT account_id FROM postings WHERE transaction_id IS NULL
                AND entry_id = (SELECT entry_id FROM postings WHERE transaction_id = ?)
                """, [id])
        else { throw LedgerError(.transactionNotReversible, "Transaction \(id) has no system counterparty to reverse against.") }
        let details = TransactionDetails(
            kind: .reversal, description: "Reversal: \(debit.description)", category: debit.category, cardID: debit.cardID, reverses: id)
        do {
            return try post(
                [
                    Leg(accountID: debit.accountID, amount: debit.amount, entry: details),
                    Leg(accountID: counterparty, amount: debit.amount.negated, entry: nil),
                ],
                at: date, in: db)[0]
        } catch let error where SQLConstraint.violated(by: error) == .unique {
            throw LedgerError(.transactionNotReversible, "Transaction \(id) has already been reversed.")
        }
    }
}
