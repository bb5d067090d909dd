import BankCore
import BankTestSupport
import Cards
import Foundation
import Ledger
import Statements
import Storage
import Testing
import Transfers

/// Random sequences of everything that moves money, checked step by step against a model as simple as
/// it can be: a dictionary of cents per account, plus which accounts are closed and what each card is.
///
/// Every step's outcome (posted, declined and stored, or refused with a code) is the one the model
/// predicts, every balance equals the model's, and every ledger invariant and the audit chain hold.
/// Seeded with ``SeededGenerator``, so a failure replays: each seed is a test case of its own, and
/// every failure names the seed and step. `BANKKIT_PROPERTY_STEPS=N` runs N steps per seed (default 200);
/// `BANKKIT_PROPERTY_SEEDS=7,42` runs those seeds instead of the default ones.
@Suite struct LedgerPropertyTests {
    static let steps = ProcessInfo.processInfo.environment["BANKKIT_PROPERTY_STEPS"].flatMap(Int.init) ?? 200
    static let seeds: [UInt64] =
        ProcessInfo.processInfo.environment["BANKKIT_PROPERTY_SEEDS"]?.split(separator: ",").compactMap { UInt64($0) } ?? [1, 7, 42, 2026]

    /// What the model knows of an account.
    struct ModelAccount {
        let owner: UserID
        var cents: Int64 = 0
        var closed = false
        var posted = 0
        var declined = 0
        /// The live or last card of the account.
        var card: (id: CardID, status: CardStatus)?
    }

    /// A posted debit that a reversal may give back (withdrawals and card purchases), or may not (transfers out).
    struct ModelDebit {
        let id: TransactionID
        let account: AccountID
        let cents: Int64
        let reversible: Bool
        var reversed = false
    }

    /// What a step must end in: success, or a refusal with this code.
    enum Outcome: Equatable, CustomStringConvertible {
        case ok
        case refused(String)

        var description: String {
            switch self {
            case .ok: "ok"
            case .refused(let code): code
            }
        }
    }

    /// The run of one seed: the bank, the model, and the generator.
    final class Run {
        let bank: TestBank
        let seed: UInt64
        var random: SeededGenerator
        var accounts: [AccountID: ModelAccount] = [:]
        /// In opening order, so that a choice by index replays.
        var order: [AccountID] = []
        var debits: [ModelDebit] = []
        var step = 0
        /// How often each operation ended in each outcome (`"purchase: card_inactive"`), to show what the run covered.
        var tally: [String: Int] = [:]

        init(seed: UInt64) throws {
            bank = try TestBank()
            self.seed = seed
            random = SeededGenerator(seed: seed)
        }

        var label: Comment { "seed \(seed), step \(step)" }

        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
        func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

