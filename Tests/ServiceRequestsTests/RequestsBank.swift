import BankCore
import BankTestSupport
import BankRuntime
import Cards
import Configuration
import Foundation
import Identity
import Ledger
import ServiceRequests
import Sodium
import Testing

@testable import Storage

/// The service-request tests' bank: the composed bank, with card, audit and state helpers.
typealias RequestsBank = ComposedBank

extension ComposedBank {
    var requests: ServiceRequestService { bank.requests }

    /// Issues a card on the account and pays a purchase of `cents` with it.
    func purchase(_ cents: Int64, on account: Account) async throws -> (card: IssuedCard, purchase: Transaction) {
        let card = try await bank.cards.issue(for: account.id, holder: "Ada Lovelace", in: .any, actor: .system)
        let paid = try await bank.cards.purchase(
            CardPurchase(cardID: card.card.id, amount: Money(cents: cents), merchant: "Bookshop"), on: account.id, in: .any, actor: .system)
        return (card, paid)
    }

    /// Audit rows with an id above `after`, oldest first.
    func audit(after: Int64 = 0) async throws -> [AuditEntry] {
        try await bank.database.read { db in
            try db.rows("SELECT * FROM audit_log WHERE id > ? ORDER BY id", [after]).map(AuditEntry.init(row:))
        }
    }

    func lastAuditID() async throws -> Int64 { try await integer("SELECT COALESCE(MAX(id), 0) FROM audit_log") }

    /// Everything a request's effect could change: accounts, cards, names and roles, and the ledger's row counts.
    func worldState() async throws -> [String] {
        try await bank.database.read { db in
            try db.values(
                String.self,
                """
                    SELECT 'account ' || id || ' ' || status || ' ' || balance_cents || ' ' || COALESCE(CAST(daily_debit_limit_cents AS TEXT), '-')
                    FROM accounts
                    UNION ALL SELECT 'card ' || id || ' ' || status FROM cards
                    UNION ALL SELECT 'user ' || id || ' ' || first_name || ' ' || last_name || ' ' || role FROM users
                    UNION ALL SELECT 'transactions ' || COUNT(*) FROM transactions
                    UNION ALL SELECT 'postings ' || COUNT(*) FROM postings
                    ORDER BY 1
                    """)
        }
    }

    /// The ledger invariants and the audit chain hold.
    func expectSound(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await bank.soundnessProblems() == [], sourceLocation: sourceLocation)
    }
}

/// The stable code of a domain error, or a description of any other error.
func code(of error: any Error) -> String { (error as? any BankError)?.code ?? "\(type(of: error)): \(error)" }

/// The fields a `ValidationError` names, or `[]` for any other error.
func fields(of error: any Error) -> [String] { (error as? ValidationError)?.fieldErrors.map(\.field) ?? [] }
