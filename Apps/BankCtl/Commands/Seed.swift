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
            --demo creates one admin, one employee and five members with checking and savings accounts, debit
            cards and two months of salary, rent, groceries, card purchases and transfers, one declined purchase,
            one completed and one pending service request; then prints the demo logins. Running it again changes
            nothing and prints the logins again. The logins are for demos only.
            """)

    @Flag(help: "Create the demo bank (idempotent).")
    var demo = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard demo else { throw ValidationError("say what to seed: --demo") }
    }

    func run() async throws {
        let clock = ManualClock(Date())
        let bank = try await store.openBank(clock: clock.clock)
        defer { try? bank.database.close() }
        if try await bank.identity.user(email: DemoBank.adminEmail) != nil {
            print("The demo bank is already seeded in \(bank.settings.databasePath).")
        } else {
            print("Seeding the demo bank in \(bank.settings.databasePath)…")
            var demo = DemoBank(bank: bank, clock: clock, say: { print($0) })
            try await demo.seed(until: Date())
            let (ledger, audit) = try await bank.verify()
            print("Verified: ledger \(ledger.isSound ? "sound" : "NOT SOUND"), audit chain \(audit.valid ? "valid" : "BROKEN") (\(audit.entries) entries).")
        }
        print("")
        print("Demo logins (demo only; password for all: \(DemoBank.password))")
        for persona in DemoBank.members { print("  member    \(persona.email)") }
        for person in DemoBank.staff { print("  \(person.role.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(person.email)") }
    }
}
