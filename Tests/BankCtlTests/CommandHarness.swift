import ArgumentParser
import BankRuntime
import Configuration
import Foundation

@testable import BankCtl

/// Runs bankctl commands through their parsed entry point against a fresh data directory.
struct CommandHarness {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankctl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Parses `arguments` (plus `--data-dir`) as bankctl would and runs the command.
    func run(_ arguments: [String]) async throws {
        var command = try BankCtl.parseAsRoot(arguments + ["--data-dir", directory])
        if var asyncCommand = command as? any AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
    }

    /// The configuration bankctl reads for this directory.
    func config() async throws -> ConfigReader {
        try await BankConfiguration.reader(arguments: [], environment: [:], overrides: ["data.dir": .init(.string(directory), isSecret: false)])
    }

    /// The bank in this directory, opened as the apps open it.
    func openBank() async throws -> Bank { try await Bank.open(config: try await config()) }
}
