public import BankCore
public import Foundation
internal import Synchronization

/// Stored responses of idempotent requests, keyed by caller scope and `Idempotency-Key`.
///
/// The response is saved by ``save(_:for:in:)`` inside the same write transaction as the request's
/// effect, so a crash leaves either both or neither. Requests with a key still running in this
/// process are refused with ``IdempotencyError/requestInProgress``.
public struct IdempotencyStore: Sendable {
    private let inFlight = InFlightKeys()

    /// Creates a store over the `idempotency_records` table.
    public init() {}

    /// The stored response for `key`, when the first request has finished.
    /// - Throws: ``IdempotencyError/keyReused`` when the key was used with a different request.
    public func storedResponse(for key: IdempotencyKey, in db: any SQLDatabase) throws -> StoredResponse? {
        guard let row = try db.row("SELECT fingerprint, status, body FROM idempotency_records WHERE scope = ? AND key = ?", [key.scope, key.key])
        else { return nil }
        guard row["fingerprint"] as String == key.fingerprint else { throw IdempotencyError.keyReused }
        return StoredResponse(status: row["status"], body: row["body"])
    }

    /// Saves the response of the first request with `key`; call inside the effect's transaction.
    public func save(_ response: StoredResponse, for key: IdempotencyKey, at date: Date, in db: any SQLDatabase) throws {
        try db.execute(
            "INSERT INTO idempotency_records (scope, key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [key.scope, key.key, key.fingerprint, response.status, response.body, date.databaseText])
    }

    /// Deletes up to `limit` records saved before `date`, oldest first; returns how many.
    public func purge(createdBefore date: Date, limit: Int, in db: any SQLDatabase) throws -> Int {
        try db.execute(
            """
            DELETE FROM idempotency_records WHERE (scope, key) IN
                (SELECT scope, key FROM idempotency_records WHERE created_at < ? ORDER BY created_at LIMIT ?)
            """,
            [date.databaseText, limit])
        return db.changedRowCount
    }

    /// Marks `key` as running in this process until `body` returns.
    /// - Throws: ``IdempotencyError/requestInProgress`` when another request with the key is running.
    public func whileInFlight<T>(_ key: IdempotencyKey, _ body: () async throws -> T) async throws -> T {
        let token = "\(key.scope)\u{0}\(key.key)"
        guard inFlight.insert(token) else { throw IdempotencyError.requestInProgress }
        defer { inFlight.remove(token) }
        return try await body()
    }
}

private final class InFlightKeys: Sendable {
    private let keys = Mutex(Set<String>())

    func insert(_ key: String) -> Bool { keys.withLock { $0.insert(key).inserted } }
    func remove(_ key: String) { _ = keys.withLock { $0.remove(key) } }
}

/// A caller's idempotency key and the fingerprint of the request it came with.
public struct IdempotencyKey: Sendable, Hashable {
    /// Whose key it is (the user id): keys of different callers never collide.
    public let scope: String
    /// The `Idempotency-Key` header value.
    public let key: String
    /// A hash of the request (method, path, body) that the key must keep meaning.
    public let fingerprint: String

    /// Creates a key.
    public init(scope: String, key: String, fingerprint: String) {
        self.scope = scope
        self.key = key
        self.fingerprint = fingerprint
    }
}

/// A response as first sent: status and body bytes.
public struct StoredResponse: Sendable, Hashable {
    public let status: Int
    public let body: Data

    /// Creates a stored response.
    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }
}

/// Failures of idempotent requests.
public enum IdempotencyError: BankError, Equatable {
    /// The key was first used with a different request.
    case keyReused
    /// A request with the key is still running.
    case requestInProgress

    public var code: String {
        switch self {
        case .keyReused: "idempotency_key_reused"
        case .requestInProgress: "request_in_progress"
        }
    }
    public var kind: ErrorKind { .conflict }
    public var detail: String {
        switch self {
        case .keyReused: "This Idempotency-Key was already used with a different request."
        case .requestInProgress: "A request with this Idempotency-Key is still being processed; retry shortly."
        }
    }
}

/// Extra work a caller adds to a use case's write transaction, given the use case's outcome: an
/// idempotency record, say. It runs after the use case's own writes and before the commit, for a
/// success and for a stored refusal (a declined debit) alike.
public struct TransactionHook<Value: Sendable>: Sendable {
    /// The work; throwing rolls the whole transaction back.
    public let run: @Sendable (any SQLDatabase, Result<Value, any Error>) throws -> Void

    /// Creates a hook.
    public init(_ run: @escaping @Sendable (any SQLDatabase, Result<Value, any Error>) throws -> Void) { self.run = run }

    /// The hooks that are there, run in the order given (the first that throws stops the rest); `nil` when none is.
    public static func sequence(_ hooks: TransactionHook?...) -> TransactionHook? {
        let present = hooks.compactMap { $0 }
        guard present.count > 1 else { return present.first }
        return TransactionHook { db, result in
            for hook in present { try hook.run(db, result) }
        }
    }
}
