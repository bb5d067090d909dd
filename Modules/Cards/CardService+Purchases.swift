public import BankCore
import Foundation
public import Ledger
public import Storage

/// A purchase as the card network presents it.
public struct CardPurchase: Sendable {
    public var cardID: CardID
    public var amount: Money
    /// The merchant, shown as the transaction's description.
    public var merchant: String?
    public var category: String?

    /// Creates a purchase.
    public init(cardID: CardID, amount: Money, merchant: String? = nil, category: String? = nil) {
        self.cardID = cardID
        self.amount = amount
        self.merchant = merchant
        self.category = category
    }
}

extension CardService {
    /// Pays a purchase from the card's account to `external:card-network`, in one write transaction
    /// with the card check. A frozen, cancelled or expired card, or a purchase beyond the available
    /// balance or daily limit, is declined: the declined transaction is stored and the error names it.
    /// - Throws: ``CardError`` `card_not_found`, `card_inactive`, `card_expired`; `LedgerError` (`insufficient_funds`, …).
    public func purchase(
        _ purchase: CardPurchase, on accountID: AccountID, in scope: OwnerScope, actor: Actor, hook: TransactionHook<Transaction>? = nil
    ) async throws -> Transaction {
        try MovementRequest(amount: purchase.amount, description: purchase.merchant, category: purchase.category).validate()
        let now = clock.now()
        let journal = ledger.journal
        let outcome: Result<Transaction, any Error> = try await database.write { db in
            try journal.lock([accountID, SystemAccount.cardNetwork.id], in: db)
            let account = try journal.account(accountID, in: scope, db: db)
            let card = try Self.card(purchase.cardID, on: accountID, in: db)
            try journal.requireOpen(account)
            let details = TransactionDetails(
                kind: .cardPurchase, description: purchase.merchant ?? "Card purchase", category: purchase.category, cardID: card.id)
            let refusal: (any BankError)?
            if card.status != .active {
                let id = try journal.recordDecline(
                    account, amount: purchase.amount, details: details, reason: CardError.Code.cardInactive.value, at: now, in: db)
                refusal = CardError(.cardInactive, "Card \(card.card.masked) is \(card.status.rawValue).", transactionID: id)
            } else if card.isExpired(at: now) {
                let id = try journal.recordDecline(
                    account, amount: purchase.amount, details: details, reason: CardError.Code.cardExpired.value, at: now, in: db)
                refusal = CardError(.cardExpired, "Card \(card.card.masked) expired in \(card.expiryMonth)/\(card.expiryYear).", transactionID: id)
            } else if let reason = try journal.declineReason(for: account, amount: purchase.amount, at: now, in: db) {
                refusal = try journal.decline(account, amount: purchase.amount, details: details, reason: reason, at: now, in: db)
            } else {
                refusal = nil
            }
            if let refusal {
                try database.audit.append(
                    AuditEvent(action: "card.purchase_declined", targetType: "card", targetID: card.id.description,
                               details: ["account_id": accountID.description, "amount_cents": String(purchase.amount.cents), "reason": refusal.code]),
                    by: actor, at: now, in: db)
                try hook?.run(db, .failure(refusal))
                return .failure(refusal)
            }
            let posted = try journal.post(
                [Leg(accountID: accountID, amount: purchase.amount.negated, entry: details),
                 Leg(accountID: SystemAccount.cardNetwork.id, amount: purchase.amount, entry: nil)],
                at: now, in: db)[0]
            try database.audit.append(
                AuditEvent(action: "card.purchase", targetType: "card", targetID: card.id.description,
                           details: ["transaction_id": posted.id.description, "amount_cents": String(purchase.amount.cents)]),
                by: actor, at: now, in: db)
            try hook?.run(db, .success(posted))
            return .success(posted)
        }
        return try outcome.get()
    }

    /// The card `id` of account `accountID`. - Throws: ``CardError`` `card_not_found`, also when the card is another account's.
    static func card(_ id: CardID, on accountID: AccountID, in db: any SQLDatabase) throws -> CardRecord {
        // A cached statement, decoded by hand (see CardRecord.init(row:)): every purchase reads its card. Shared-locked
        // until commit (PostgreSQL): a freeze or cancel waits for the purchase, and a purchase after it sees it.
        guard let card = try db.row("SELECT \(CardRecord.columns) FROM cards WHERE id = ?" + db.dialect.forShare, [id]).map(CardRecord.init(row:)),
            card.accountId == accountID
        else {
            throw CardError.notFound(id)
        }
        return card
    }

    /// Throws ``CardError`` `card_not_found` unless card `id` belongs to account `accountID`.
    package static func requireCard(_ id: CardID, on accountID: AccountID, in db: any SQLDatabase) throws {
        _ = try card(id, on: accountID, in: db)
    }
}
