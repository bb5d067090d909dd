public import BankCore
import Cards
public import Foundation
public import Ledger
public import Storage
import Transfers

/// One past movement on a member's account, as the core bank it comes from recorded it.
public struct HistoryEntry: Sendable, Hashable {
    /// What the movement was; the counterparty of deposits and withdrawals is `external:cash`, of card
    /// purchases `external:card-network`.
    public enum Movement: Sendable, Hashable {
        case deposit
        case withdrawal
        /// Paid with this card of the entry's account.
        case cardPurchase(CardID)
        /// To another account of the same member.
        case transfer(to: AccountID)
    }

    /// When it happened: not in the future, not before the account was opened, and not before the entry before it.
    public var date: Date
    public var account: AccountID
    public var movement: Movement
    public var amount: Money
    public var description: String?
    public var category: String?
    /// Why it was declined (a lowercase code such as `insufficient_funds`, as a category is written), or `nil` when it was posted.
    /// A declined debit is stored as declined and moves no money; only debits can be declined.
    public var declineReason: String?

    /// Creates an entry.
    public init(
        date: Date, account: AccountID, movement: Movement, amount: Money, description: String? = nil, category: String? = nil,
        declineReason: String? = nil
    ) {
        self.date = date
        self.account = account
        self.movement = movement
        self.amount = amount
        self.description = description
        self.category = category
        self.declineReason = declineReason
    }
}

/// What an import wrote.
public struct HistoryImportSummary: Sendable, Hashable {
    /// Entries imported: posted plus declined.
    public let entries: Int
    /// Posted entries (transactions that moved money).
    public let posted: Int
    /// Declined entries, stored without moving money.
    public let declined: Int
    /// Ledger postings written: two per posted entry.
    public let postings: Int
}

/// A failure of one entry of an import; nothing of the import was written.
public struct HistoryImportError: BankError {
    /// The position of the failing entry, from 0.
    public let entry: Int
    /// What went wrong with it.
    public let underlying: any BankError

    public var code: String { underlying.code }
    public var kind: ErrorKind { underlying.kind }
    public var title: String { underlying.title }
    public var detail: String { "Entry \(entry): \(underlying.detail)" }
    public var extensions: [String: ErrorValue] { underlying.extensions.merging(["entry": .int(Int64(entry))]) { $1 } }
}

/// Imports a member's past transactions, from a core bank being migrated or a data generator, in one
/// write transaction: thousands of entries cost one commit, one read of each account and one audit row.
///
/// Every ledger invariant holds as for live movements: each posted entry is a balanced journal entry,
/// each member balance stays non-negative at every step, and transfers get their transfer rows. The
/// import is all or nothing: the first bad entry fails it, named by its position, and nothing is written.
/// Daily limits and card states are not checked: the history already happened.
public struct HistoryImporter: Sendable {
    /// The most entries one import takes.
    public static let maximumEntries = 100_000

    let database: BankDatabase
    let journal: Journal
    let clock: BankClock
    let ids: IDSource

    /// Creates the importer; `ledger` must share `database`.
    public init(database: BankDatabase, ledger: LedgerService, clock: BankClock = .live, ids: IDSource = .live) {
        self.database = database
        self.journal = ledger.journal
        self.clock = clock
        self.ids = ids
    }

    /// Imports `entries`, in date order, onto accounts of `owner`, appending to the accounts' current balances.
    /// - Throws: `ValidationError` naming `entries[i].field`; ``HistoryImportError`` wrapping `account_not_found`,
    ///   `account_frozen`, `account_closed`, `card_not_found` or `insufficient_funds` for the entry it names.
    public func importHistory(_ entries: [HistoryEntry], of owner: UserID, actor: Actor) async throws -> HistoryImportSummary {
        let now = clock.now()
        try Self.validate(entries, now: now)
        return try await database.write { db in
            var run = ImportRun(journal: journal, ids: ids, owner: owner, db: db)
            for (index, entry) in entries.enumerated() {
                do {
                    try run.apply(entry)
                } catch let error as ValidationError {
                    throw ValidationError(error.fieldErrors.map { FieldError(field: "entries[\(index)].\($0.field)", message: $0.message) })
                } catch let error as any BankError {
                    throw HistoryImportError(entry: index, underlying: error)
                }
            }
            try run.batch.finish()
            let summary = HistoryImportSummary(
                entries: entries.count, posted: entries.count - run.declined, declined: run.declined, postings: 2 * (entries.count - run.declined))
            try database.audit.append(
                AuditEvent(
                    action: "history.imported", targetType: "user", targetID: owner.description,
                    details: [
                        "entries": String(summary.entries), "declined": String(summary.declined),
                        "from": entries[0].date.rfc3339, "to": entries[entries.count - 1].date.rfc3339,
                    ]),
                by: actor, at: now, in: db)
            return summary
        }
    }

