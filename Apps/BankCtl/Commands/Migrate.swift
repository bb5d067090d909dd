import ArgumentParser
import BankRuntime
import Storage

/// `bankctl migrate`: creates the database or brings its schema up to date.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the database, or apply the migrations it lacks.",
        discussion: "Safe to run any number of times; bank-server migrates on start too.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let bank = try await store.openBank()
        defer { try? bank.database.close() }
        print("Database \(bank.settings.databasePath) is up to date (modules: \(bank.database.moduleNames.joined(separator: ", "))).")
    }
}
