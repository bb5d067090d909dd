public import BankCore
public import BankRuntime
import Configuration
import Foundation
import Identity
public import Ledger
import Sodium
public import Storage

/// A user of a test bank and how they act.
public struct Person: Sendable {
    public let id: UserID
    public let email: String
    public let role: Role

    public init(id: UserID, email: String, role: Role) {
        self.id = id
        self.email = email
        self.role = role
    }

    public var actor: Actor { Actor(principal: Principal(userID: id, role: role)) }
    public var scope: OwnerScope { .owner(id) }
}

/// The whole bank composed by `Bank.open`, as the apps compose it, over a fresh temporary data
/// directory, with a manual clock and a cheap (still real) Argon2id cost. Removed when the value goes away.
public final class ComposedBank: Sendable {
    /// Every test user's password.
    public static let password = "correct horse battery staple"

    public let bank: Bank
    public let clock: ManualClock
    public let directory: String

    private init(bank: Bank, clock: ManualClock, directory: String) {
        self.bank = bank
        self.clock = clock
        self.directory = directory
    }

    deinit {
        try? bank.database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Opens a new bank.
    public static func open() async throws -> ComposedBank {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bank-\(UUID().uuidString)").path
        var overrides: [AbsoluteConfigKey: ConfigValue] = ["data.dir": .init(.string(directory), isSecret: false)]
        if let url = TestDatabase.freshPostgresURL() {
            overrides["database.url"] = .init(.string(url), isSecret: true)
            overrides["database.connections"] = .init(.int(2), isSecret: false)
        }
        let reader = try await BankConfiguration.reader(arguments: [], environment: [:], overrides: overrides, file: directory + "/no-config.json")
        let clock = ManualClock()
        let bank = try await Bank.open(config: reader, clock: clock.clock, hasher: PasswordHasher(cost: .init(opsLimit: 1, memLimit: 64 * 1024)))
        return ComposedBank(bank: bank, clock: clock, directory: directory)
    }

    /// Signs up a member with a unique email, and gives them `role` as `bankctl promote` does.
    public func user(_ first: String = "Ada", _ last: String = "Lovelace", role: Role = .member) async throws -> Person {
        let email = "\(first)-\(UUID().uuidString.prefix(8))@example.com".lowercased()
        let session = try await bank.identity.signUp(
            SignUpRequest(email: email, password: Self.password, firstName: first, lastName: last), actor: .system)
        if role != .member { _ = try await bank.identity.setRole(email: email, to: role, actor: .system) }
        return Person(id: session.user.id, email: email, role: role)
    }

    /// Signs up a member.
    public func member(_ first: String = "Ada", _ last: String = "Lovelace") async throws -> Person { try await user(first, last) }

    /// Signs up a user and promotes them to employee.
    public func employee(_ first: String = "Grace") async throws -> Person { try await user(first, "Hopper", role: .employee) }

    /// Opens a checking account for `person` holding `cents`, deposited by that person.
    public func account(for person: Person, cents: Int64 = 0) async throws -> Account {
        let account = try await bank.ledger.openAccount(owner: person.id, type: .checking, actor: person.actor)
        if cents > 0 { _ = try await bank.ledger.credit(account.id, MovementRequest(amount: Money(cents: cents)), in: .any, actor: person.actor) }
        return try await bank.ledger.account(account.id, in: .any)
    }

    @discardableResult
    public func deposit(_ cents: Int64, to id: AccountID) async throws -> Transaction {
        try await bank.ledger.credit(id, MovementRequest(amount: Money(cents: cents)), in: .any, actor: .system)
    }

    @discardableResult
    public func withdraw(_ cents: Int64, from id: AccountID) async throws -> Transaction {
        try await bank.ledger.debit(id, MovementRequest(amount: Money(cents: cents), description: "ATM"), in: .any, actor: .system)
    }

    public func balance(_ id: AccountID) async throws -> Int64 { try await bank.ledger.account(id, in: .any).balance.cents }

    /// Every row of every table, as text: two equal dumps mean nothing was written.
    public func dump() async throws -> [String: [String]] {
        try await bank.database.read { db in
            var tables: [String: [String]] = [:]
            for table in try TestDatabase.tables(in: db) { tables[table] = try TestDatabase.rows(of: table, in: db) }
            return tables
        }
    }

    /// An integer from a SQL query.
    public func integer(_ sql: String, _ arguments: SQLArguments = []) async throws -> Int64 {
        try await bank.database.read { db in try db.value(Int64.self, sql, arguments) ?? 0 }
    }
}
