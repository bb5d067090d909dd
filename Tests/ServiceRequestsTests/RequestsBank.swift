import BankCore
import BankRuntime
import Cards
import Configuration
import Foundation
import GRDB
import Identity
import Ledger
import ServiceRequests
import Sodium
import Storage
import Testing

/// A user of the test bank and how they act.
struct Person: Sendable {
    let id: UserID
    let email: String
    let role: Role

    var actor: Actor { Actor(principal: Principal(userID: id, role: role)) }
    var scope: OwnerScope { .owner(id) }
}

/// The whole bank composed by `Bank.open` over a fresh temporary data directory, with a manual clock
/// and a cheap password hasher. The directory is removed when the value goes away.
final class RequestsBank: Sendable {
    let bank: Bank
    let clock: ManualClock
    let directory: String

    private init(bank: Bank, clock: ManualClock, directory: String) {
        self.bank = bank
        self.clock = clock
        self.directory = directory
    }

    deinit {
        try? bank.database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func open() async throws -> RequestsBank {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("requests-\(UUID().uuidString)").path
        let reader = try await BankConfiguration.reader(
            arguments: [], environment: [:], overrides: ["data.dir": .init(.string(directory), isSecret: false)],
            file: directory + "/no-config.json")
        let clock = ManualClock()
        let bank = try await Bank.open(config: reader, clock: clock.clock, hasher: PasswordHasher(cost: .init(opsLimit: 1, memLimit: 64 * 1024)))
        return RequestsBank(bank: bank, clock: clock, directory: directory)
    }

    var requests: ServiceRequestService { bank.requests }

    /// Signs up a member.
    func member(_ first: String = "Ada", _ last: String = "Lovelace") async throws -> Person {
        let email = "\(first)-\(UUID().uuidString.prefix(8))@example.com".lowercased()
        let session = try await bank.identity.signUp(
            SignUpRequest(email: email, password: "correct horse battery staple", firstName: first, lastName: last), actor: .system)
        return Person(id: session.user.id, email: email, role: .member)
    }

    /// Signs up a user and promotes them to employee, as `bankctl promote` does.
    func employee(_ first: String = "Grace") async throws -> Person {
        let person = try await member(first, "Hopper")
        _ = try await bank.identity.setRole(email: person.email, to: .employee, actor: .system)
        return Person(id: person.id, email: person.email, role: .employee)
    }

    /// Opens a checking account for `person` holding `cents`.
    func account(for person: Person, cents: Int64 = 0) async throws -> Account {
        let account = try await bank.ledger.openAccount(owner: person.id, type: .checking, actor: person.actor)
        if cents > 0 { try await deposit(cents, to: account.id) }
        return try await bank.ledger.account(account.id, in: .any)
    }

    @discardableResult
    func deposit(_ cents: Int64, to id: AccountID) async throws -> Transaction {
        try await bank.ledger.credit(id, MovementRequest(amount: Money(cents: cents)), in: .any, actor: .system)
    }

    @discardableResult
    func withdraw(_ cents: Int64, from id: AccountID) async throws -> Transaction {
        try await bank.ledger.debit(id, MovementRequest(amount: Money(cents: cents), description: "ATM"), in: .any, actor: .system)
    }

    /// Issues a card on the account and pays a purchase of `cents` with it.
    func purchase(_ cents: Int64, on account: Account) async throws -> (card: IssuedCard, purchase: Transaction) {
        let card = try await bank.cards.issue(for: account.id, holder: "Ada Lovelace", in: .any, actor: .system)
        let paid = try await bank.cards.purchase(
            CardPurchase(cardID: card.card.id, amount: Money(cents: cents), merchant: "Bookshop"), on: account.id, in: .any, actor: .system)
        return (card, paid)
    }

    func balance(_ id: AccountID) async throws -> Int64 { try await bank.ledger.account(id, in: .any).balance.cents }

    func integer(_ sql: String, _ arguments: StatementArguments = []) async throws -> Int64 {
        try await bank.database.writer.read { db in try Int64.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    /// Audit rows with an id above `after`, oldest first.
    func audit(after: Int64 = 0) async throws -> [AuditEntry] {
        try await bank.database.writer.read { db in
            try AuditEntry.fetchAll(db, sql: "SELECT * FROM audit_log WHERE id > ? ORDER BY id", arguments: [after])
        }
    }

    func lastAuditID() async throws -> Int64 { try await integer("SELECT COALESCE(MAX(id), 0) FROM audit_log") }

    /// Everything a request's effect could change: accounts, cards, names and roles, and the ledger's row counts.
    func worldState() async throws -> [String] {
        try await bank.database.writer.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT 'account ' || id || ' ' || status || ' ' || balance_cents || ' ' || IFNULL(daily_debit_limit_cents, '-') FROM accounts
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
        let integrity = try await bank.ledger.verifyIntegrity()
        #expect(integrity.isSound, "ledger: \(integrity)", sourceLocation: sourceLocation)
        let audit = try await bank.database.verifyAuditChain()
        #expect(audit.valid, "audit chain: \(audit)", sourceLocation: sourceLocation)
    }
}

/// The stable code of a domain error, or a description of any other error.
func code(of error: any Error) -> String { (error as? any BankError)?.code ?? "\(type(of: error)): \(error)" }

/// The fields a `ValidationError` names, or `[]` for any other error.
func fields(of error: any Error) -> [String] { (error as? ValidationError)?.fieldErrors.map(\.field) ?? [] }
