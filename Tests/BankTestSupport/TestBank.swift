public import BankCore
public import Cards
public import Foundation
public import Ledger
public import Statements
public import Storage
public import Transfers

/// The money modules over a real database (a SQLite file in a fresh temporary directory, or a fresh
/// schema on the test PostgreSQL server; see ``TestDatabase``), with a manual clock. Removed when the
/// value goes away. No mocks: this is the same engine production uses.
public final class TestBank: Sendable {
    public let directory: String
    public let path: String
    public let database: BankDatabase
    public let clock: ManualClock
    public let ledger: LedgerService
    public let transfers: TransferService
    public let cards: CardService
    public let statements: StatementService
    /// The member most tests act for.
    public let owner = UserID(UUID())
    /// A member who owns nothing of ``owner``'s.
    public let stranger = UserID(UUID())

    /// Where the manual clock starts: 2026-11-18T... UTC.
    public static let start = Date(timeIntervalSince1970: 1_795_000_000)

    /// Creates the bank; `cardKeys` are the card key ring's versions.
    public init(cardKeys: [Int: [UInt8]] = [1: TestBank.key(1)], start: Date = TestBank.start) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bank-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/bank.sqlite"
        database = try TestDatabase.open(
            modules: [LedgerModule(), TransfersModule(), CardsModule()], auditKey: TestBank.key(99), directory: directory)
        clock = ManualClock(start)
        ledger = LedgerService(database: database, clock: clock.clock)
        transfers = TransferService(database: database, ledger: ledger, clock: clock.clock)
        cards = CardService(database: database, keys: try CardKeyRing(keys: cardKeys, indexKey: TestBank.key(42)), ledger: ledger, clock: clock.clock)
        statements = StatementService(database: database, ledger: ledger)
    }

    deinit {
        try? database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A deterministic 32-byte test key.
    public static func key(_ seed: UInt8) -> [UInt8] { [UInt8](repeating: seed, count: 32) }

    /// The owner's scope.
    public var mine: OwnerScope { .owner(owner) }

    /// A card service over the same database with another key ring (rotation tests).
    public func cardService(keys: [Int: [UInt8]]) throws -> CardService {
        CardService(database: database, keys: try CardKeyRing(keys: keys, indexKey: TestBank.key(42)), ledger: ledger, clock: clock.clock)
    }

    /// Opens an account for `owner` (``owner`` by default).
    public func openAccount(owner: UserID? = nil, type: AccountType = .checking) async throws -> Account {
        try await ledger.openAccount(owner: owner ?? self.owner, type: type, actor: .system)
    }

    /// Deposits `cents`.
    @discardableResult
    public func deposit(_ cents: Int64, to id: AccountID, description: String? = nil, category: String? = nil) async throws -> Transaction {
        try await ledger.credit(
            id, MovementRequest(amount: Money(cents: cents), description: description, category: category), in: .any, actor: .system)
    }

    /// Withdraws `cents`.
    @discardableResult
    public func withdraw(_ cents: Int64, from id: AccountID, description: String? = nil, category: String? = nil) async throws -> Transaction {
        try await ledger.debit(
            id, MovementRequest(amount: Money(cents: cents), description: description, category: category), in: .any, actor: .system)
    }

    /// The cached balance of an account, in cents.
    public func balance(_ id: AccountID) async throws -> Int64 {
        try await ledger.account(id, in: .any).balance.cents
    }

    /// An integer from a SQL query.
    public func integer(_ sql: String, _ arguments: SQLArguments = []) async throws -> Int64 {
        try await database.read { db in try db.value(Int64.self, sql, arguments) ?? 0 }
    }

    /// Every stored byte: the SQLite file and its WAL, or on PostgreSQL every row of every table as
    /// text, to prove what is and is not stored.
    public func rawBytes() async throws -> [UInt8] {
        if TestDatabase.isPostgres {
            return try await database.read { db in try TestDatabase.storedBytes(in: db) }
        }
        var bytes: [UInt8] = []
        for suffix in ["", "-wal"] {
            if let data = FileManager.default.contents(atPath: path + suffix) { bytes += Array(data) }
        }
        return bytes
    }

    /// What is broken among the ledger invariants and the audit chain; `[]` when sound.
    public func soundnessProblems() async throws -> [String] { try await BankTestSupport.soundnessProblems(ledger, database) }
}

extension Array where Element == UInt8 {
    /// Whether these bytes contain `needle`'s UTF-8 bytes anywhere.
    public func contains(utf8 needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, count >= pattern.count else { return false }
        for start in 0...(count - pattern.count) where self[start] == pattern[0] {
            if Array(self[start..<start + pattern.count]) == pattern { return true }
        }
        return false
    }
}
