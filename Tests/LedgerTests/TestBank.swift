import BankCore
import BankTestSupport
import Foundation
import Ledger
import Storage
import Testing

/// The Ledger over a real database (a SQLite file in a fresh temporary directory, or a fresh schema on
/// the test PostgreSQL server; see ``TestDatabase``), with a manual clock; removed when the test is done.
final class TestBank: Sendable {
    let directory: String
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
        database = try TestDatabase.open(modules: [LedgerModule()], auditKey: [UInt8](repeating: 9, count: 32), directory: directory)
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
        try await ledger.credit(
            id, MovementRequest(amount: Money(cents: cents), description: description, category: category), in: .any, actor: .system)
    }

    /// Withdraws `cents` from an account of ``owner``'s.
    @discardableResult
    func withdraw(_ cents: Int64, from id: AccountID, description: String? = nil, category: String? = nil) async throws -> Transaction {
        try await ledger.debit(
            id, MovementRequest(amount: Money(cents: cents), description: description, category: category), in: .any, actor: .system)
    }

    /// The cached balance of an account, in cents.
    func balance(_ id: AccountID) async throws -> Int64 {
        try await ledger.account(id, in: .any).balance.cents
    }

    /// The cached balance of a system account, in cents.
    func balance(_ system: SystemAccount) async throws -> Int64 {
        try await database.read { db in
            try db.value(Int64.self, "SELECT balance_cents FROM accounts WHERE id = ?", [system.id]) ?? -1
        }
    }

    /// A count from a SQL query.
    func count(_ sql: String, _ arguments: SQLArguments = []) async throws -> Int {
        try await database.read { db in try db.value(Int.self, sql, arguments) ?? -1 }
    }

    /// The names of `table`'s columns, in the table's order, as the engine in use reports them.
    func columnNames(of table: String) async throws -> [String] {
        try await database.read { db in
            switch db.dialect {
            case .sqlite: try db.values(String.self, "SELECT name FROM pragma_table_info(?) ORDER BY cid", [table])
            case .postgres:
                try db.values(
                    String.self,
                    """
                    SELECT column_name::text FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
                    """, [table])
            }
        }
    }

    /// Asserts every ledger invariant and the audit chain.
    func expectSound(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await soundnessProblems(ledger, database) == [], sourceLocation: sourceLocation)
    }
}

/// The message a trigger raised to refuse a statement (`RAISE(ABORT, …)` on SQLite, `RAISE EXCEPTION`
/// on PostgreSQL), or `nil` when `error` is not such a refusal.
///
/// GRDB's error type is not visible here (the tests use no driver directly), so on SQLite this reads its
/// text: `SQLite error 19: <message> - while executing …` (19 is SQLITE_CONSTRAINT, which a trigger's
/// RAISE(ABORT) reports). On PostgreSQL it is Storage's `PostgresError` with SQLSTATE P0001 (raise_exception).
func triggerMessage(of error: (any Error)?) -> String? {
    guard let error else { return nil }
    if let error = error as? PostgresError { return error.sqlState == "P0001" ? error.message : nil }
    let text = String(describing: error)
    let prefix = "SQLite error 19: "
    guard text.hasPrefix(prefix), let end = text.range(of: " - while executing") else { return nil }
    return String(text[text.index(text.startIndex, offsetBy: prefix.count)..<end.lowerBound])
}
