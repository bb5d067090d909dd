public import BankCore
package import Foundation
public import Ledger
import Sodium
public import Storage

/// Debit cards: issuance, the masked view, freeze and unfreeze, the audited reveal, and purchases.
///
/// The PAN exists in clear only in memory: the database holds its secretbox ciphertext, the key
/// version, the last four digits and a keyed hash; the CVV is generated, returned once and dropped.
public struct CardService: Sendable {
    let database: BankDatabase
    let keys: CardKeyRing
    let ledger: LedgerService
    let clock: BankClock
    let ids: IDSource

    /// Cards last three years.
    public static let validityYears = 3

    /// Creates the service over a database migrated with ``CardsModule``; `ledger` must share it.
    public init(database: BankDatabase, keys: CardKeyRing, ledger: LedgerService, clock: BankClock = .live, ids: IDSource = .live) {
        self.database = database
        self.keys = keys
        self.ledger = ledger
        self.clock = clock
        self.ids = ids
    }

    /// Issues a debit card on an open account: one live (active or frozen) card per account.
    /// - Parameters:
    ///   - holder: the name embossed on the card.
    ///   - hook: runs in the issuing transaction with the outcome (an idempotency record, say).
    /// - Throws: `account_not_found`, `account_frozen`, `account_closed`, ``CardError`` `card_exists`.
    public func issue(
        for accountID: AccountID, holder: String, in scope: OwnerScope, actor: Actor, hook: TransactionHook<IssuedCard>? = nil
    ) async throws -> IssuedCard {
        let now = clock.now()
        return try await database.write { db in
            let issued = try issue(for: accountID, holder: holder, in: scope, actor: actor, at: now, db: db)
            try hook?.run(db, .success(issued))
            return issued
        }
    }

    /// Issues a card inside the caller's write transaction (replacements apply it with their own state change).
    package func issue(
        for accountID: AccountID, holder: String, in scope: OwnerScope, actor: Actor, at now: Date, db: any SQLDatabase
    ) throws -> IssuedCard {
        let journal = ledger.journal
        // Locks the account (PostgreSQL): of two issues at once, the second waits and then sees the first's card.
        try journal.lock([accountID], in: db)
        let account = try journal.account(accountID, in: scope, db: db)
        try journal.requireOpen(account)
        guard
            try db.value(Int.self, "SELECT COUNT(*) FROM cards WHERE account_id = ? AND status <> ?", [accountID, CardStatus.cancelled.rawValue]) == 0
        else { throw CardError(.cardExists, "Account \(account.number) already has a card; cancel or replace it first.") }
        var pan = PAN.generate()
        while try (db.value(Int.self, "SELECT COUNT(*) FROM cards WHERE pan_hash = ?", [keys.indexHash(of: pan)]) ?? 0) > 0 { pan = PAN.generate() }
        let sealed = keys.seal(pan)
        let expiry = Calendar.utcGregorian.dateComponents([.year, .month], from: now)
        let record = CardRecord(
            id: ids.next(), accountId: accountID, ownerId: account.ownerID, panCiphertext: sealed.ciphertext, keyVersion: sealed.version,
            panHash: keys.indexHash(of: pan), lastFour: String(pan.suffix(4)), brand: "visa", expiryMonth: expiry.month!,
            expiryYear: expiry.year! + Self.validityYears, cardholderName: holder.uppercased(), status: .active, createdAt: now, updatedAt: now)
        try record.insert(in: db)
        try database.audit.append(
            AuditEvent(action: "card.issued", targetType: "card", targetID: record.id.description,
                       details: ["account_id": accountID.description, "last_four": record.lastFour]),
            by: actor, at: now, in: db)
        return IssuedCard(card: record.card, pan: pan, cvv: SecureRandom.digits(3))
    }

    /// Cancels a live card and issues its successor on the same account with the same holder, inside the caller's transaction.
    /// - Throws: ``CardError`` `card_not_found`, `invalid_card_state` (already cancelled); the failures of issuance.
    package func replace(_ id: CardID, in scope: OwnerScope, actor: Actor, at now: Date, db: any SQLDatabase) throws -> IssuedCard {
        // The account before the card, the order a purchase takes them in (PostgreSQL), so the two never deadlock.
        try ledger.journal.lock([try Self.record(id, in: scope, db: db).accountId], in: db)
        let old = try setStatus(
            id, to: .cancelled, allowedFrom: [.active, .frozen], action: "card.cancelled", in: scope, actor: actor, at: now, db: db)
        return try issue(for: old.accountID, holder: old.cardholderName, in: scope, actor: actor, at: now, db: db)
    }

