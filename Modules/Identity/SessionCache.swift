import BankCore
import Foundation
import Synchronization

/// Recent answers of the session check, for requests that only read.
///
/// DESIGN.md asks for the user's role and status to be read from the database on every request that
/// changes state; a read may rely on an answer at most ``lifetime`` old. That halves the database reads
/// of an authenticated GET. Only live sessions are remembered, and every change this process makes to a
/// session, a role or a password forgets them all, so a logout takes effect at once here. A change made
/// elsewhere (`bankctl promote`, another server) reaches reads within ``lifetime``.
final class SessionCache: Sendable {
    /// How long a remembered answer serves reads.
    static let lifetime: TimeInterval = 1
    /// Beyond this many sessions the cache starts afresh (a bound on memory, not an eviction policy).
    static let capacity = 50_000

    private struct Entry {
        let userID: UserID
        let role: Role
        let checkedAt: Date
    }

    private struct State {
        var entries: [SessionID: Entry] = [:]
        /// Bumped by every invalidation: an answer read before it must not be stored after it.
        var generation = 0
    }

    private let state = Mutex(State())

    /// The generation to hand back to ``remember(_:role:session:at:generation:)`` after reading the database.
    var generation: Int { state.withLock { $0.generation } }

    /// The role of a live `session` of `userID` checked at most ``lifetime`` before `now`, if remembered.
    func role(session: SessionID, user userID: UserID, at now: Date) -> Role? {
        state.withLock { state in
            guard let entry = state.entries[session], entry.userID == userID,
                now.timeIntervalSince(entry.checkedAt) < Self.lifetime, now >= entry.checkedAt
            else { return nil }
            return entry.role
        }
    }

    /// Remembers a live session read from the database, unless something was invalidated since `generation`.
    func remember(_ userID: UserID, role: Role, session: SessionID, at now: Date, generation: Int) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= Self.capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[session] = Entry(userID: userID, role: role, checkedAt: now)
        }
    }

    /// Forgets every answer: call after committing a change to a session, a role or a user's status.
    func invalidate() {
        state.withLock { state in
            state.generation += 1
            state.entries.removeAll(keepingCapacity: true)
        }
    }
}
