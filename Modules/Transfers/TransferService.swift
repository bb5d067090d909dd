public import BankCore
package import Foundation
public import Ledger
public import Storage

/// Atomic transfers between two accounts: both legs, the transfer row and its audit row commit
/// together in one write transaction, or nothing does.
public struct TransferService: Sendable {
    let database: BankDatabase
    let ledger: LedgerService
    let clock: BankClock
    let ids: IDSource

    /// Creates the service; `ledger` must share `database`.
    public init(database: BankDatabase, ledger: LedgerService, clock: BankClock = .live, ids: IDSource = .live) {
        self.database = database
        self.ledger = ledger
        self.clock = clock
        self.ids = ids
    }

    /// Moves money from one of the caller's open accounts to any open account.
    ///
    /// A transfer beyond the source's available balance is declined: the declined debit is stored on
    /// the source account and the error names it.
    /// - Parameters:
    ///   - scope: whose accounts may be the source (the caller's).
    ///   - hook: runs in the same transaction with the outcome (an idempotency record, say).
    /// - Throws: `ValidationError`, ``TransferError`` `same_account`, `LedgerError` (`account_not_found`,
    ///   `account_frozen`, `account_closed`, `insufficient_funds`, `daily_limit_exceeded`).
    public func transfer(
        _ request: TransferRequest, from scope: OwnerScope, actor: Actor, hook: TransactionHook<Transfer>? = nil
    ) async throws -> Transfer {
        try MovementRequest(amount: request.amount, description: request.description).validate()
        if case .account(let target) = request.to, target == request.from {
            throw TransferError(.sameAccount, "A transfer needs two different accounts.")
        }
        let now = clock.now()
        let journal = ledger.journal
        let outcome: Result<Transfer, LedgerError> = try await database.write { db in
            if db.dialect == .postgres {
                let targetID = switch request.to {
                case .account(let id): id
                case .number(let number): try journal.account(number: number, db: db).id
                }
                try journal.lock([request.from, targetID], in: db)
            }
            let source = try journal.account(request.from, in: scope, db: db)
            let target: Account
            switch request.to {
            case .account(let id): target = try journal.account(id, in: .any, db: db)
            case .number(let number):
                // By number only open accounts exist, exactly as lookup answers: a transfer must not reveal a closed number.
                target = try journal.account(number: number, db: db)
                guard target.status == .open else { throw LedgerError(.accountNotFound, "No open account with number \(number).") }
            }
            guard source.id != target.id else { throw TransferError(.sameAccount, "A transfer needs two different accounts.") }
            try journal.requireOpen(source)
            try journal.requireOpen(target)
            let transferID: TransferID = ids.next()
            let description = request.description ?? "Transfer"
            let debitDetails = TransactionDetails(
                kind: .transferOut, description: description, transferID: transferID, counterpartyAccountNumber: target.number)
            if let reason = try journal.declineReason(for: source, amount: request.amount, at: now, in: db) {
                let error = try journal.decline(source, amount: request.amount, details: debitDetails, reason: reason, at: now, in: db)
                try database.audit.append(
                    AuditEvent(action: "transfer.declined", targetType: "account", targetID: source.id.description,
                               details: ["transaction_id": error.transactionID!.description, "amount_cents": String(request.amount.cents),
                                         "reason": reason.description]),
                    by: actor, at: now, in: db)
                try hook?.run(db, .failure(error))
                return .failure(error)
            }
            let creditDetails = TransactionDetails(
                kind: .transferIn, description: description, transferID: transferID, counterpartyAccountNumber: source.number)
            let legs = try journal.post(
                [Leg(accountID: source.id, amount: request.amount.negated, entry: debitDetails),
                 Leg(accountID: target.id, amount: request.amount, entry: creditDetails)],
                at: now, in: db)
            try Self.record(transferID, from: source.id, to: target.id, amount: request.amount, description: description, legs: legs, at: now, in: db)
            try database.audit.append(
                AuditEvent(action: "transfer.created", targetType: "transfer", targetID: transferID.description,
                           details: ["from_account_id": source.id.description, "to_account_id": target.id.description,
                                     "amount_cents": String(request.amount.cents)]),
                by: actor, at: now, in: db)
            let transfer = Transfer(
                id: transferID, fromAccountID: source.id, toAccountID: target.id, amount: request.amount, description: description,
                debitTransaction: legs[0], creditTransaction: scope.allows(target.ownerID) ? legs[1] : nil, createdAt: now)
            try hook?.run(db, .success(transfer))
            return .success(transfer)
        }
        return try outcome.get()
    }

    /// Stores the transfer row naming the two transactions `legs` (debit, then credit) of a transfer just posted.
    package static func record(
        _ id: TransferID, from source: AccountID, to target: AccountID, amount: Money, description: String, legs: [Transaction], at date: Date,
        in db: any SQLDatabase
    ) throws {
        // An explicit cached INSERT, as for postings: Codable encoding was a measurable share of a transfer.
        try db.execute(
            """
            INSERT INTO transfers (id, from_account_id, to_account_id, amount_cents, description, debit_transaction_id,
                credit_transaction_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [id, source, target, amount.cents, description, legs[0].id, legs[1].id, date.databaseText])
    }

    /// A transfer the viewer is party to; each side's transaction is shown only to that side's owner.
    /// - Throws: ``TransferError`` `transfer_not_found`.
    public func transfer(_ id: TransferID, visibleTo scope: OwnerScope) async throws -> Transfer {
        let journal = ledger.journal
        let found = try await database.read { db -> (TransferRecord, Account, Account)? in
            guard let record = try TransferRecord.find(id, in: db) else { return nil }
            return (record, try journal.account(record.fromAccountId, in: .any, db: db), try journal.account(record.toAccountId, in: .any, db: db))
        }
        guard let (record, source, target) = found, scope.allows(source.ownerID) || scope.allows(target.ownerID) else {
            throw TransferError(.transferNotFound, "No transfer \(id).")
        }
        let debit = scope.allows(source.ownerID) ? try await ledger.transaction(record.debitTransactionId, of: source.id, in: .any) : nil
        let credit = scope.allows(target.ownerID) ? try await ledger.transaction(record.creditTransactionId, of: target.id, in: .any) : nil
        return Transfer(
            id: record.id, fromAccountID: source.id, toAccountID: target.id, amount: Money(cents: record.amountCents),
            description: record.description, debitTransaction: debit, creditTransaction: credit, createdAt: record.createdAt)
    }
}
