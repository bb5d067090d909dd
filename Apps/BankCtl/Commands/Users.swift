import ArgumentParser
import BankCore
import BankRuntime
import Foundation
import Identity
import Storage

/// `bankctl users list`: who can log in, with role and lockout.
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List users.", subcommands: [List.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users, newest first: email, role, status, lockout.")

        @Option(help: "How many users to show (1–200).")
        var limit = 50

        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard (1...200).contains(limit) else { throw ValidationError("--limit must be between 1 and 200") }
        }

        func run() async throws {
            let bank = try await store.openBank()
            defer { try? bank.database.close() }
            let page = try await bank.identity.users(page: PageRequest(limit: limit))
            let now = Date()
            print("EMAIL".padding(toLength: 40, withPad: " ", startingAt: 0) + " ROLE      STATUS    LOCKED UNTIL")
            for user in page.data {
                let locked = user.lockedUntil.flatMap { $0 > now ? $0.rfc3339 : nil } ?? "-"
                print(
                    user.email.padding(toLength: 40, withPad: " ", startingAt: 0) + " "
                        + user.role.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                        + " " + (user.isActive ? "active" : "disabled").padding(toLength: 9, withPad: " ", startingAt: 0) + " " + locked)
            }
            if page.hasMore { print("… more users; raise --limit (up to 200).") }
        }
    }
}
