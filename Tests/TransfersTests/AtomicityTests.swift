import BankCore
import Foundation
import Ledger
import Storage
import Testing
import Transfers

@Suite struct AtomicityTests {
    let bank: TestBank

    init() throws { bank = try TestBank() }

    struct HookFailure: Error, Equatable {}

    @Test func hookThatThrowsRollsBackTheWholeTransfer() async throws {
        let ada = UserID(UUID())
        let source = try await bank.openAccount(owner: ada, funded: 50_00)
        let target = try await bank.openAccount(owner: UserID(UUID()), funded: 1_00)
        let auditBefore = try await bank.count("SELECT COUNT(*) FROM audit_log")
        let transactionsBefore = try await bank.count("SELECT COUNT(*) FROM transactions")
        let failing = TransactionHook<Transfer> { _, _ in throw HookFailure() }

        await #expect(throws: HookFailure()) { try await bank.transfer(20_00, from: source.id, to: .account(target.id), as: ada, hook: failing) }
        // A declined transfer's stored record goes too when its hook fails.
        await #expect(throws: HookFailure()) { try await bank.transfer(90_00, from: source.id, to: .account(target.id), as: ada, hook: failing) }

        #expect(try await bank.balance(source.id) == 50_00)
        #expect(try await bank.balance(target.id) == 1_00)
        #expect(try await bank.count("SELECT COUNT(*) FROM audit_log") == auditBefore)
        #expect(try await bank.count("SELECT COUNT(*) FROM transactions") == transactionsBefore)
        #expect(try await bank.count("SELECT COUNT(*) FROM transfers") == 0)
        try await bank.expectSound()
    }

    @Test func hookCommitsItsWritesWithTheTransfer() async throws {
        let ada = UserID(UUID())
        let source = try await bank.openAccount(owner: ada, funded: 50_00)
        let target = try await bank.openAccount(owner: UserID(UUID()))
        let database = bank.database
        let key = IdempotencyKey(scope: ada.description, key: "key-1", fingerprint: "f")
        let now = TestBank.start
        let hook = TransactionHook<Transfer> { db, outcome in
            let status = (try? outcome.get()) == nil ? 422 : 201
            try database.idempotency.save(StoredResponse(status: status, body: Data()), for: key, at: now, in: db)
        }
        let transfer = try await bank.transfer(20_00, from: source.id, to: .account(target.id), as: ada, hook: hook)
        let stored = try await database.read { db in try database.idempotency.storedResponse(for: key, in: db) }
        #expect(stored == StoredResponse(status: 201, body: Data()))
        #expect(try await bank.transfers.transfer(transfer.id, visibleTo: .owner(ada)).amount == Money(cents: 20_00))

        let declinedKey = IdempotencyKey(scope: ada.description, key: "key-2", fingerprint: "f")
        let declineHook = TransactionHook<Transfer> { db, outcome in
            let status = (try? outcome.get()) == nil ? 422 : 201
            try database.idempotency.save(StoredResponse(status: status, body: Data()), for: declinedKey, at: now, in: db)
        }
        await #expect(throws: LedgerError.self) {
            try await bank.transfer(31_00, from: source.id, to: .account(target.id), as: ada, hook: declineHook)
        }
        let declined = try await database.read { db in try database.idempotency.storedResponse(for: declinedKey, in: db) }
        #expect(declined == StoredResponse(status: 422, body: Data()))
        #expect(try await bank.balance(source.id) == 30_00)
        try await bank.expectSound()
    }

    @Test func concurrentRandomTransfersConserveMoneyAndMatchAReplay() async throws {
        let accountCount = 20
        let initial: Int64 = 1_000_00
        var owners: [UserID] = []
        var accounts: [AccountID] = []
        for _ in 0..<accountCount {
            let owner = UserID(UUID())
            owners.append(owner)
            accounts.append(try await bank.openAccount(owner: owner, funded: initial).id)
        }
        let bank = bank
        let (ids, holders) = (accounts, owners)

        struct Outcome: Sendable { var posted: [(from: Int, to: Int, cents: Int64)] = []; var declined = 0 }
        let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for task in 0..<16 {
                group.addTask {
                    var random = SeededGenerator(seed: UInt64(task) &+ 0x5eed)
                    var outcome = Outcome()
                    for _ in 0..<40 {
                        let from = Int(random.next() % UInt64(accountCount))
                        let to = (from + 1 + Int(random.next() % UInt64(accountCount - 1))) % accountCount
                        let cents = Int64(1 + random.next() % 20_000)
                        do {
                            try await bank.transfer(cents, from: ids[from], to: .account(ids[to]), as: holders[from])
                            outcome.posted.append((from, to, cents))
                        } catch let error as LedgerError where error.code == "insufficient_funds" {
                            outcome.declined += 1
                        }
                    }
                    return outcome
                }
            }
            return try await group.reduce(into: [Outcome]()) { $0.append($1) }
        }

        let posted = outcomes.flatMap(\.posted)
        let declined = outcomes.map(\.declined).reduce(0, +)
        #expect(posted.count + declined == 640)

        var replay = [Int64](repeating: initial, count: accountCount)
        for transfer in posted {
            replay[transfer.from] -= transfer.cents
            replay[transfer.to] += transfer.cents
        }
        var balances: [Int64] = []
        for id in accounts { balances.append(try await bank.balance(id)) }
        #expect(balances == replay)
        #expect(balances.reduce(0, +) == Int64(accountCount) * initial)
        #expect(try await bank.count("SELECT COUNT(*) FROM transfers") == posted.count)
        #expect(try await bank.count("SELECT COUNT(*) FROM transactions WHERE status = 'declined'") == declined)

        // Replaying the committed order never takes an account below zero: no lost updates.
        let rows = try await bank.database.read { db in
            try db.rows("SELECT from_account_id, to_account_id, amount_cents FROM transfers ORDER BY seq")
                .map { (from: $0["from_account_id"] as AccountID, to: $0["to_account_id"] as AccountID, cents: $0["amount_cents"] as Int64) }
        }
        var running = Dictionary(uniqueKeysWithValues: accounts.map { ($0, initial) })
        var lowest = initial
        for row in rows {
            running[row.from, default: 0] -= row.cents
            running[row.to, default: 0] += row.cents
            lowest = min(lowest, running[row.from, default: 0])
        }
        #expect(lowest >= 0)
        #expect(accounts.map { running[$0] } == balances)
        try await bank.expectSound()
    }
}