    /// Checks what can be checked without the database: count, order, dates, amounts and texts.
    static func validate(_ entries: [HistoryEntry], now: Date) throws {
        var validator = Validator()
        validator.check((1...maximumEntries).contains(entries.count), "entries", "must hold 1 to \(maximumEntries) entries")
        var previous = Date.distantPast
        for (index, entry) in entries.enumerated() where validator.errors.count < 20 {
            let field = "entries[\(index)]"
            validator.check(entry.date <= now, "\(field).date", "must not be in the future")
            validator.check(entry.date >= previous, "\(field).date", "must not be before the entry before it")
            previous = entry.date
            do {
                try MovementRequest(amount: entry.amount, description: entry.description, category: entry.category).validate()
            } catch let error as ValidationError {
                for problem in error.fieldErrors { validator.check(false, "\(field).\(problem.field)", problem.message) }
            }
            if let reason = entry.declineReason {
                MovementRequest.checkCode(reason, field: "\(field).decline_reason", in: &validator)
                validator.check(entry.movement != .deposit, "\(field).decline_reason", "only debits can be declined")
            }
            if case .transfer(let target) = entry.movement {
                validator.check(target != entry.account, "\(field).movement", "a transfer needs two different accounts")
            }
        }
        try validator.validate()
    }
}

/// One import in progress inside its write transaction.
private struct ImportRun {
    let journal: Journal
    let ids: IDSource
    let owner: UserID
    let db: any SQLDatabase
    var batch: JournalBatch
    var accounts: [AccountID: Account] = [:]
    var cards: Set<CardID> = []
    var declined = 0

    init(journal: Journal, ids: IDSource, owner: UserID, db: any SQLDatabase) {
        self.journal = journal
        self.ids = ids
        self.owner = owner
        self.db = db
        self.batch = JournalBatch(journal, in: db)
    }

    mutating func apply(_ entry: HistoryEntry) throws {
        let account = try openAccount(entry.account, at: entry.date)
        let details: TransactionDetails
        var legs: [Leg]
        switch entry.movement {
        case .deposit:
            details = TransactionDetails(kind: .deposit, description: entry.description ?? "Deposit", category: entry.category)
            legs = [Leg(accountID: account.id, amount: entry.amount, entry: details),
                    Leg(accountID: SystemAccount.cash.id, amount: entry.amount.negated, entry: nil)]
        case .withdrawal:
            details = TransactionDetails(kind: .withdrawal, description: entry.description ?? "Withdrawal", category: entry.category)
            legs = [Leg(accountID: account.id, amount: entry.amount.negated, entry: details),
                    Leg(accountID: SystemAccount.cash.id, amount: entry.amount, entry: nil)]
        case .cardPurchase(let card):
            if !cards.contains(card) {
                try CardService.requireCard(card, on: account.id, in: db)
                cards.insert(card)
            }
            details = TransactionDetails(
                kind: .cardPurchase, description: entry.description ?? "Card purchase", category: entry.category, cardID: card)
            legs = [Leg(accountID: account.id, amount: entry.amount.negated, entry: details),
                    Leg(accountID: SystemAccount.cardNetwork.id, amount: entry.amount, entry: nil)]
        case .transfer(let targetID):
            let target = try openAccount(targetID, at: entry.date)
            let transferID: TransferID = ids.next()
            let description = entry.description ?? "Transfer"
            let debit = TransactionDetails(
                kind: .transferOut, description: description, transferID: transferID, counterpartyAccountNumber: target.number)
            if let reason = entry.declineReason {
                try decline(account, entry, debit, reason)
                return
            }
            let credit = TransactionDetails(
                kind: .transferIn, description: description, transferID: transferID, counterpartyAccountNumber: account.number)
            let posted = try batch.post(
                [
                    Leg(accountID: account.id, amount: entry.amount.negated, entry: debit),
                    Leg(accountID: target.id, amount: entry.amount, entry: credit),
                ],
                at: entry.date)
            try TransferService.record(
                transferID, from: account.id, to: target.id, amount: entry.amount, description: description, legs: posted, at: entry.date, in: db)
            return
        }
        if let reason = entry.declineReason {
            try decline(account, entry, details, reason)
            return
        }
        _ = try batch.post(legs, at: entry.date)
    }

    private mutating func decline(_ account: Account, _ entry: HistoryEntry, _ details: TransactionDetails, _ reason: String) throws {
        _ = try journal.recordDecline(account, amount: entry.amount, details: details, reason: reason, at: entry.date, in: db)
        declined += 1
    }

    /// The open account `id` of the owner, read once per import. - Throws: `account_not_found`, `account_frozen`,
    /// `account_closed`; a `ValidationError` on `date` for an entry before the account was opened or before
    /// its latest transaction (history is appended, so each balance after stays in date order).
    private mutating func openAccount(_ id: AccountID, at date: Date) throws -> Account {
        let account: Account
        if let known = accounts[id] {
            account = known
        } else {
            account = try journal.account(id, in: .owner(owner), db: db)
            try journal.requireOpen(account)
            accounts[id] = account
            if let latest = try journal.latestTransactionDate(of: id, in: db), date < latest {
                throw ValidationError(field: "date", "must not be before the latest transaction of account \(account.number)")
            }
        }
        guard date >= account.createdAt else {
            throw ValidationError(field: "date", "must not be before account \(account.number) was opened")
        }
        return account
    }
}
