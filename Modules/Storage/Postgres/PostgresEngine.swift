import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// PostgreSQL behind ``BankDatabase``: a pool of connections, each used by one transaction at a time
/// on a thread of the engine's own pool.
///
/// Write transactions run at READ COMMITTED with explicit row locks (`SELECT … FOR UPDATE`, accounts
/// in id order) where a use case reads before it writes; read transactions run at REPEATABLE READ
/// READ ONLY, so everything one reads belongs to one snapshot. A transaction that meets a deadlock or
/// a serialization failure is run again from the start, up to ``maximumAttempts`` times.
final class PostgresEngine: Sendable {
    static let maximumAttempts = 5

    let configuration: PostgresConnection.Configuration
    /// The schema the URL's `search_path` names, created on first use; `nil` for the server's default.
    let schema: String?
    private let threads: NIOThreadPool
    private let idle = Mutex<[PostgresConnection]>([])
    private let nextConnectionID = Atomic<Int>(1)
    private let closed = Atomic<Bool>(false)
    private let logger: Logger

    /// Opens the engine for `url` (`postgres://user:password@host:port/database`) with up to `connections` connections.
    init(url: String, connections: Int) throws {
        (configuration, schema) = try Self.configuration(from: url)
        var logger = Logger(label: "bankkit.postgres")
        logger.logLevel = .error
        self.logger = logger
        threads = NIOThreadPool(numberOfThreads: max(1, connections))
        threads.start()
    }

    /// Runs `work` in a transaction on a pool thread.
    func transaction<T: Sendable>(readOnly: Bool, _ work: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        try await threads.runIfActive { try self.transactionNow(readOnly: readOnly, work) }
    }

    /// Runs `work` in a transaction on the calling thread, which must not be an event loop (set-up, migrations).
    func transactionNow<T>(readOnly: Bool, _ work: (any SQLDatabase) throws -> T) throws -> T {
        var attempt = 1
        while true {
            let connection = try checkOut()
            let session = PostgresSession(connection: connection, logger: logger, isReadOnly: readOnly)
            do {
                try session.execute(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN ISOLATION LEVEL READ COMMITTED")
                let value = try work(session)
                try session.execute("COMMIT")
                checkIn(connection)
                return value
            } catch {
                try? session.execute("ROLLBACK")
                checkIn(connection)
                guard attempt < Self.maximumAttempts, PostgresSession.isRetryable(error) else { throw error }
                attempt += 1
            }
        }
    }

    /// Closes every idle connection and stops the thread pool; later calls do nothing.
    func close() throws {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        for connection in takeIdle() { try? connection.close().wait() }
        try threads.syncShutdownGracefully()
    }

    /// An engine dropped without ``close()`` still closes its connections (postgres-nio requires it).
    deinit {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        for connection in takeIdle() { connection.close().whenComplete { _ in } }
        threads.shutdownGracefully { _ in }
    }

    private func takeIdle() -> [PostgresConnection] {
        idle.withLock { idle in
            defer { idle.removeAll() }
            return idle
        }
    }

    private func checkOut() throws -> PostgresConnection {
        if let connection = idle.withLock({ $0.popLast() }) {
            if !connection.isClosed { return connection }
        }
        do {
            return try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration,
                id: nextConnectionID.add(1, ordering: .relaxed).oldValue, logger: logger
            ).wait()
        } catch let error as PSQLError {
            throw PostgresError(error)
        }
    }

    private func checkIn(_ connection: PostgresConnection) {
        guard !connection.isClosed else { return }
        idle.withLock { $0.append(connection) }
    }

    /// The connection settings of a `postgres://` or `postgresql://` URL, and the schema its `search_path`
    /// query item names (one lowercase identifier: several banks can share a database in their own schemas).
    static func configuration(from url: String) throws -> (PostgresConnection.Configuration, schema: String?) {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty
        else { throw StorageError.invalidDatabaseURL(url) }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres", password: components.password,
            database: database.isEmpty ? nil : database, tls: .disable)
        var schema: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "search_path":
                guard let name = item.value, !name.isEmpty, name.utf8.count <= 63,
                    name.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }),
                    !(48...57).contains(name.utf8.first!)
                else { throw StorageError.invalidDatabaseURL(url) }
                schema = name
                configuration.options.additionalStartupParameters.append(("search_path", name))
            case "sslmode" where item.value == "disable": break
            default: throw StorageError.invalidDatabaseURL(url)
            }
        }
        return (configuration, schema)
    }
}
