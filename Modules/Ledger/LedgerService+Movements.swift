public import BankCore
package import Foundation
public import Storage

/// A deposit or withdrawal as a member asks for it.
public struct MovementRequest: Sendable {
    public var amount: Money
    public var description: String?
    public var category: String?

    /// Creates a request.
    public init(amount: Money, description: String? = nil, category: String? = nil) {
        self.amount = amount
        self.description = description
        self.category = category
    }

    /// Checks amount (1 cent … $1,000,000,000), description (≤ 200) and category (lowercase slug ≤ 40).
    package func validate() throws {
        var validator = Validator()
        Self.checkAmount(amount, in: &validator)
        if let description { LedgerService.checkText(description, field: "description", maxLength: 200, in: &validator) }
        if let category { Self.checkCode(category, field: "category", in: &validator) }
        try validator.validate()
    }

    /// Records a field error unless `code` is a lowercase slug of 1 to 40 characters (a category, a decline reason).
    package static func checkCode(_ code: String, field: String, in validator: inout Validator) {
        validator.check(
            (1...40).contains(code.count) && code.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") },
            field, "must be 1 to 40 lowercase letters, digits or underscores")
    }

    /// Records a field error unless `amount` is a valid movement.
    package static func checkAmount(_ amount: Money, field: String = "amount_cents", in validator: inout Validator) {
        validator.check(amount.isValidMovement, field, "must be between 1 and \(Money.maximumMovement.cents)")
    }
}

extension LedgerService {
    /// Deposits money from `external:cash` into an account.
    /// - Parameter hook: runs in the same transaction with the outcome (an idempotency record, say).
    /// - Throws: `ValidationError`, `account_not_found`, `account_frozen`, `account_closed`, `amount_overflow`.
    public func credit(
        _ id: AccountID, _ request: MovementRequest, in scope: OwnerScope, actor: Actor, hook: TransactionHook<Transaction>? = nil
    ) async throws -> Transaction {
        try request.validate()
        let now = clock.now()
        return try await database.write { db in
            try journal.lock([id, SystemAccount.cash.id], in: db)
            let account = try journal.account(id, in: scope, db: db)
            try journal.requireOpen(account)
            let details = TransactionDetails(kind: .deposit, description: request.description ?? "Deposit", category: request.category)
            let posted = try journal.post(
                [Leg(accountID: id, amount: request.amount, entry: details),
                 Leg(accountID: SystemAccount.cash.id, amount: request.amount.negated, entry: nil)],
                at: now, in: db)[0]
            try database.audit.append(
                AuditEvent(action: "transaction.credit", targetType: "account", targetID: id.description,
                           details: ["transaction_id": posted.id.description, "amount_cents": String(request.amount.cents)]),
                by: actor, at: now, in: db)
            try hook?.run(db, .success(posted))
            return posted
        }
    }

    /// Withdraws money from an account to `external:cash`. A debit beyond the available balance is
    /// declined: the declined transaction is stored and the error names it.
    /// - Throws: `insufficient_funds` (with `transaction_id`), `daily_limit_exceeded`, and the failures of ``credit(_:_:in:actor:hook:)``.
    public func debit(
        _ id: AccountID, _ request: MovementRequest, in scope: OwnerScope, actor: Actor, hook: TransactionHook<Transaction>? = nil
    ) async throws -> Transaction {
        try request.validate()
        let now = clock.now()
        let details = TransactionDetails(kind: .withdrawal, description: request.description ?? "Withdrawal", category: request.category)
        return try await debit(id, amount: request.amount, details: details, counterparty: .cash, in: scope, actor: actor, at: now, hook: hook)
    }

    /// A debit against a system account (cash withdrawal, card purchase), declined and stored when it cannot be paid.
    package func debit(
        _ id: AccountID, amount: Money, details: TransactionDetails, counterparty: SystemAccount, in scope: OwnerScope, actor: Actor,
        at now: Date, hook: TransactionHook<Transaction>?
    ) async throws -> Transaction {
        let outcome: Result<Transaction, LedgerError> = try await database.write { db in
            try journal.lock([id, counterparty.id], in: db)
            let account = try journal.account(id, in: scope, db: db)
            try journal.requireOpen(account)
            if let reason = try journal.declineReason(for: account, amount: amount, at: now, in: db) {
                let error = try journal.decline(account, amount: amount, details: details, reason: reason, at: now, in: db)
                try database.audit.append(
                    AuditEvent(
                        action: "transaction.declined", targetType: "account", targetID: id.description,
                        details: [
                            "transaction_id": error.transactionID!.description, "amount_cents": String(amount.cents), "reason": reason.value,
                        ]),
                    by: actor, at: now, in: db)
                try hook?.run(db, .failure(error))
                return .failure(error)
            }
            let posted = try journal.post(
                [Leg(accountID: id, amount: amount.negated, entry: details),
                 Leg(accountID: counterparty.id, amount: amount, entry: nil)],
                at: now, in: db)[0]
            try database.audit.append(
                AuditEvent(action: "transaction.debit", targetType: "account", targetID: id.description,
                           details: ["transaction_id": posted.id.description, "amount_cents": String(amount.cents)]),
                by: actor, at: now, in: db)
            try hook?.run(db, .success(posted))
            return .success(posted)
        }
        return try outcome.get()
    }
}
