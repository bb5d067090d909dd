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
/// moments such as a WAL reset or recovery). And nothing holds the thread long: a read that runs past
/// ``budget`` SQLite virtual-machine steps is interrupted (SQLite's progress handler) and ``read(_:)`` returns
/// `nil`, so the caller runs it again on GRDB's readers. Steps, not time: a thread preempted mid-read under
/// load must not be charged for the wait. Summing an account's postings costs about 5 steps a posting
/// (measured: 28,800 postings, 144,000 steps, 2.4 ms), so a balance report of an account with 100,000
/// postings (8 ms) goes back to GRDB's readers, and one with a few hundred (1,000 steps, 10 µs) stays here.
final class InlineReaders: Sendable {
    private let idle: Mutex<[DatabaseQueue]>
    /// SQLite asks whether to go on every this many virtual-machine steps.
    static let stepsPerCheck: CInt = 1_000
    /// How many virtual-machine steps a read may take here: about 1.5 ms of this machine's SQLite (65 steps a µs).
    let budget: Int

    /// Opens `count` read-only connections to the WAL database at `path`; reads longer than `budget` steps give up.
    init(path: String, count: Int, budget: Int = 100_000) throws {
        self.budget = budget
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
                    var checksLeft = budget / Int(Self.stepsPerCheck)
                    return try withUnsafeMutablePointer(to: &checksLeft) { checksLeft in
                        sqlite3_progress_handler(db.sqliteConnection, Self.stepsPerCheck, { context in
                            let checksLeft = context!.assumingMemoryBound(to: Int.self)
                            checksLeft.pointee -= 1
                            return checksLeft.pointee < 0 ? 1 : 0
                        }, checksLeft)
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
