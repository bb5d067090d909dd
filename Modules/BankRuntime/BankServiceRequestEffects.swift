import BankCore
import Cards
import Foundation
import Identity
import Ledger
import ServiceRequests
import Storage

/// The effects of service requests, supplied by the composition root from the modules that own
/// them: Cards replaces cards, Identity renames, the Ledger reverses, closes and sets limits. Each
/// runs inside the approval's write transaction.
struct BankServiceRequestEffects: ServiceRequestEffects {
    let database: BankDatabase
    let identity: IdentityService
    let ledger: LedgerService
    let cards: CardService

    func check(_ details: ServiceRequestDetails, member: UserID, in db: any SQLDatabase) throws {
        let scope = OwnerScope.owner(member)
        switch details {
        case .cardReplacement(let card, _):
            _ = try cards.replaceableCard(card, in: scope, db: db)
        case .nameChange(let first, let last):
            var validator = Validator()
            IdentityService.checkName(first, field: "first_name", in: &validator)
            IdentityService.checkName(last, field: "last_name", in: &validator)
            try validator.validate()
        case .transactionDispute(let transaction, _):
            _ = try ledger.journal.reversibleDebit(transaction, in: scope, db: db)
        case .accountClosure(let account), .limitIncrease(let account, _):
            let found = try ledger.journal.account(account, in: scope, db: db)
            guard found.status != .closed else { throw LedgerError(.accountClosed, "Account \(found.number) is closed.") }
        }
    }

    func apply(_ details: ServiceRequestDetails, member: UserID, actor: Actor, at date: Date, in db: any SQLDatabase) throws -> [String: String] {
        let scope = OwnerScope.owner(member)
        switch details {
        case .cardReplacement(let card, _):
            let issued = try cards.replace(card, in: scope, actor: actor, at: date, db: db)
            return ["new_card_id": issued.card.id.description, "last_four": issued.card.lastFour]
        case .nameChange(let first, let last):
            _ = try identity.rename(member, firstName: first, lastName: last, actor: actor, at: date, db: db)
            return [:]
        case .transactionDispute(let transaction, _):
            let reversal = try ledger.journal.reverse(transaction, in: scope, at: date, db: db)
            try database.audit.append(
                AuditEvent(action: "transaction.reversed", targetType: "account", targetID: reversal.accountID.description,
                           details: ["transaction_id": transaction.description, "reversal_transaction_id": reversal.id.description,
                                     "amount_cents": String(reversal.amount.cents)]),
                by: actor, at: date, in: db)
            return ["reversal_transaction_id": reversal.id.description]
        case .accountClosure(let account):
            _ = try ledger.journal.close(account, in: scope, at: date, db: db)
            try database.audit.append(
                AuditEvent(action: "account.closed", targetType: "account", targetID: account.description), by: actor, at: date, in: db)
            return ["account_status": "closed"]
        case .limitIncrease(let account, let limit):
            _ = try ledger.journal.setDailyLimit(account, to: limit, in: scope, db: db)
            try database.audit.append(
                AuditEvent(action: "account.daily_limit_set", targetType: "account", targetID: account.description,
                           details: ["daily_limit_cents": String(limit.cents)]),
                by: actor, at: date, in: db)
            return ["daily_limit_cents": String(limit.cents)]
        }
    }
}
