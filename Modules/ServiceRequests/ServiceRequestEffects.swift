public import BankCore
public import Foundation
public import Storage

/// What the service-request workflow needs from the rest of the bank, declared here and supplied by
/// the composition root (which passes the Cards, Identity and Ledger implementations), so that this
/// module imports none of them.
///
/// Every method runs inside the caller's write transaction: the state change, the effect and the
/// audit rows commit together or not at all.
public protocol ServiceRequestEffects: Sendable {
    /// Checks, when a member files a request, that what it names is theirs and can be acted on.
    /// - Throws: a domain error (`card_not_found`, `transaction_not_disputable`, …) that refuses the filing.
    func check(_ details: ServiceRequestDetails, member: UserID, in db: any SQLDatabase) throws

    /// Applies an approved request's effect and returns what it produced (`new_card_id`, …).
    /// - Throws: a domain error when the effect cannot apply (closing a non-empty account); the request then stays pending.
    func apply(_ details: ServiceRequestDetails, member: UserID, actor: Actor, at date: Date, in db: any SQLDatabase) throws -> [String: String]
}
