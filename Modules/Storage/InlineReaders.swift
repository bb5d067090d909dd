import Dispatch
import GRDB
import GRDBSQLite
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
/// This is the one place the cooperative pool runs SQLite. Nothing here waits for other work: a connection
/// is taken only if idle, and WAL readers do not wait for the writer (the busy timeout covers only brief
/// moments such as a WAL reset or recovery). And nothing holds the thread long: a read still running after
/// ``budget`` is interrupted (SQLite's progress handler) and ``read(_:)`` returns `nil`, so the caller runs it
/// again on GRDB's readers. A balance report of an account with 100,000 postings takes 8 ms: it goes that way.
final class InlineReaders: Sendable {
    private let idle: Mutex<[DatabaseQueue]>
    /// How long a read may hold the calling thread, in nanoseconds.
    let budget: UInt64

    /// Opens `count` read-only connections to the WAL database at `path`; reads longer than `budget` give up.
    init(path: String, count: Int, budget: Duration = .milliseconds(1)) throws {
        self.budget = UInt64(budget.components.seconds) * 1_000_000_000 + UInt64(budget.components.attoseconds / 1_000_000_000)
        var configuration = Configuration()
        configuration.readonly = true
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "bankkit.inline-reader"
        idle = Mutex(try (0..<count).map { _ in try DatabaseQueue(path: path, configuration: configuration) })
    }

    /// The result of `work` run here on an idle connection, or `nil` when none is idle or it ran past ``budget``.
    func read<T>(_ work: (any SQLDatabase) throws -> T) throws -> T? {
        guard let connection = idle.withLock({ $0.popLast() }) else { return nil }
        defer { idle.withLock { $0.append(connection) } }
        do {
            // The queue is this caller's alone until it goes back, so GRDB's `sync` runs the block on this thread.
            return .some(
                try connection.read { db in
                    var deadline = DispatchTime.now().uptimeNanoseconds + budget
                    return try withUnsafeMutablePointer(to: &deadline) { deadline in
                        // Every 1,000 virtual-machine steps (a few microseconds), SQLite asks whether to stop.
                        sqlite3_progress_handler(db.sqliteConnection, 1_000, { deadline in
                            DispatchTime.now().uptimeNanoseconds > deadline!.load(as: UInt64.self) ? 1 : 0
                        }, deadline)
                        defer { sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil) }
                        return try work(db)
                    }
                })
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            return nil
        }
    }

    /// Closes the idle connections (all of them once the server has drained; one still in use closes when released).
    func close() throws {
        for connection in idle.withLock({ $0 }) { try connection.close() }
    }
}
