public import BankCore
public import Foundation
import GRDB
public import Ledger

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

struct TransferRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "transfers"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var seq: Int64?
    var id: TransferID
    var fromAccountId: AccountID
    var toAccountId: AccountID
    var amountCents: Int64
    var description: String
    var debitTransactionId: TransactionID
    var creditTransactionId: TransactionID
    var createdAt: Date
}
