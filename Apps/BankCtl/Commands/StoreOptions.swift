import ArgumentParser
import BankRuntime
import Configuration

/// Options every command shares: where the bank's data lives.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The data directory (default: $DATA_DIR, else ./data).")
    var dataDirectory: String?

    /// Opens the bank this configuration describes, creating and migrating its database if needed.
    func openBank() async throws -> Bank {
        var overrides: [AbsoluteConfigKey: ConfigValue] = [:]
        if let dataDirectory { overrides["data.dir"] = ConfigValue(.string(dataDirectory), isSecret: false) }
        let reader = try await BankConfiguration.reader(arguments: [], overrides: overrides)
        return try await Bank.open(config: reader)
    }
}
