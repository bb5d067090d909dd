import Dispatch
import GRDB
import Synchronization

/// Group commit: use cases that arrive while a commit is in flight are applied together in the next
/// write transaction, each under its own savepoint, and all are answered after that one commit.
///
/// With `synchronous=FULL` every commit is an fsync; batching turns N fsyncs into one without
/// weakening durability, because nobody is answered before the commit that holds their work.
/// A use case that throws rolls back its own savepoint only; the others in the batch still commit.
///
/// Batches are applied on a serial dispatch queue of their own with GRDB's blocking `write`, which runs
/// there and then (GRDB's queue is idle: this is its only writer). A Swift task per batch awaiting GRDB's
/// asynchronous `write` cost two more thread hand-offs on every commit, the whole of a lone transfer's path.
final class GroupCommit: Sendable {
    private struct Item: Sendable {
        let work: @Sendable (any SQLDatabase) throws -> Void
        let finish: @Sendable (Result<Void, any Error>) -> Void
    }

    private struct State {
        var queue: [Item] = []
        var draining = false
    }

    private let writer: any DatabaseWriter
    private let maximumBatch: Int
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "bankkit.group-commit")

    init(writer: any DatabaseWriter, maximumBatch: Int = 256) {
        self.writer = writer
        self.maximumBatch = maximumBatch
    }

    /// Runs `work` in the next group transaction and returns its result once that transaction has committed.
    func write<T: Sendable>(_ work: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let box = ResultBox<T>()
            let item = Item(
                work: { db in box.set(try work(db)) },
                finish: { outcome in
                    switch outcome {
                    case .success: continuation.resume(with: box.take())
                    case .failure(let error): continuation.resume(throwing: error)
                    }
                })
            let startDrain = state.withLock { state -> Bool in
                state.queue.append(item)
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if startDrain { queue.async { self.drain() } }
        }
    }

    private func drain() {
        while true {
            let batch = state.withLock { state -> [Item] in
                let batch = Array(state.queue.prefix(maximumBatch))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            let outcomes = OutcomeList(count: batch.count)
            do {
                try writer.write { db in
                    for (index, item) in batch.enumerated() {
                        do {
                            try db.inSavepoint {
                                try item.work(db)
                                return .commit
                            }
                            outcomes.set(index, .success(()))
                        } catch {
                            outcomes.set(index, .failure(error))
                        }
                    }
                }
                for (index, item) in batch.enumerated() { item.finish(outcomes.get(index)) }
            } catch {
                // The commit itself failed: nothing of this batch is durable, so every caller hears the failure.
                for item in batch { item.finish(.failure(error)) }
            }
        }
    }
}

/// Holds one use case's result between its savepoint and its caller's resumption.
private final class ResultBox<T: Sendable>: Sendable {
    private let value = Mutex<Result<T, any Error>?>(nil)
    func set(_ result: T) { value.withLock { $0 = .success(result) } }
    func take() -> Result<T, any Error> { value.withLock { $0 } ?? .failure(GroupCommitError.noResult) }
}

private final class OutcomeList: Sendable {
    private let outcomes: Mutex<[Result<Void, any Error>]>
    init(count: Int) { outcomes = Mutex(Array(repeating: .failure(GroupCommitError.noResult), count: count)) }
    func set(_ index: Int, _ outcome: Result<Void, any Error>) { outcomes.withLock { $0[index] = outcome } }
    func get(_ index: Int) -> Result<Void, any Error> { outcomes.withLock { $0[index] } }
}

enum GroupCommitError: Error {
    case noResult
}
