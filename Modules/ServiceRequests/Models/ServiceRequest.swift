public import BankCore
public import Foundation
public import Storage

/// The kinds of request a member can file.
public enum ServiceRequestType: String, Sendable, Codable, CaseIterable {
    case cardReplacement = "card_replacement"
    case nameChange = "name_change"
    case transactionDispute = "transaction_dispute"
    case accountClosure = "account_closure"
    case limitIncrease = "limit_increase"
}

/// Why a card is replaced.
public enum ReplacementReason: String, Sendable, Codable, CaseIterable {
    case lost, stolen, damaged
}

/// A request with its validated, typed details.
public enum ServiceRequestDetails: Sendable, Hashable {
    case cardReplacement(card: CardID, reason: ReplacementReason)
    case nameChange(firstName: String, lastName: String)
    case transactionDispute(transaction: TransactionID, reason: String)
    case accountClosure(account: AccountID)
    case limitIncrease(account: AccountID, dailyLimit: Money)

    public var type: ServiceRequestType {
        switch self {
        case .cardReplacement: .cardReplacement
        case .nameChange: .nameChange
        case .transactionDispute: .transactionDispute
        case .accountClosure: .accountClosure
        case .limitIncrease: .limitIncrease
        }
    }

    /// The details as flat strings, in the shape API.md gives them.
    public var fields: [String: String] {
        switch self {
        case .cardReplacement(let card, let reason): ["card_id": card.description, "reason": reason.rawValue]
        case .nameChange(let first, let last): ["first_name": first, "last_name": last]
        case .transactionDispute(let transaction, let reason): ["transaction_id": transaction.description, "reason": reason]
        case .accountClosure(let account): ["account_id": account.description]
        case .limitIncrease(let account, let limit): ["account_id": account.description, "daily_limit_cents": String(limit.cents)]
        }
    }

    var accountID: AccountID? {
        switch self {
        case .accountClosure(let account), .limitIncrease(let account, _): account
        default: nil
        }
    }

    var cardID: CardID? {
        if case .cardReplacement(let card, _) = self { return card }
        return nil
    }

    var transactionID: TransactionID? {
        if case .transactionDispute(let transaction, _) = self { return transaction }
        return nil
    }
}

/// Where a request is: `pending → completed` (approved, effect applied), `pending → rejected`, `pending → cancelled`.
public enum ServiceRequestStatus: String, Sendable, Codable, CaseIterable {
    case pending, approved, completed, rejected, cancelled
}

/// A service request.
public struct ServiceRequest: Sendable, Hashable {
    public let id: ServiceRequestID
    public let memberID: UserID
    public let details: ServiceRequestDetails
    public let status: ServiceRequestStatus
    public let note: String?
    public let rejectionReason: String?
    public let decidedBy: UserID?
    public let decidedAt: Date?
    /// What the approval produced (`new_card_id`, `reversal_transaction_id`, …).
    public let result: [String: String]
    /// When the member first saw a replacement card's number, which is shown once.
    public let resultViewedAt: Date?
    public let createdAt: Date
    public let updatedAt: Date

    public var type: ServiceRequestType { details.type }
}

/// Tag of ``ServiceRequestID``.
public enum ServiceRequestTag {}
/// Identifies a service request.
public typealias ServiceRequestID = Identifier<ServiceRequestTag>

/// Stored as their raw text, as the table's CHECK constraints name them.
extension ServiceRequestType: SQLValueConvertible {}
extension ServiceRequestStatus: SQLValueConvertible {}

/// One row of `service_requests`, decoded by column name.
struct ServiceRequestRecord: Sendable {
    /// Assigned by the database on insert; `nil` on a record not yet read back.
    var seq: Int64?
    var id: ServiceRequestID
    var memberId: UserID
    var type: ServiceRequestType
    var status: ServiceRequestStatus
    var accountId: AccountID?
    var cardId: CardID?
    var transactionId: TransactionID?
    var details: String
    var note: String?
    var rejectionReason: String?
    var decidedBy: UserID?
    var decidedAt: Date?
    var result: String?
    var resultViewedAt: Date?
    var createdAt: Date
    var updatedAt: Date

