import ArgumentParser
import BankRuntime
import BankTestSupport
import Configuration
import Foundation
import Synchronization

@testable import BankCtl

/// Runs bankctl commands through their parsed entry point against a fresh data directory.
///
/// On PostgreSQL (`BANKKIT_TEST_DATABASE_URL` set) the bank lives in a fresh schema of the test server
/// instead of `bank.sqlite` in the directory, as `ComposedBank` does it.
struct CommandHarness {
    let directory: String
    /// The harness's PostgreSQL schema; `nil` on SQLite.
    let databaseURL: String?

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankctl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        databaseURL = TestDatabase.freshPostgresURL()
    }

    /// Parses `arguments` (plus `--data-dir`) as bankctl would and runs the command.
    ///
    /// A command reads `database.url` as the real tool does, from `DATABASE_URL` in the process
    /// environment: on PostgreSQL it is set to this harness's schema for the command's run, and the
    /// commands of concurrent tests take turns.
    func run(_ arguments: [String]) async throws {
        var command = try BankCtl.parseAsRoot(arguments + ["--data-dir", directory])
        guard let databaseURL else { return try await Self.execute(&command) }
        await Self.environmentTurn.acquire()
        defer { Self.environmentTurn.release() }
        let saved = Self.setEnvironment(["DATABASE_URL": databaseURL, "DATABASE_CONNECTIONS": "2"])
        defer { _ = Self.setEnvironment(saved) }
        try await Self.execute(&command)
    }

    /// The configuration bankctl reads for this directory.
    func config() async throws -> ConfigReader {
        var overrides: [AbsoluteConfigKey: ConfigValue] = ["data.dir": .init(.string(directory), isSecret: false)]
        if let databaseURL {
            overrides["database.url"] = .init(.string(databaseURL), isSecret: true)
            overrides["database.connections"] = .init(.int(2), isSecret: false)
        }
        return try await BankConfiguration.reader(arguments: [], environment: [:], overrides: overrides)
    }

    /// The bank in this directory, opened as the apps open it.
    func openBank() async throws -> Bank { try await Bank.open(config: try await config()) }

    // MARK: - Running a command

    private static func execute(_ command: inout any ParsableCommand) async throws {
        if var asyncCommand = command as? any AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
    }

    /// One command at a time may own the process environment.
    private static let environmentTurn = TurnLock()

    /// Sets (or, for `nil`, removes) each variable and returns the values they had.
    private static func setEnvironment(_ values: [String: String?]) -> [String: String?] {
        var previous: [String: String?] = [:]
        for (name, value) in values {
            previous[name] = getenv(name).map { String(cString: $0) }
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
        return previous
    }
}

/// A lock held across suspension points: `acquire` waits its turn, `release` hands the turn on.
private final class TurnLock: Sendable {
    private struct State {
        var held = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state in
                if state.held {
                    state.waiters.append(continuation)
                    return false
                }
                state.held = true
                return true
            }
            if granted { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.held = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