        /// An amount near the interesting edges of `balance`: exactly it, one cent more, a bit, or a lot.
        func amount(around balance: Int64) -> Int64 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0 where balance > 0: balance
            case 1: balance + 1
            case 2: Int64.random(in: 100_000...10_000_000, using: &random)
            default: Int64.random(in: 1...max(1, min(balance, 50_000) + 500), using: &random)
            }
        }

        /// Runs `body`, and tells success from a bank refusal by its code.
        func outcome(_ body: () async throws -> Void) async throws -> Outcome {
            do {
                try await body()
                return .ok
            } catch let error as any BankError {
                return .refused(error.code)
            }
        }

        func expect(_ actual: Outcome, _ expected: Outcome, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(actual == expected, "\(label): \(what)", sourceLocation: sourceLocation)
            tally["\(what.split(separator: " ").prefix(2).joined(separator: " ")): \(actual)", default: 0] += 1
        }
    }

    @Test(arguments: seeds)
    func everyStepKeepsTheInvariantsAndMatchesTheModel(seed: UInt64) async throws {
        let run = try Run(seed: seed)
        let members = [run.bank.owner, run.bank.stranger]
        for step in 1...Self.steps {
            run.step = step
            run.bank.clock.advance(by: 7)
            let operation = run.accounts.isEmpty ? 0 : Int.random(in: 0..<100, using: &run.random)
            switch operation {
            case 0..<7: try await open(run, owner: run.pick(members))
            case 7..<25: try await credit(run)
            case 25..<40: try await debit(run)
            case 40..<60: try await transfer(run)
            case 60..<65: try await issueCard(run)
            case 65..<80: try await purchase(run)
            case 80..<86: try await changeCard(run)
            case 86..<96: try await reverse(run)
            default: try await drainAndClose(run)
            }
            try await expectModel(run)
            if step % 50 == 0 || step == Self.steps { try await expectStatements(run) }
        }
        print("seed \(seed):", run.tally.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
    }

    // MARK: - Steps

    private func open(_ run: Run, owner: UserID) async throws {
        let account = try await run.bank.ledger.openAccount(owner: owner, type: run.chance(50) ? .checking : .savings, actor: .system)
        run.accounts[account.id] = ModelAccount(owner: owner)
        run.order.append(account.id)
    }

    /// Mostly an open account, sometimes any (closed ones must refuse everything).
    private func someAccount(_ run: Run, excluding excluded: AccountID? = nil) -> AccountID {
        let open = run.order.filter { !run.accounts[$0]!.closed && $0 != excluded }
        let any = run.order.filter { $0 != excluded }
        return run.pick(open.isEmpty || run.chance(10) ? (any.isEmpty ? run.order : any) : open)
    }

    private func credit(_ run: Run) async throws {
        let id = someAccount(run)
        let cents = Int64.random(in: 1...200_000, using: &run.random)
        let expected: Outcome = run.accounts[id]!.closed ? .refused("account_closed") : .ok
        let actual = try await run.outcome {
            _ = try await run.bank.ledger.credit(id, MovementRequest(amount: Money(cents: cents)), in: .any, actor: .system)
        }
        run.expect(actual, expected, "credit of \(cents)")
        if actual == .ok {
            run.accounts[id]!.cents += cents
            run.accounts[id]!.posted += 1
        }
    }

    private func debit(_ run: Run) async throws {
        let id = someAccount(run)
        let model = run.accounts[id]!
        let cents = run.amount(around: model.cents)
        let expected: Outcome = model.closed ? .refused("account_closed") : cents > model.cents ? .refused("insufficient_funds") : .ok
        var posted: Transaction?
        let actual = try await run.outcome {
            posted = try await run.bank.ledger.debit(
                id, MovementRequest(amount: Money(cents: cents), description: "Cash"), in: .owner(model.owner), actor: .system)
        }
        run.expect(actual, expected, "debit of \(cents) from \(model.cents)")
        apply(run, actual, on: id, cents: cents, posted: posted, reversible: true)
    }

    private func transfer(_ run: Run) async throws {
        let from = someAccount(run)
        let to = run.chance(5) ? from : someAccount(run, excluding: from)
        let source = run.accounts[from]!, target = run.accounts[to]!
        let cents = run.amount(around: source.cents)
        let expected: Outcome =
            from == to
            ? .refused("same_account")
            : source.closed || target.closed ? .refused("account_closed") : cents > source.cents ? .refused("insufficient_funds") : .ok
        var transfer: Transfer?
        let actual = try await run.outcome {
            transfer = try await run.bank.transfers.transfer(
                TransferRequest(from: from, to: .account(to), amount: Money(cents: cents)), from: .owner(source.owner), actor: .system)
        }
        run.expect(actual, expected, "transfer of \(cents) from \(source.cents)")
        apply(run, actual, on: from, cents: cents, posted: transfer?.debitTransaction, reversible: false)
        if actual == .ok {
            run.accounts[to]!.cents += cents
            run.accounts[to]!.posted += 1
        }
    }

    private func issueCard(_ run: Run) async throws {
        let id = someAccount(run)
        let model = run.accounts[id]!
        let live = model.card.map { $0.status != .cancelled } ?? false
        let expected: Outcome = model.closed ? .refused("account_closed") : live ? .refused("card_exists") : .ok
        var issued: IssuedCard?
        let actual = try await run.outcome {
            issued = try await run.bank.cards.issue(for: id, holder: "Ada Lovelace", in: .owner(model.owner), actor: .system)
        }
        run.expect(actual, expected, "card issue")
        if let issued { run.accounts[id]!.card = (issued.card.id, .active) }
    }

    private func purchase(_ run: Run) async throws {
        let withCards = run.order.filter { run.accounts[$0]!.card != nil }
        guard !withCards.isEmpty else { return try await credit(run) }
        let id = run.pick(withCards)
        let model = run.accounts[id]!
        let card = model.card!
        let cents = run.amount(around: model.cents)
        let expected: Outcome =
            model.closed
            ? .refused("account_closed")
            : card.status != .active ? .refused("card_inactive") : cents > model.cents ? .refused("insufficient_funds") : .ok
        var posted: Transaction?
        let actual = try await run.outcome {
            posted = try await run.bank.cards.purchase(
                CardPurchase(cardID: card.id, amount: Money(cents: cents), merchant: "Shop", category: "groceries"), on: id,
                in: .owner(model.owner), actor: .system)
        }
        run.expect(actual, expected, "card purchase of \(cents) from \(model.cents) with a \(card.status.rawValue) card")
        apply(run, actual, on: id, cents: cents, posted: posted, reversible: true)
    }

    private func changeCard(_ run: Run) async throws {
        let withCards = run.order.filter { run.accounts[$0]!.card != nil }
        guard !withCards.isEmpty else { return try await issueCard(run) }
        let id = run.pick(withCards)
        let (cardID, status) = run.accounts[id]!.card!
        let owner = run.accounts[id]!.owner
        let target = run.pick([CardStatus.frozen, .active, .cancelled])
        let expected: Outcome = status == .cancelled && target != .cancelled ? .refused("invalid_card_state") : .ok
        let cards = run.bank.cards
        let actual = try await run.outcome {
            switch target {
            case .frozen: _ = try await cards.freeze(cardID, in: .owner(owner), actor: .system)
            case .active: _ = try await cards.unfreeze(cardID, in: .owner(owner), actor: .system)
            case .cancelled: _ = try await cards.cancel(cardID, in: .owner(owner), actor: .system)
            }
        }
        run.expect(actual, expected, "card \(status.rawValue) → \(target.rawValue)")
        if actual == .ok { run.accounts[id]!.card = (cardID, target) }
    }

    /// A dispute's effect: the reversal of a posted debit, through the journal as an approval applies it.
    private func reverse(_ run: Run) async throws {
        guard !run.debits.isEmpty else { return try await debit(run) }
        let index = Int.random(in: 0..<run.debits.count, using: &run.random)
        let debit = run.debits[index]
        let expected: Outcome =
            !debit.reversible || debit.reversed
            ? .refused("transaction_not_reversible") : run.accounts[debit.account]!.closed ? .refused("account_closed") : .ok
        let (database, journal, now) = (run.bank.database, run.bank.ledger.journal, run.bank.clock.now)
        let actual = try await run.outcome {
            _ = try await database.write { db in try journal.reverse(debit.id, in: .any, at: now, db: db) }
        }
        run.expect(actual, expected, "reversal of \(debit.cents) (reversible: \(debit.reversible), reversed: \(debit.reversed))")
        if actual == .ok {
            run.debits[index].reversed = true
            run.accounts[debit.account]!.cents += debit.cents
            run.accounts[debit.account]!.posted += 1
        }
    }

    /// Empties an account with one exact withdrawal (often), then closes it: only an empty account closes.
    private func drainAndClose(_ run: Run) async throws {
        let id = someAccount(run)
        let model = run.accounts[id]!
        if !model.closed, model.cents > 0, run.chance(70) {
            let posted = try await run.bank.ledger.debit(id, MovementRequest(amount: Money(cents: model.cents)), in: .any, actor: .system)
            apply(run, .ok, on: id, cents: model.cents, posted: posted, reversible: true)
        }
        let cents = run.accounts[id]!.cents
        let expected: Outcome = model.closed ? .refused("account_closed") : cents != 0 ? .refused("balance_not_zero") : .ok
        let actual = try await run.outcome { _ = try await run.bank.ledger.close(id, in: .owner(model.owner), actor: .system) }
        run.expect(actual, expected, "close at \(cents)")
        if actual == .ok { run.accounts[id]!.closed = true }
    }

    /// Books a debit's outcome in the model: posted, or declined and stored.
    private func apply(_ run: Run, _ actual: Outcome, on id: AccountID, cents: Int64, posted: Transaction?, reversible: Bool) {
        switch actual {
        case .ok:
            run.accounts[id]!.cents -= cents
            run.accounts[id]!.posted += 1
            if let posted { run.debits.append(ModelDebit(id: posted.id, account: id, cents: cents, reversible: reversible)) }
        case .refused(let code) where ["insufficient_funds", "card_inactive"].contains(code):
            run.accounts[id]!.declined += 1
        case .refused:
            break
        }
    }

    // MARK: - Checks

    /// Every balance, status and count is the model's, and the ledger and audit chain are sound.
    private func expectModel(_ run: Run) async throws {
        #expect(try await run.bank.soundnessProblems() == [], "\(run.label)")
        var actual: [AccountID: Account] = [:]
        for owner in [run.bank.owner, run.bank.stranger] {
            for account in try await run.bank.ledger.accounts(ownedBy: owner) { actual[account.id] = account }
        }
        #expect(Set(actual.keys) == Set(run.accounts.keys), "\(run.label)")
        let counts = try await run.bank.database.read { db in
            try db.rows("SELECT account_id, status, COUNT(*) AS n FROM transactions GROUP BY account_id, status").map {
                ("\($0["account_id"] as String)|\($0["status"] as String)", $0["n"] as Int)
            }
        }
        let count = Dictionary(uniqueKeysWithValues: counts)
        for (id, model) in run.accounts {
            let account = try #require(actual[id], "\(run.label)")
            #expect(account.balance.cents == model.cents, "\(run.label): balance of \(account.number)")
            #expect((account.status == .closed) == model.closed, "\(run.label): status of \(account.number)")
            #expect(count["\(id)|posted", default: 0] == model.posted, "\(run.label): posted rows of \(account.number)")
            #expect(count["\(id)|declined", default: 0] == model.declined, "\(run.label): declined rows of \(account.number)")
        }
    }

    /// Each month's statement adds up (opening + credits − debits = closing), chains into the next,
    /// and the last closing balance and all declines are the model's.
    private func expectStatements(_ run: Run) async throws {
        let calendar = Calendar.utcGregorian
        let first = calendar.dateComponents([.year, .month], from: TestBank.start)
        let last = calendar.dateComponents([.year, .month], from: run.bank.clock.now)
        for (id, model) in run.accounts {
            var period = try StatementPeriod(year: first.year!, month: first.month!)
            var opening: Int64 = 0
            var declined = 0
            while true {
                let statement = try await run.bank.statements.statement(for: id, period: period, in: .owner(model.owner))
                #expect(statement.openingBalance.cents == opening, "\(run.label): \(period)")
                #expect(
                    statement.openingBalance.cents + statement.totalCredits.cents - statement.totalDebits.cents == statement.closingBalance.cents,
                    "\(run.label): \(period)")
                opening = statement.closingBalance.cents
                declined += statement.declinedCount
                if period.year == last.year!, period.month == last.month! { break }
                period = try StatementPeriod(year: period.month == 12 ? period.year + 1 : period.year, month: period.month % 12 + 1)
            }
            #expect(opening == model.cents, "\(run.label): closing balance")
            #expect(declined == model.declined, "\(run.label): declined count")
        }
    }
}
