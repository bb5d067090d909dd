import BankCore
import BankTestSupport
import Foundation
import GRDB
import Ledger
import Storage
import Testing

/// The Ledger over a real SQLite file in a fresh temporary directory, with a manual clock; removed when the test is done.
final class TestBank: Sendable {
    let directory: String
    let path: String
    let database: BankDatabase
    let manualClock: ManualClock
    let ledger: LedgerService
    /// The member most tests act for.
    let owner = UserID(UUID())
    /// A member who owns nothing of ``owner``'s.
    let stranger = UserID(UUID())

    /// Where the manual clock starts.
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/bank.sqlite"
        database = try BankDatabase(path: path, modules: [LedgerModule()], auditKey: [UInt8](repeating: 9, count: 32))
        manualClock = ManualClock(Self.start)
        ledger = LedgerService(database: database, clock: manualClock.clock)
    }

    deinit {
        try? database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The owner's scope.
    var mine: OwnerScope { .owner(owner) }

    /// Opens a checking account for `owner` (``owner`` by default).
    func openAccount(owner: UserID? = nil, type: AccountType = .checking) async throws -> Account {
        try await ledger.openAccount(owner: owner ?? self.owner, type: type, actor: .system)
    }

    /// Deposits `cents` into an account of ``owner``'s.
    @discardableResult
    func deposit(_ cents: Int64, to id: AccountID, description: String? = nil, category: String? = nil) async throws -> Transaction {
        try await ledger.credit(id, MovementRequest(amount: Money(cents: cents), description: description, category: category), in: .any, actor: .system)
    }

    /// Withdraws `cents` from an account of ``owner``'s.
    @discardableResult
    func withdraw(_ cents: Int64, from id: AccountID, description: String? = nil, category: String? = nil) async throws -> Transaction {
        try await ledger.debit(id, MovementRequest(amount: Money(cents: cents), description: description, category: category), in: .any, actor: .system)
    }

    /// The cached balance of an account, in cents.
    func balance(_ id: AccountID) async throws -> Int64 {
        try await ledger.account(id, in: .any).balance.cents
    }

    /// The cached balance of a system account, in cents.
    func balance(_ system: SystemAccount) async throws -> Int64 {
        try await database.writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT balance_cents FROM accounts WHERE id = ?", arguments: [system.id]) ?? -1
        }
    }

    /// A count from a SQL query.
    func count(_ sql: String, _ arguments: StatementArguments = []) async throws -> Int {
        try await database.writer.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? -1 }
    }

    /// Asserts every ledger invariant and the audit chain.
    func expectSound(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await soundnessProblems(ledger, database) == [], sourceLocation: sourceLocation)
    }
}
