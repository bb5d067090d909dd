import ArgumentParser

/// `bankctl`: the demo operator's tool. It uses the modules through their public Swift API, as any
/// integrator would, and reads the same configuration keys as `bank-server`.
@main
struct BankCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bankctl",
        abstract: "Administer a BankKit database: migrate it, promote users.",
        discussion: """
            bankctl reads the same configuration as bank-server (command-line options, then the environment,
            then Config/bankkit.json), so `DATA_DIR=./demo bankctl …` works on the database that
            `DATA_DIR=./demo bank-server` serves.
            """,
        subcommands: [Migrate.self, Promote.self])
}
