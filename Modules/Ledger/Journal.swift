package import BankCore
package import Foundation
package import Storage

/// One leg of a journal entry: a signed amount on one account, with the member-facing transaction it shows as.
package struct Leg: Sendable {
    package var accountID: AccountID
    /// Positive credits the account, negative debits it.
    package var amount: Money
    /// How the leg shows in the account's history; `nil` for system accounts.
    package var entry: TransactionDetails?

    package init(accountID: AccountID, amount: Money, entry: TransactionDetails?) {
        self.accountID = accountID
        self.amount = amount
        self.entry = entry
    }
}

/// The descriptive side of a member-facing transaction.
package struct TransactionDetails: Sendable {
    package var kind: TransactionKind
    package var description: String
    package var category: String?
    package var cardID: CardID?
    package var transferID: TransferID?
    package var counterpartyAccountNumber: String?
    package var reverses: TransactionID?

    package init(
        kind: TransactionKind, description: String, category: String? = nil, cardID: CardID? = nil, transferID: TransferID? = nil,
        counterpartyAccountNumber: String? = nil, reverses: TransactionID? = nil
    ) {
        self.reverses = reverses
        self.kind = kind
        self.description = description
        self.category = category
        self.cardID = cardID
        self.transferID = transferID
        self.counterpartyAccountNumber = counterpartyAccountNumber
    }
}

