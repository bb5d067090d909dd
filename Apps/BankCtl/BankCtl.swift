import ArgumentParser

/// `bankctl`: the demo operator's tool. It uses the modules through their public Swift API, as any
/// integrator would, and reads the same configuration keys as `bank-server`.
@main
struct BankCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bankctl",
        abstract: "Administer a BankKit database: seed a demo bank, promote users, verify integrity, rotate card keys.",
        discussion: """
            bankctl reads the same configuration as bank-server (command-line options, then the environment, \
            then Config/bankkit.json), so `DATA_DIR=./demo bankctl …` works on the database that \
            `DATA_DIR=./demo bank-server` serves.
            """,
        subcommands: [Seed.self, Promote.self, Verify.self, RotateCardKey.self, Users.self, Migrate.self])
}
