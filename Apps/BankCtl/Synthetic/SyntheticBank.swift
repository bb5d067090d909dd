import BankCore
import BankRuntime
import Cards
import Foundation
import Identity
import Ledger
import Synchronization

/// Deterministic synthetic data at scale: `members` members, each with checking and savings and a
/// card, and `months` months of salary, savings transfers, card purchases and cash withdrawals.
///
/// Each member's history comes from a generator seeded by the run's seed and the member's index, so
/// the same arguments give the same amounts, descriptions and dates (ids are random). Each member is
/// created through the services and their whole history imported in one call (``HistoryImporter``);
/// members are worked by 256 concurrent callers, so group commit batches them.
struct SyntheticBank {
    static let emailDomain = "synthetic.bankkit.dev"
    static let password = "synthetic-password-2026"
    /// Postings a member-month makes, for the progress total (salary, savings transfer, 8 purchases, a withdrawal: 2 each).
    static let postingsPerMonth = 22
    static let categories = ["groceries", "dining", "transport", "utilities", "shopping", "health"]

    let bank: Bank
    let members: Int
    let months: Int
    let seed: UInt64
    let concurrency = 256

    static func email(_ index: Int) -> String { "member-\(index)@\(emailDomain)" }

    /// Creates everything, reporting postings as they commit; returns how many were posted.
    func run(progress: ProgressReporter, until end: Date) async throws {
        let passwordHash = try await bank.identity.hashPassword(Self.password)
        let start = Calendar.utcGregorian.date(byAdding: .month, value: -months, to: Calendar.utcGregorian.startOfDay(for: end))!
        let next = NextMember()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask { [self] in
                    while true {
                        let index = next.take()
                        guard index < members else { return }
                        try await member(index, passwordHash: passwordHash, start: start, end: end, progress: progress)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private func member(_ index: Int, passwordHash: String, start: Date, end: Date, progress: ProgressReporter) async throws {
        var random = SeededGenerator(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        func at<T: Sendable>(_ date: Date, _ work: () async throws -> T) async throws -> T {
            try await SimulatedTime.$now.withValue(min(date, end)) { try await work() }
        }
        let user = try await at(start) {
            try await bank.identity.provision(
                SignUpRequest(email: Self.email(index), password: "", firstName: "Member", lastName: "No. \(index)"),
                passwordHash: passwordHash, actor: .system)
        }
        let scope = OwnerScope.owner(user.id)
        let actor = Actor(principal: Principal(userID: user.id, role: .member))
        let (checking, savings, card) = try await at(start) {
            let checking = try await bank.ledger.openAccount(owner: user.id, type: .checking, actor: actor)
            let savings = try await bank.ledger.openAccount(owner: user.id, type: .savings, actor: actor)
            let card = try await bank.cards.issue(for: checking.id, holder: "Member No. \(index)", in: scope, actor: actor)
            return (checking, savings, card.card)
        }
        // The history is decided here, declines included (the generator keeps the balance), and
        // imported in one call: one transaction for all of the member's months.
        var entries: [HistoryEntry] = []
        var balance: Int64 = 0
        var postings = 0
        func add(
            _ date: Date, _ account: AccountID, _ movement: HistoryEntry.Movement, _ cents: Int64, _ description: String, _ category: String? = nil
        ) {
            let isDebit = movement != .deposit
            let declined = isDebit && cents > balance
            entries.append(
                HistoryEntry(
                    date: min(date, end), account: account, movement: movement, amount: Money(cents: cents), description: description,
                    category: category, declineReason: declined ? "insufficient_funds" : nil))
            guard !declined else { return }
            balance += isDebit ? -cents : cents
            postings += 2
        }
        for month in 0..<months {
            let monthStart = Calendar.utcGregorian.date(byAdding: .month, value: month, to: start)!
            func day(_ day: Int, _ hour: Int) -> Date { monthStart.addingTimeInterval(Double((day - 1) * 86_400 + hour * 3_600)) }
            add(day(1, 8), checking.id, .deposit, Int64.random(in: 2_500_00...6_000_00, using: &random), "Salary", "salary")
            add(day(2, 9), checking.id, .transfer(to: savings.id), Int64.random(in: 100_00...500_00, using: &random), "Savings")
            for purchase in 0..<8 {
                let amount = Int64.random(in: 5_00...150_00, using: &random)
                let category = Self.categories[Int.random(in: 0..<Self.categories.count, using: &random)]
                let description = "\(category.capitalized) #\(purchase)"
                add(day(3 + purchase * 3, 10 + purchase % 9), checking.id, .cardPurchase(card.id), amount, description, category)
            }
            add(day(28, 18), checking.id, .withdrawal, Int64.random(in: 20_00...200_00, using: &random), "ATM")
        }
        _ = try await bank.history.importHistory(entries, of: user.id, actor: actor)
        progress.add(postings)
    }
}

/// Hands out member indices to the concurrent workers.
private final class NextMember: Sendable {
    private let next = Atomic<Int>(0)
    func take() -> Int { next.add(1, ordering: .relaxed).oldValue }
}
