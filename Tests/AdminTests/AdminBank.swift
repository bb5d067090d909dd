import Admin
import BankCore
import BankRuntime
import Configuration
import Foundation
import GRDB
import Identity
import Ledger
import ServiceRequests
import Sodium
import Storage

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
final class AdminBank: Sendable {
    static let password = "correct horse battery staple"

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

    static func open() async throws -> AdminBank {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("admin-\(UUID().uuidString)").path
        let reader = try await BankConfiguration.reader(
            arguments: [], environment: [:], overrides: ["data.dir": .init(.string(directory), isSecret: false)],
            file: directory + "/no-config.json")
        let clock = ManualClock()
        let bank = try await Bank.open(config: reader, clock: clock.clock, hasher: PasswordHasher(cost: .init(opsLimit: 1, memLimit: 64 * 1024)))
        return AdminBank(bank: bank, clock: clock, directory: directory)
    }

    var admin: AdminService { bank.admin }

    /// Signs up a member, and gives them `role` as `bankctl promote` does.
    func user(_ first: String = "Ada", role: Role = .member) async throws -> Person {
        let email = "\(first)-\(UUID().uuidString.prefix(8))@example.com".lowercased()
        let session = try await bank.identity.signUp(
            SignUpRequest(email: email, password: Self.password, firstName: first, lastName: "Tester"), actor: .system)
        if role != .member { _ = try await bank.identity.setRole(email: email, to: role, actor: .system) }
        return Person(id: session.user.id, email: email, role: role)
    }

    /// Opens a checking account for `person` holding `cents`.
    func account(for person: Person, cents: Int64 = 0) async throws -> Account {
        let account = try await bank.ledger.openAccount(owner: person.id, type: .checking, actor: person.actor)
        if cents > 0 { _ = try await bank.ledger.credit(account.id, MovementRequest(amount: Money(cents: cents)), in: .any, actor: person.actor) }
        return try await bank.ledger.account(account.id, in: .any)
    }

    @discardableResult
    func withdraw(_ cents: Int64, from id: AccountID) async throws -> Transaction {
        try await bank.ledger.debit(id, MovementRequest(amount: Money(cents: cents)), in: .any, actor: .system)
    }

    func integer(_ sql: String, _ arguments: StatementArguments = []) async throws -> Int64 {
        try await bank.database.writer.read { db in try Int64.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    /// Every row of every table, as text: two equal dumps mean nothing was written.
    func dump() async throws -> [String: [String]] {
        try await bank.database.writer.read { db in
            var tables: [String: [String]] = [:]
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") {
                tables[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)").map(\.description)
            }
            return tables
        }
    }
}

/// Walks a newest-first list page by page with `limit`, returning every item and the page sizes.
func walk<Item: Sendable>(limit: Int, _ fetch: (PageRequest) async throws -> Page<Item>) async throws -> (items: [Item], pages: [Int]) {
    var items: [Item] = []
    var pages: [Int] = []
    var cursor: BankCore.Cursor?
    repeat {
        let page = try await fetch(PageRequest(limit: limit, cursor: cursor))
        items += page.data
        pages.append(page.data.count)
        if page.hasMore != (page.nextCursor != nil) { throw WalkError.inconsistentPage }
        cursor = page.nextCursor
    } while cursor != nil
    return (items, pages)
}

enum WalkError: Error { case inconsistentPage }
