import Foundation
import GRDB

/// Checkpoints the WAL from a connection of its own, a few times a second.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses the threshold, on the writer's
/// thread: under load the single writer spent about a tenth of its time copying pages from the WAL
/// into the database file instead of applying transfers. A passive checkpoint takes no write lock, so
/// this one runs beside the writer, on another core. The writer keeps a high automatic threshold as a
/// safety net, should this connection fall behind or be gone.
final class WALCheckpointer: Sendable {
    /// The writer's own automatic checkpoint threshold, in pages (SQLite's default is 1,000).
    static let writerThreshold = 10_000

    private let task: Task<Void, Never>
    private let connection: DatabaseQueue

    /// Opens a second connection to the WAL database at `path` and starts checkpointing every `interval`.
    init(path: String, interval: Duration = .milliseconds(250)) throws {
        var configuration = Configuration()
        configuration.label = "bankkit.checkpoint"
        configuration.busyMode = .timeout(10)
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        self.connection = connection
        task = Task.detached(priority: .utility) {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                // A failed passive checkpoint (the database busy, say) is simply tried again next time.
                _ = try? await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            }
        }
    }

    /// Stops checkpointing and closes the connection.
    func stop() throws {
        task.cancel()
        try connection.close()
    }

    deinit { task.cancel() }
}
