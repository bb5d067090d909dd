import ArgumentParser
import BankCore
import BankRuntime
import Configuration

/// Options every command shares: where the bank's data lives.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The data directory (default: $DATA_DIR, else ./data).")
    var dataDirectory: String?

    /// The configuration: the environment and Config/bankkit.json, with `--data-dir` on top.
    func config() async throws -> ConfigReader {
        var overrides: [AbsoluteConfigKey: ConfigValue] = [:]
        if let dataDirectory { overrides["data.dir"] = ConfigValue(.string(dataDirectory), isSecret: false) }
        return try await BankConfiguration.reader(arguments: [], overrides: overrides)
    }

    /// Opens the bank this configuration describes, creating and migrating its database if needed.
    func openBank(clock: BankClock = .live) async throws -> Bank {
        try await Bank.open(config: try await config(), clock: clock)
    }
}