/// The Ledger's in-transaction primitives: other modules (Transfers, Cards) compose them into their own
/// use cases inside one write transaction, so the Ledger's tables are only ever written here.
package struct Journal: Sendable {
    let ids: IDSource

    /// The account with `id`, including system accounts.
    func record(_ id: AccountID, in db: any SQLDatabase) throws -> AccountRecord? {
        // The hottest query of the ledger: a cached statement, decoded by hand (see AccountRecord.init(row:)).
        try db.row("SELECT \(AccountRecord.columns) FROM accounts WHERE id = ?", [id]).map(AccountRecord.init(row:))
    }

    /// The member account with `id` visible in `scope`. - Throws: `account_not_found`.
    package func account(_ id: AccountID, in scope: OwnerScope, db: any SQLDatabase) throws -> Account {
        guard let record = try record(id, in: db), let account = record.account, scope.allows(account.ownerID) else {
            throw LedgerError.accountNotFound(id)
        }
        return account
    }

    /// The open member account with `number`. - Throws: `account_not_found`.
    package func account(number: String, db: any SQLDatabase) throws -> Account {
        guard let record = try db.row("SELECT \(AccountRecord.columns) FROM accounts WHERE number = ?", [number]).map(AccountRecord.init(row:)),
            let account = record.account
        else {
            throw LedgerError.accountNotFound(number: number)
        }
        return account
    }

    /// Locks the rows of `ids` until the transaction ends, in id order, on PostgreSQL, where write
    /// transactions run concurrently: a use case locks the accounts it will move money on before it reads
    /// them, so its decisions (decline or post) see the latest committed balances, and two use cases on the
    /// same accounts never wait on each other in a cycle. Nothing on SQLite, whose one writer serialises them.
    package func lock(_ ids: [AccountID], in db: any SQLDatabase) throws {
        guard db.dialect == .postgres, !ids.isEmpty else { return }
        let sorted = Set(ids).sorted { $0.description < $1.description }
        let placeholders = Array(repeating: "?", count: sorted.count).joined(separator: ", ")
        try db.execute(
            "SELECT id FROM accounts WHERE id IN (\(placeholders)) ORDER BY id" + db.dialect.forUpdate, SQLArguments(sorted.map(\.sqlValue)))
    }

    /// Throws unless `account` can move money.
    package func requireOpen(_ account: Account) throws {
        switch account.status {
        case .open: return
        case .frozen: throw LedgerError(.accountFrozen, "Account \(account.number) is frozen.")
        case .closed: throw LedgerError(.accountClosed, "Account \(account.number) is closed.")
        }
    }

    /// Posts a balanced entry: updates each account's cached balance and writes one posting per leg
    /// and one transaction per member leg. - Throws: `amount_overflow`; `insufficient_funds` if a member balance would go negative.
    package func post(_ legs: [Leg], at date: Date, in db: any SQLDatabase) throws -> [Transaction] {
        var batch = JournalBatch(self, in: db)
        let transactions = try batch.post(legs, at: date)
        try batch.finish()
        return transactions
    }

    /// Stores a declined debit (no postings, no balance change) with its reason code, and returns its id.
    package func recordDecline(
        _ account: Account, amount: Money, details: TransactionDetails, reason: String, at date: Date, in db: any SQLDatabase
    ) throws -> TransactionID {
        try insertTransaction(
            account: account.id, type: .debit, status: .declined, amount: amount, balanceAfter: nil, details: details,
            declineReason: reason, at: date, in: db
        ).id
    }

    /// Stores a declined debit (no postings, no balance change) and returns the error that reports it.
    package func decline(
        _ account: Account, amount: Money, details: TransactionDetails, reason: LedgerError.Code, at date: Date, in db: any SQLDatabase
    ) throws -> LedgerError {
        let transactionID = try recordDecline(account, amount: amount, details: details, reason: reason.value, at: date, in: db)
        let detail =
            reason == .insufficientFunds
            ? "Debit of \(amount.cents) cents exceeds available balance of \(account.available.cents) cents."
            : "Debit of \(amount.cents) cents exceeds the account's daily limit."
        return LedgerError(reason, detail, transactionID: transactionID, requested: amount, available: account.available)
    }

    /// Why a debit of `amount` from `account` must be declined, if it must.
    package func declineReason(for account: Account, amount: Money, at date: Date, in db: any SQLDatabase) throws -> LedgerError.Code? {
        if amount > account.available { return .insufficientFunds }
        if let limit = account.dailyDebitLimit {
            let dayStart = Calendar.utcGregorian.startOfDay(for: date)
            let spent =
                try db.value(
                    Int64.self,
                    """
                    SELECT COALESCE(SUM(amount_cents), 0) FROM transactions
                    WHERE account_id = ? AND type = 'debit' AND status = 'posted' AND created_at >= ?
                    """, [account.id, dayStart]) ?? 0
            if spent + amount.cents > limit.cents { return .dailyLimitExceeded }
        }
        return nil
    }

    func insertTransaction(
        account: AccountID, type: TransactionType, status: TransactionStatus, amount: Money, balanceAfter: Money?,
        details: TransactionDetails, declineReason: String?, at date: Date, timestamp: String? = nil, in db: any SQLDatabase
    ) throws -> TransactionRecord {
        let record = TransactionRecord(
            seq: nil, id: ids.next(), accountId: account, type: type, kind: details.kind, status: status, amountCents: amount.cents,
            balanceAfterCents: balanceAfter?.cents, description: details.description, category: details.category,
            cardId: details.cardID, transferId: details.transferID, counterpartyAccountNumber: details.counterpartyAccountNumber,
            declineReason: declineReason, createdAt: date, reversesTransactionId: details.reverses)
        // An explicit cached INSERT: Codable encoding of the record was the largest cost of a posting.
        try db.execute(
            """
            INSERT INTO transactions (id, account_id, type, kind, status, amount_cents, balance_after_cents, description, category, card_id,
                transfer_id, counterparty_account_number, decline_reason, created_at, reverses_transaction_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            SQLArguments([
                record.id.sqlValue, record.accountId.sqlValue, .text(record.type.rawValue), .text(record.kind.rawValue),
                .text(record.status.rawValue), .integer(record.amountCents), record.balanceAfterCents.sqlValue, .text(record.description),
                record.category.sqlValue, record.cardId.sqlValue, record.transferId.sqlValue, record.counterpartyAccountNumber.sqlValue,
                record.declineReason.sqlValue, .text(timestamp ?? date.databaseText), record.reversesTransactionId.sqlValue,
            ]))
        return record
    }

    func checkedSum(_ lhs: Money, _ rhs: Money) throws -> Money {
        do { return try lhs.adding(rhs) } catch { throw LedgerError(.amountOverflow, "The movement would overflow a balance.") }
    }
}