    /// The card `id` in `scope` when it can be replaced (active or frozen). - Throws: `card_not_found`, `invalid_card_state`.
    package func replaceableCard(_ id: CardID, in scope: OwnerScope, db: any SQLDatabase) throws -> Card {
        let record = try Self.record(id, in: scope, db: db)
        guard record.status != .cancelled else { throw CardError(.invalidCardState, "The card is already cancelled.") }
        return record.card
    }

    /// The cards of an account, newest first, masked. - Throws: `account_not_found`.
    public func cards(of accountID: AccountID, in scope: OwnerScope) async throws -> [Card] {
        let journal = ledger.journal
        return try await database.read { db in
            _ = try journal.account(accountID, in: scope, db: db)
            return try db.rows("SELECT \(CardRecord.columns) FROM cards WHERE account_id = ? ORDER BY created_at DESC, rowid DESC", [accountID])
                .map { CardRecord(row: $0).card }
        }
    }

    /// One card visible in `scope`. - Throws: ``CardError`` `card_not_found`.
    public func card(_ id: CardID, in scope: OwnerScope) async throws -> Card {
        try await database.read { db in try Self.record(id, in: scope, db: db).card }
    }

    /// Freezes an active card: purchases are declined until it is unfrozen. Freezing a frozen card changes nothing.
    public func freeze(_ id: CardID, in scope: OwnerScope, actor: Actor) async throws -> Card {
        try await setStatus(id, to: .frozen, allowedFrom: [.active, .frozen], action: "card.frozen", in: scope, actor: actor)
    }

    /// Unfreezes a frozen card. Unfreezing an active card changes nothing; a cancelled card stays cancelled.
    public func unfreeze(_ id: CardID, in scope: OwnerScope, actor: Actor) async throws -> Card {
        try await setStatus(id, to: .active, allowedFrom: [.active, .frozen], action: "card.unfrozen", in: scope, actor: actor)
    }

    /// Cancels a card for good (replacement, account closure).
    public func cancel(_ id: CardID, in scope: OwnerScope, actor: Actor) async throws -> Card {
        try await setStatus(id, to: .cancelled, allowedFrom: [.active, .frozen, .cancelled], action: "card.cancelled", in: scope, actor: actor)
    }

    /// The full number of a card, audited. The caller must have re-authenticated the user first.
    /// - Throws: ``CardError`` `card_not_found`; ``CardKeyError`` when the ciphertext does not open.
    public func reveal(_ id: CardID, in scope: OwnerScope, actor: Actor) async throws -> RevealedCard {
        let now = clock.now()
        return try await database.write { db in
            let record = try Self.record(id, in: scope, db: db)
            let pan = try keys.open(record.panCiphertext, version: record.keyVersion)
            try database.audit.append(
                AuditEvent(action: "card.revealed", targetType: "card", targetID: id.description, details: ["last_four": record.lastFour]),
                by: actor, at: now, in: db)
            return RevealedCard(cardID: id, pan: pan, expiryMonth: record.expiryMonth, expiryYear: record.expiryYear)
        }
    }

    private func setStatus(
        _ id: CardID, to status: CardStatus, allowedFrom: Set<CardStatus>, action: String, in scope: OwnerScope, actor: Actor
    ) async throws -> Card {
        let now = clock.now()
        return try await database.write { db in
            try setStatus(id, to: status, allowedFrom: allowedFrom, action: action, in: scope, actor: actor, at: now, db: db)
        }
    }

    private func setStatus(
        _ id: CardID, to status: CardStatus, allowedFrom: Set<CardStatus>, action: String, in scope: OwnerScope, actor: Actor, at now: Date,
        db: any SQLDatabase
    ) throws -> Card {
        // Locked until commit (PostgreSQL): the update below writes back every column it read.
        var record = try Self.record(id, in: scope, db: db, forUpdate: true)
        guard allowedFrom.contains(record.status) else {
            throw CardError(.invalidCardState, "The card is \(record.status.rawValue); it cannot become \(status.rawValue).")
        }
        guard record.status != status else { return record.card }
        let previous = record.status
        record.status = status
        record.updatedAt = now
        guard try record.update(in: db) else { throw CardError.notFound(id) }
        try database.audit.append(
            AuditEvent(action: action, targetType: "card", targetID: id.description, details: ["from": previous.rawValue]),
            by: actor, at: now, in: db)
        return record.card
    }

    /// The card `id` if `scope` sees it; `forUpdate` locks its row for the rest of a write transaction (PostgreSQL).
    /// - Throws: ``CardError`` `card_not_found`.
    static func record(_ id: CardID, in scope: OwnerScope, db: any SQLDatabase, forUpdate: Bool = false) throws -> CardRecord {
        let sql = "SELECT \(CardRecord.columns) FROM cards WHERE id = ?" + (forUpdate ? db.dialect.forUpdate : "")
        guard let record = try db.row(sql, [id]).map(CardRecord.init(row:)), scope.allows(record.ownerId) else { throw CardError.notFound(id) }
        return record
    }
}
