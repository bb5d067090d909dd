public import BankCore
public import Foundation
public import Ledger
import Storage

/// Where a transfer goes: an account id, or an account number as another member gave it.
public enum TransferTarget: Sendable, Hashable {
    case account(AccountID)
    case number(String)
}

/// A transfer as a member asks for it.
public struct TransferRequest: Sendable, Hashable {
    public var from: AccountID
    public var to: TransferTarget
    public var amount: Money
    public var description: String?

    /// Creates a request.
    public init(from: AccountID, to: TransferTarget, amount: Money, description: String? = nil) {
        self.from = from
        self.to = to
        self.amount = amount
        self.description = description
    }
}

/// A completed transfer. Each side sees its own transaction; the other side's is `nil` unless the viewer owns both.
public struct Transfer: Sendable, Hashable {
    public let id: TransferID
    public let fromAccountID: AccountID
    public let toAccountID: AccountID
    public let amount: Money
    public let description: String
    public let debitTransaction: Transaction?
    public let creditTransaction: Transaction?
    public let createdAt: Date
}

struct TransferRecord: Sendable {
    var seq: Int64?
    var id: TransferID
    var fromAccountId: AccountID
    var toAccountId: AccountID
    var amountCents: Int64
    var description: String
    var debitTransactionId: TransactionID
    var creditTransactionId: TransactionID
    var createdAt: Date

    init(row: SQLRow) {
        seq = row["seq"]
        id = row["id"]
        fromAccountId = row["from_account_id"]
        toAccountId = row["to_account_id"]
        amountCents = row["amount_cents"]
        description = row["description"]
        debitTransactionId = row["debit_transaction_id"]
        creditTransactionId = row["credit_transaction_id"]
        createdAt = row.timestamp("created_at")
    }

    /// The transfer with `id`, if any.
    static func find(_ id: TransferID, in db: any SQLDatabase) throws -> TransferRecord? {
        try db.row(
            """
            SELECT seq, id, from_account_id, to_account_id, amount_cents, description, debit_transaction_id, credit_transaction_id, created_at
            FROM transfers WHERE id = ?
            """, [id]
        ).map(TransferRecord.init(row:))
    }
}