    init(row: SQLRow) {
        seq = row["seq"]
        id = row["id"]
        memberId = row["member_id"]
        type = row["type"]
        status = row["status"]
        accountId = row["account_id"]
        cardId = row["card_id"]
        transactionId = row["transaction_id"]
        details = row["details"]
        note = row["note"]
        rejectionReason = row["rejection_reason"]
        decidedBy = row["decided_by"]
        decidedAt = row.optionalTimestamp("decided_at")
        result = row["result"]
        resultViewedAt = row.optionalTimestamp("result_viewed_at")
        createdAt = row.timestamp("created_at")
        updatedAt = row.timestamp("updated_at")
    }

    init(id: ServiceRequestID, member: UserID, details: ServiceRequestDetails, at date: Date) {
        self.id = id
        memberId = member
        type = details.type
        status = .pending
        accountId = details.accountID
        cardId = details.cardID
        transactionId = details.transactionID
        self.details = Self.encode(details.fields)
        createdAt = date
        updatedAt = date
    }

    /// Inserts the record; the database assigns `seq`.
    func insert(_ db: any SQLDatabase) throws {
        try db.execute(
            """
            INSERT INTO service_requests (id, member_id, type, status, account_id, card_id, transaction_id, details, note,
                rejection_reason, decided_by, decided_at, result, result_viewed_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                id, memberId, type, status, accountId, cardId, transactionId, details, note,
                rejectionReason, decidedBy, decidedAt, result, resultViewedAt, createdAt, updatedAt,
            ])
    }

    /// Writes every column of a record read from the database back to its row (by `seq`, the primary key).
    /// - Returns: whether the row was found.
    func update(_ db: any SQLDatabase) throws -> Bool {
        try db.execute(
            """
            UPDATE service_requests SET id = ?, member_id = ?, type = ?, status = ?, account_id = ?, card_id = ?,
                transaction_id = ?, details = ?, note = ?, rejection_reason = ?, decided_by = ?, decided_at = ?, result = ?,
                result_viewed_at = ?, created_at = ?, updated_at = ?
            WHERE seq = ?
            """,
            [
                id, memberId, type, status, accountId, cardId, transactionId, details, note,
                rejectionReason, decidedBy, decidedAt, result, resultViewedAt, createdAt, updatedAt, seq,
            ])
        return db.changedRowCount == 1
    }

    func request() throws -> ServiceRequest {
        let fields = Self.decode(details)
        let typed: ServiceRequestDetails
        switch type {
        case .cardReplacement:
            typed = .cardReplacement(card: cardId!, reason: ReplacementReason(rawValue: fields["reason"] ?? "") ?? .damaged)
        case .nameChange:
            typed = .nameChange(firstName: fields["first_name"] ?? "", lastName: fields["last_name"] ?? "")
        case .transactionDispute:
            typed = .transactionDispute(transaction: transactionId!, reason: fields["reason"] ?? "")
        case .accountClosure:
            typed = .accountClosure(account: accountId!)
        case .limitIncrease:
            typed = .limitIncrease(account: accountId!, dailyLimit: Money(cents: Int64(fields["daily_limit_cents"] ?? "") ?? 0))
        }
        return ServiceRequest(
            id: id, memberID: memberId, details: typed, status: status, note: note, rejectionReason: rejectionReason, decidedBy: decidedBy,
            decidedAt: decidedAt, result: result.map(Self.decode) ?? [:], resultViewedAt: resultViewedAt, createdAt: createdAt,
            updatedAt: updatedAt)
    }

    static func encode(_ fields: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(fields)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func decode(_ text: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }
}
