import GRDB
import Synchronization

/// Read-only connections that run a brief read on the calling thread, for ``BankDatabase/quickRead(_:)``.
///
/// GRDB's asynchronous read hops three times: onto the pool's semaphore queue, onto the reader's queue,
/// and back to the caller. For a read of a row or two that is most of the cost: under `wrk`, an
/// authenticated balance read spent more time in thread wake-ups than in SQLite. Here a caller takes an
/// idle connection without waiting (there are more connections than cooperative threads), reads in a
/// deferred transaction (one WAL snapshot, as GRDB's reads), and puts it back. No caller ever waits for
/// a connection: when none is idle, ``read(_:)`` returns `nil` and the caller takes GRDB's path.
///
/// This is the one place the cooperative pool runs SQLite. It is safe because nothing here waits for other
/// work: a connection is taken only if idle, and WAL readers do not wait for the writer (the busy timeout
/// covers only brief moments such as a WAL reset or recovery). It must only be handed reads of a few rows
/// through an index, so that the thread is held for microseconds.
final class InlineReaders: Sendable {
    private let idle: Mutex<[DatabaseQueue]>

    /// Opens `count` read-only connections to the WAL database at `path`.
    init(path: String, count: Int) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "bankkit.inline-reader"
        idle = Mutex(try (0..<count).map { _ in try DatabaseQueue(path: path, configuration: configuration) })
    }

    /// The result of `work` run here on an idle connection, or `nil` when none is idle.
    func read<T>(_ work: (any SQLDatabase) throws -> T) throws -> T? {
        guard let connection = idle.withLock({ $0.popLast() }) else { return nil }
        defer { idle.withLock { $0.append(connection) } }
        // The queue is this caller's alone until it goes back, so GRDB's `sync` runs the block on this thread.
        return .some(try connection.read { db in try work(db) })
    }

    /// Closes the idle connections (all of them once the server has drained; one still in use closes when released).
    func close() throws {
        for connection in idle.withLock({ $0 }) { try connection.close() }
    }
}
