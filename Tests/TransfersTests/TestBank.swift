import BankCore
import BankTestSupport
import Foundation
import Ledger
import Storage
import Testing
import Transfers

/// Ledger and Transfers over a real database (a SQLite file in a fresh temporary directory, or a fresh schema on the
/// test PostgreSQL server; see ``TestDatabase``); removed when the test is done.
final class TestBank: Sendable {
    let directory: String
    let database: BankDatabase
    let manualClock: ManualClock
    let ledger: LedgerService
    let transfers: TransferService

    /// Where the manual clock starts.
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("transfers-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = try TestDatabase.open(
            modules: [LedgerModule(), TransfersModule()], auditKey: [UInt8](repeating: 3, count: 32), directory: directory)
        manualClock = ManualClock(Self.start)
        ledger = LedgerService(database: database, clock: manualClock.clock)
        transfers = TransferService(database: database, ledger: ledger, clock: manualClock.clock)
    }

    deinit {
        try? database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Opens an account for `owner` and deposits `cents` into it when positive.
    func openAccount(owner: UserID, funded cents: Int64 = 0) async throws -> Account {
        let account = try await ledger.openAccount(owner: owner, type: .checking, actor: .system)
        if cents > 0 { _ = try await ledger.credit(account.id, MovementRequest(amount: Money(cents: cents)), in: .any, actor: .system) }
        return try await ledger.account(account.id, in: .any)
    }

    /// Transfers `cents` from an account of `owner`'s.
    @discardableResult
    func transfer(_ cents: Int64, from source: AccountID, to target: TransferTarget, as owner: UserID, description: String? = nil,
                  hook: TransactionHook<Transfer>? = nil) async throws -> Transfer {
        try await transfers.transfer(
            TransferRequest(from: source, to: target, amount: Money(cents: cents), description: description), from: .owner(owner),
            actor: .system, hook: hook)
    }

    /// The cached balance of an account, in cents.
    func balance(_ id: AccountID) async throws -> Int64 {
        try await ledger.account(id, in: .any).balance.cents
    }

    /// A count from a SQL query.
    func count(_ sql: String, _ arguments: SQLArguments = []) async throws -> Int {
        try await database.read { db in try db.value(Int.self, sql, arguments) ?? -1 }
    }

    /// Asserts every ledger invariant and the audit chain.
    func expectSound(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await soundnessProblems(ledger, database) == [], sourceLocation: sourceLocation)
    }
}
