import ArgumentParser
import BankCore
import BankRuntime
import Foundation
import Identity
import Ledger
import Storage

/// `bankctl seed --demo`: a demo bank with realistic history, once.
struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create demo data.",
        discussion: """
            --demo creates one admin, one employee and five members with checking and savings accounts, debit \
            cards and two months of salary, rent, groceries, card purchases and transfers, one declined purchase, \
            one completed and one pending service request, ending now or on the day given by --as-of; then \
            prints the demo logins. Running it again changes nothing and prints the logins again. The logins \
            are for demos only.

            --members N --months M [--seed S] creates deterministic synthetic data at scale (10,000 members x \
            12 months is about 2.6 million postings), with a progress bar on a terminal and progress lines \
            otherwise, then verifies the ledger and the audit chain. It runs once per database.
            """)

    @Flag(help: "Create the demo bank (idempotent).")
    var demo = false

    @Option(help: "Synthetic members to create (with --months).")
    var members: Int?

    @Option(help: "Months of synthetic history per member (1–120).")
    var months: Int?

    @Option(help: "Seed of the synthetic data: the same seed gives the same data.")
    var seed: UInt64 = 1

    @Option(name: .customLong("as-of"), help: ArgumentHelp("With --demo: end the history on this day instead of now.", valueName: "YYYY-MM-DD"))
    var asOf: String?

    @OptionGroup var store: StoreOptions

    /// The moment the demo history ends: noon UTC of `--as-of` (or now, if that is earlier), or now.
    private var demoEnd: Date {
        get throws {
            guard let asOf else { return Date() }
            let parts = asOf.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2],
                let date = Calendar.utcGregorian.date(from: DateComponents(year: year, month: month, day: day, hour: 12)),
                Calendar.utcGregorian.dateComponents([.year, .month, .day], from: date) == DateComponents(year: year, month: month, day: day)
            else { throw ValidationError("--as-of must be a day like 2026-12-02") }
            let now = Date()
            guard Calendar.utcGregorian.startOfDay(for: date) <= now else { throw ValidationError("--as-of must not be in the future") }
            return min(date, now)
        }
    }

    func validate() throws {
        switch (demo, members, months) {
        case (true, nil, nil): _ = try demoEnd; return
        case (false, let members?, let months?):
            guard (1...1_000_000).contains(members) else { throw ValidationError("--members must be between 1 and 1000000") }
            guard (1...120).contains(months) else { throw ValidationError("--months must be between 1 and 120") }
        default: throw ValidationError("say what to seed: --demo, or --members N --months M [--seed S]")
        }
        if asOf != nil { throw ValidationError("--as-of goes with --demo") }
    }

    func run() async throws {
        if let members, let months { return try await synthetic(members: members, months: months) }
        let end = try demoEnd
        let clock = ManualClock(end)
        let bank = try await store.openBank(clock: clock.clock)
        defer { try? bank.database.close() }
        if try await bank.identity.user(email: DemoBank.adminEmail) != nil {
            print("The demo bank is already seeded in \(bank.settings.databasePath).")
        } else {
            print("Seeding the demo bank in \(bank.settings.databasePath)…")
            var demo = DemoBank(bank: bank, clock: clock, say: { print($0) })
            try await demo.seed(until: end)
            let (ledger, audit) = try await bank.verify()
            print(
                "Verified: ledger \(ledger.isSound ? "sound" : "NOT SOUND"), "
                    + "audit chain \(audit.valid ? "valid" : "BROKEN") (\(audit.entries) entries).")
        }
        print("")
        print("Demo logins (demo only; password for all: \(DemoBank.password))")
        for persona in DemoBank.members { print("  member    \(persona.email)") }
        for person in DemoBank.staff { print("  \(person.role.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(person.email)") }
    }

    private func synthetic(members: Int, months: Int) async throws {
        let bank = try await store.openBank(clock: SimulatedTime.clock)
        defer { try? bank.database.close() }
        if try await bank.identity.user(email: SyntheticBank.email(0)) != nil {
            print("Synthetic data is already seeded in \(bank.settings.databasePath); nothing to do.")
            return
        }
        let total = members * months * SyntheticBank.postingsPerMonth
        print(
            "Seeding \(members.formatted()) members x \(months) months (about \(total.formatted()) postings, seed \(seed)) "
                + "in \(bank.settings.databasePath)…")
        let progress = ProgressReporter(total: total, unit: "postings")
        let reporter = Task { await progress.run() }
        try await SyntheticBank(bank: bank, members: members, months: months, seed: seed).run(progress: progress, until: Date())
        reporter.cancel()
        progress.report(final: true)
        let (ledger, audit) = try await bank.verify()
        print(
            "Posted \(progress.count.formatted()) postings at \(Int(progress.rate).formatted())/s. "
                + "Verified: ledger \(ledger.isSound ? "sound" : "NOT SOUND"), "
                + "audit chain \(audit.valid ? "valid" : "BROKEN") (\(audit.entries.formatted()) entries).")
        if !ledger.isSound || !audit.valid { throw ExitCode(1) }
    }
}
