public import BankCore
public import Foundation
import Storage

/// Whether money came in or went out.
public enum TransactionType: String, Sendable, Codable, CaseIterable {
    case credit
    case debit
}

/// Why money moved.
public enum TransactionKind: String, Sendable, Codable, CaseIterable {
    case deposit
    case withdrawal
    case transferIn = "transfer_in"
    case transferOut = "transfer_out"
    case cardPurchase = "card_purchase"
    case reversal
}

/// Whether a transaction moved money or was refused (and stored with its reason).
public enum TransactionStatus: String, Sendable, Codable, CaseIterable {
    case posted
    case declined
}

/// One account's side of a money movement, posted or declined. Never updated; mistakes are reversed.
public struct Transaction: Sendable, Hashable {
    public let id: TransactionID
    public let accountID: AccountID
    public let type: TransactionType
    public let kind: TransactionKind
    public let status: TransactionStatus
    public let amount: Money
    /// The account's balance right after this posting; `nil` for a declined transaction.
    public let balanceAfter: Money?
    public let description: String
    public let category: String?
    public let cardID: CardID?
    public let transferID: TransferID?
    public let counterpartyAccountNumber: String?
    /// Why it was declined (`insufficient_funds`), for declined transactions.
    public let declineReason: String?
    public let createdAt: Date
    /// The debit this reversal gives back, for reversals.
    public let reversesTransactionID: TransactionID?
}

struct TransactionRecord: Sendable {
    var seq: Int64?
    var id: TransactionID
    var accountId: AccountID
    var type: TransactionType
    var kind: TransactionKind
    var status: TransactionStatus
    var amountCents: Int64
    var balanceAfterCents: Int64?
    var description: String
    var category: String?
    var cardId: CardID?
    var transferId: TransferID?
    var counterpartyAccountNumber: String?
    var declineReason: String?
    var createdAt: Date
    var reversesTransactionId: TransactionID?

    /// The columns a transaction is read with, in the order ``init(row:)`` reads them: every query names
    /// them as ``columns`` rather than `SELECT *`, whose order depends on the engine and the table's history.
    static let columnNames = [
        "seq", "id", "account_id", "type", "kind", "status", "amount_cents", "balance_after_cents", "description", "category", "card_id",
        "transfer_id", "counterparty_account_number", "decline_reason", "created_at", "reverses_transaction_id",
    ]

    /// ``columnNames`` as a select list.
    static let columns = columnNames.joined(separator: ", ")

    /// Decoded by hand and by position, timestamps included: statements and listings decode thousands of
    /// rows per request, and Codable decoding with GRDB's date parser was most of that time.
    init(row: SQLRow) {
        self.init(
            seq: row[0], id: TransactionID(row.uuid(atIndex: 1)!), accountId: AccountID(row.uuid(atIndex: 2)!),
            type: TransactionType(rawValue: row[3]) ?? .debit, kind: TransactionKind(rawValue: row[4]) ?? .withdrawal,
            status: TransactionStatus(rawValue: row[5]) ?? .declined, amountCents: row[6], balanceAfterCents: row[7], description: row[8],
            category: row[9], cardId: row.uuid(atIndex: 10).map(CardID.init), transferId: row.uuid(atIndex: 11).map(TransferID.init),
            counterpartyAccountNumber: row[12], declineReason: row[13], createdAt: row.timestamp(atIndex: 14),
            reversesTransactionId: row.uuid(atIndex: 15).map(TransactionID.init))
    }

    /// The transaction with `id`, if any.
    static func find(_ id: TransactionID, in db: any SQLDatabase) throws -> TransactionRecord? {
        try db.row("SELECT \(columns) FROM transactions WHERE id = ?", [id]).map(TransactionRecord.init(row:))
    }

    init(
        seq: Int64?, id: TransactionID, accountId: AccountID, type: TransactionType, kind: TransactionKind, status: TransactionStatus,
        amountCents: Int64, balanceAfterCents: Int64?, description: String, category: String?, cardId: CardID?, transferId: TransferID?,
        counterpartyAccountNumber: String?, declineReason: String?, createdAt: Date, reversesTransactionId: TransactionID?
    ) {
        self.seq = seq
        self.id = id
        self.accountId = accountId
        self.type = type
        self.kind = kind
        self.status = status
        self.amountCents = amountCents
        self.balanceAfterCents = balanceAfterCents
        self.description = description
        self.category = category
        self.cardId = cardId
        self.transferId = transferId
        self.counterpartyAccountNumber = counterpartyAccountNumber
        self.declineReason = declineReason
        self.createdAt = createdAt
        self.reversesTransactionId = reversesTransactionId
    }


    var transaction: Transaction {
        Transaction(
            id: id, accountID: accountId, type: type, kind: kind, status: status, amount: Money(cents: amountCents),
            balanceAfter: balanceAfterCents.map(Money.init(cents:)), description: description, category: category, cardID: cardId,
            transferID: transferId, counterpartyAccountNumber: counterpartyAccountNumber, declineReason: declineReason,
            createdAt: createdAt, reversesTransactionID: reversesTransactionId)
    }
}


/// Filters of a transaction listing; `nil` fields do not filter.
public struct TransactionFilter: Sendable, Hashable {
    public var status: TransactionStatus?
    public var type: TransactionType?
    public var category: String?
    /// Inclusive lower bound of `created_at`.
    public var from: Date?
    /// Exclusive upper bound of `created_at`.
    public var until: Date?
    public var minAmount: Money?
    public var maxAmount: Money?
    /// Text the description contains (case-insensitive for ASCII).
    public var text: String?
    /// Restrict to one account (admin listings across accounts leave it `nil`).
    public var accountID: AccountID?

    /// Creates a filter.
    public init(
        status: TransactionStatus? = nil, type: TransactionType? = nil, category: String? = nil, from: Date? = nil,
        until: Date? = nil, minAmount: Money? = nil, maxAmount: Money? = nil, text: String? = nil, accountID: AccountID? = nil
    ) {
        self.status = status
        self.type = type
        self.category = category
        self.from = from
        self.until = until
        self.minAmount = minAmount
        self.maxAmount = maxAmount
        self.text = text
        self.accountID = accountID
    }
}
