import BankCore
import Benchmark
import Foundation
import Identity
import Ledger
import Sodium
import Statements
import Storage
import Synchronization
import Transfers

/// Micro benchmarks of the hot paths, run by `Benchmarks/micro.sh` (ordo-one/benchmark, release build):
/// access-token authentication, one durable in-process transfer, and one month's statement and the balance
/// report (with and without a balance checkpoint) of an account with 100,000 postings.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .peakMemoryResident], maxDuration: .seconds(5), maxIterations: 10_000)

    Benchmark("Authenticate an access token (JWT verify + session read)") { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try await fixture.identity.authenticate(accessToken: fixture.token))
        }
    } setup: {
        try await IdentityFixture.make()
    }

    Benchmark("Transfer between two accounts, durable (one caller)") { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try await fixture.transfers.transfer(fixture.request, from: .any, actor: .system))
        }
    } setup: {
        try await TransferFixture.make()
    }

    Benchmark("Statement: one month of an account with 100,000 postings", configuration: .init(maxIterations: 200)) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try await fixture.statements.statement(for: fixture.account, period: fixture.period, in: .any))
        }
    } setup: {
        try await StatementFixture.make(postings: 100_000)
    }

    // The balance report re-derives the balance from every posting of the account: its cost grows with the history.
    Benchmark("Balance report of an account with 100,000 postings", configuration: .init(maxIterations: 1_000)) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try await fixture.ledger.balance(fixture.account, in: .any))
        }
    } setup: {
        try await StatementFixture.make(postings: 100_000)
    }

    // The same account once its balance checkpoint is moved past every posting (the server moves checkpoints every few
    // seconds): the report reads the checkpoint and sums only what was posted since.
    Benchmark("Balance report of an account with 100,000 postings, checkpointed") { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try await fixture.ledger.balance(fixture.account, in: .any))
        }
    } setup: { () async throws -> StatementFixture in
        let fixture = try await StatementFixture.make(postings: 100_000)
        _ = try await fixture.ledger.advanceBalanceCheckpoints(after: 0, lag: 0)
        return fixture
    }
}

private func temporaryDatabase(_ modules: [any BankModule]) throws -> BankDatabase {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankkit-bench-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return try BankDatabase(path: directory + "/bank.sqlite", modules: modules, auditKey: [UInt8](repeating: 7, count: 32))
}

struct IdentityFixture: Sendable {
    let identity: IdentityService
    let token: String

    static func make() async throws -> IdentityFixture {
        let database = try temporaryDatabase([IdentityModule()])
        let identity = IdentityService(database: database, tokens: try await TokenIssuer(secret: SecureRandom.bytes(32)))
        let session = try await identity.signUp(
            SignUpRequest(email: "bench@example.com", password: "benchmark password", firstName: "Bench", lastName: "Mark"), actor: .system)
        return IdentityFixture(identity: identity, token: session.accessToken)
    }
}

struct TransferFixture: Sendable {
    let transfers: TransferService
    let request: TransferRequest

    static func make() async throws -> TransferFixture {
        let database = try temporaryDatabase([LedgerModule(), TransfersModule()])
        let ledger = LedgerService(database: database)
        let owner = UserID(UUID())
        let from = try await ledger.openAccount(owner: owner, type: .checking, actor: .system)
        let to = try await ledger.openAccount(owner: owner, type: .savings, actor: .system)
        _ = try await ledger.credit(from.id, MovementRequest(amount: Money(cents: 90_000_000_000)), in: .any, actor: .system)
        return TransferFixture(
            transfers: TransferService(database: database, ledger: ledger),
            request: TransferRequest(from: from.id, to: .account(to.id), amount: Money(cents: 1)))
    }
}

struct StatementFixture: Sendable {
    let statements: StatementService
    let ledger: LedgerService
    let account: AccountID
    let period: StatementPeriod

    /// `postings` deposits and card-sized withdrawals spread over 2025, written by 64 concurrent callers so group commit batches them.
    static func make(postings: Int) async throws -> StatementFixture {
        let start = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01T00:00:00Z
        let step = 365 * 24 * 3600 / Double(postings)
        let counter = Mutex(0)
        let clock = BankClock { start.addingTimeInterval(step * Double(counter.withLock { n in n += 1; return n })) }
        let database = try temporaryDatabase([LedgerModule()])
        let ledger = LedgerService(database: database, clock: clock)
        let owner = UserID(UUID())
        let account = try await ledger.openAccount(owner: owner, type: .checking, actor: .system)
        _ = try await ledger.credit(account.id, MovementRequest(amount: Money(cents: 10_000_000_00)), in: .any, actor: .system)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<64 {
                group.addTask {
                    for index in stride(from: worker, to: postings - 1, by: 64) {
                        let request = MovementRequest(
                            amount: Money(cents: Int64(index % 5_000 + 1)), description: "Purchase \(index)", category: "groceries")
                        if index % 4 == 0 {
                            _ = try await ledger.credit(account.id, request, in: .any, actor: .system)
                        } else {
                            _ = try await ledger.debit(account.id, request, in: .any, actor: .system)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return StatementFixture(
            statements: StatementService(database: database, ledger: ledger), ledger: ledger, account: account.id,
            period: try StatementPeriod(year: 2025, month: 6))
    }
}
