public import Configuration
public import Foundation
import SystemPackage

/// The configuration keys shared by `bank-server` and `bankctl`, with their defaults.
///
/// Every key is documented in `Config/README.md`. Keys are read in this order: command line,
/// environment, the `Config/bankkit.json` file, defaults.
public struct BankSettings: Sendable {
    /// `http.host` (`HTTP_HOST`): the address the server binds, `127.0.0.1` by default.
    public var host: String
    /// `http.port` (`HTTP_PORT`): the port, 8080 by default.
    public var port: Int
    /// `data.dir` (`DATA_DIR`): where the SQLite database and generated dev secrets live, `./data` by default.
    public var dataDirectory: String
    /// `database.url` (`DATABASE_URL`): unset selects SQLite in the data directory; `postgres://…` selects PostgreSQL.
    public var databaseURL: String?
    /// `database.connections` (`DATABASE_CONNECTIONS`): the most PostgreSQL connections one process opens, 16 by default.
    public var databaseConnections: Int
    /// `ratelimit.enabled` (`RATELIMIT_ENABLED`): `true` unless load-benchmarking.
    public var rateLimitEnabled: Bool
    /// `log.level` (`LOG_LEVEL`): `info` by default.
    public var logLevel: String

    /// Reads the settings from `config`.
    public init(config: ConfigReader) {
        host = config.string(forKey: "http.host", default: "127.0.0.1")
        port = config.int(forKey: "http.port", default: 8080)
        dataDirectory = config.string(forKey: "data.dir", default: "./data")
        databaseURL = config.string(forKey: "database.url", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        databaseConnections = max(1, config.int(forKey: "database.connections", default: 16))
        rateLimitEnabled = config.bool(forKey: "ratelimit.enabled", default: true)
        logLevel = config.string(forKey: "log.level", default: "info")
    }

    /// The SQLite database file inside the data directory.
    public var databasePath: String { (dataDirectory as NSString).appendingPathComponent("bank.sqlite") }
}

/// Builds the configuration reader both apps use.
public enum BankConfiguration {
    /// The default configuration file, relative to the working directory.
    public static let defaultFile = "Config/bankkit.json"

    /// A reader over, in priority order: `overrides`, command-line `arguments`, the environment, the JSON file (if present).
    ///
    /// - Parameters:
    ///   - arguments: command-line arguments in `--http-port 8081` form; `[]` for tools that parse their own.
    ///   - environment: the environment variables; the process environment by default.
    ///   - overrides: values that win over everything else (a tool's own options, a test's settings).
    public static func reader(
        arguments: [String] = CommandLine.arguments, environment: [String: String] = ProcessInfo.processInfo.environment,
        overrides: [AbsoluteConfigKey: ConfigValue] = [:], file: String? = nil
    ) async throws -> ConfigReader {
        let environmentProvider = EnvironmentVariablesProvider(
            environmentVariables: environment, secretsSpecifier: .dynamic { key, _ in key.hasPrefix("SECRETS_") || key == "DATABASE_URL" })
        let filePath = file ?? environment["CONFIG_FILE"] ?? defaultFile
        let fileProvider = try await FileProvider<JSONSnapshot>(filePath: FilePath(filePath), allowMissing: true)
        var providers: [any ConfigProvider] = []
        if !overrides.isEmpty { providers.append(InMemoryProvider(name: "overrides", values: overrides)) }
        providers.append(CommandLineArgumentsProvider(arguments: arguments))
        providers.append(environmentProvider)
        providers.append(fileProvider)
        return ConfigReader(providers: providers)
    }
}
