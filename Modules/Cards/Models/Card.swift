public import BankCore
public import Foundation
import Storage

/// Whether a card can pay.
public enum CardStatus: String, Sendable, Codable, CaseIterable {
    case active
    /// Temporarily blocked by its holder; purchases are declined `card_inactive`.
    case frozen
    /// For good (replaced, or the account closed).
    case cancelled
}

/// A debit card as everyone but its issuance and reveal sees it: only the last four digits.
public struct Card: Sendable, Hashable {
    public let id: CardID
    public let accountID: AccountID
    public let ownerID: UserID
    public let lastFour: String
    public let brand: String
    public let expiryMonth: Int
    public let expiryYear: Int
    public let cardholderName: String
    public let status: CardStatus
    public let createdAt: Date

    /// `•••• 4242`.
    public var masked: String { "•••• \(lastFour)" }
}

/// What issuance hands back once: the card, its full number and its CVV. Neither is shown again
/// by issuance; the PAN can be revealed later with the password, the CVV never.
public struct IssuedCard: Sendable {
    public let card: Card
    /// The 16-digit card number.
    public let pan: String
    /// The 3-digit security code; never stored.
    public let cvv: String
}

/// The full number and expiry of a card, for an audited, re-authenticated reveal.
public struct RevealedCard: Sendable, Hashable {
    public let cardID: CardID
    public let pan: String
    public let expiryMonth: Int
    public let expiryYear: Int
}

struct CardRecord: Sendable {
    /// The columns a card is read and inserted with, in the order ``insert(in:)`` binds them.
    static let columns =
        "id, account_id, owner_id, pan_ciphertext, key_version, pan_hash, last_four, brand, expiry_month, expiry_year, "
        + "cardholder_name, status, created_at, updated_at"

    var id: CardID
    var accountId: AccountID
    var ownerId: UserID
    var panCiphertext: Data
    var keyVersion: Int
    var panHash: String
    var lastFour: String
    var brand: String
    var expiryMonth: Int
    var expiryYear: Int
    var cardholderName: String
    var status: CardStatus
    var createdAt: Date
    var updatedAt: Date

    init(
        id: CardID, accountId: AccountID, ownerId: UserID, panCiphertext: Data, keyVersion: Int, panHash: String, lastFour: String, brand: String,
        expiryMonth: Int, expiryYear: Int, cardholderName: String, status: CardStatus, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.accountId = accountId
        self.ownerId = ownerId
        self.panCiphertext = panCiphertext
        self.keyVersion = keyVersion
        self.panHash = panHash
        self.lastFour = lastFour
        self.brand = brand
        self.expiryMonth = expiryMonth
        self.expiryYear = expiryYear
        self.cardholderName = cardholderName
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Decoded by hand: every card purchase reads its card row, and Codable decoding showed in its profile.
    init(row: SQLRow) {
        self.init(
            id: row["id"], accountId: row["account_id"], ownerId: row["owner_id"], panCiphertext: row["pan_ciphertext"],
            keyVersion: row["key_version"], panHash: row["pan_hash"], lastFour: row["last_four"], brand: row["brand"],
            expiryMonth: row["expiry_month"], expiryYear: row["expiry_year"], cardholderName: row["cardholder_name"],
            status: CardStatus(rawValue: row["status"]) ?? .cancelled, createdAt: row.timestamp("created_at"), updatedAt: row.timestamp("updated_at"))
    }

    /// Inserts this card.
    func insert(in db: any SQLDatabase) throws {
        try db.execute(
            "INSERT INTO cards (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                id, accountId, ownerId, panCiphertext, keyVersion, panHash, lastFour, brand, expiryMonth, expiryYear, cardholderName,
                status.rawValue, createdAt, updatedAt,
            ])
    }

    /// Writes every column but the primary key back to the card's row, as GRDB's `update(db)` did.
    /// - Returns: whether the row was found (GRDB threw `RecordError.recordNotFound` when it was not).
    func update(in db: any SQLDatabase) throws -> Bool {
        try db.execute(
            """
            UPDATE cards SET account_id = ?, owner_id = ?, pan_ciphertext = ?, key_version = ?, pan_hash = ?, last_four = ?, brand = ?,
                expiry_month = ?, expiry_year = ?, cardholder_name = ?, status = ?, created_at = ?, updated_at = ?
            WHERE id = ?
            """,
            [
                accountId, ownerId, panCiphertext, keyVersion, panHash, lastFour, brand, expiryMonth, expiryYear, cardholderName,
                status.rawValue, createdAt, updatedAt, id,
            ])
        return db.changedRowCount > 0
    }

    var card: Card {
        Card(
            id: id, accountID: accountId, ownerID: ownerId, lastFour: lastFour, brand: brand, expiryMonth: expiryMonth,
            expiryYear: expiryYear, cardholderName: cardholderName, status: status, createdAt: createdAt)
    }

    /// Whether the card is past the end of its expiry month (UTC).
    func isExpired(at date: Date) -> Bool {
        let components = Calendar.utcGregorian.dateComponents([.year, .month], from: date)
        guard let year = components.year, let month = components.month else { return false }
        return (year, month) > (expiryYear, expiryMonth)
    }
}
