import BankCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Sodium
import Storage

/// The `Idempotency-Key` semantics of API.md for money-moving and issuing POSTs.
///
/// The first request's status and body are saved by a ``TransactionHook`` inside the same write
/// transaction as its effect. A retry with the same key and body gets that response again with
/// `Idempotent-Replayed: true`; the same key with another body gets 409 `idempotency_key_reused`;
/// a retry while the first is still running gets 409 `request_in_progress`.
struct IdempotentResponder: Sendable {
    let database: BankDatabase
    let clock: BankClock
    private let fingerprintHash = KeyedHash()

    init(database: BankDatabase, clock: BankClock) {
        self.database = database
        self.clock = clock
    }

    private struct AlreadyStored: Error {}

    /// Runs `operation` once per key, answering `status` with `encode(value)` on success.
    /// - Parameter store: what to keep for replays when it must differ from the live answer (an issued
    ///   card's PAN and CVV are shown once and never stored).
    func respond<Value: Sendable>(
        to request: Request, body: [UInt8], context: BankRequestContext, status: HTTPResponse.Status,
        encode: @escaping @Sendable (Value) -> JSON, store storedEncode: (@Sendable (Value) -> JSON)? = nil,
        operation: (TransactionHook<Value>?) async throws -> Value
    ) async throws -> Response {
        guard let header = request.headers[.idempotencyKey] else {
            return .json(encode(try await operation(nil)), status: status)
        }
        guard (1...255).contains(header.utf8.count), header.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw HTTPProblem.badRequest(code: "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 printable ASCII characters.")
        }
        let principal = try context.requirePrincipal()
        let fingerprint = fingerprintHash.hash(Array("\(request.method.rawValue) \(request.uri.path)\u{0}".utf8) + body)
        let key = IdempotencyKey(scope: principal.userID.description, key: header, fingerprint: Hex.encode(fingerprint))
        let store = database.idempotency
        if let stored = try await database.quickRead({ db in try store.storedResponse(for: key, in: db) }) {
            return Self.replay(stored)
        }
        return try await store.whileInFlight(key) {
            let requestID = context.requestID
            let now = clock.now()
            let hook = TransactionHook<Value> { db, result in
                let response: StoredResponse
                switch result {
                case .success(let value):
                    response = StoredResponse(status: Int(status.code), body: Data((storedEncode ?? encode)(value).bytes))
                case .failure(let error):
                    guard let (status, _, bytes) = Problem.render(error, requestID: requestID) else { return }
                    response = StoredResponse(status: Int(status.code), body: Data(bytes))
                }
                do {
                    try store.save(response, for: key, at: now, in: db)
                } catch let error where SQLConstraint.violated(by: error) == .unique {
                    // Another process answered this key first: roll this effect back and replay that answer.
                    throw AlreadyStored()
                }
            }
            do {
                return .json(encode(try await operation(hook)), status: status)
            } catch is AlreadyStored {
                guard let stored = try await database.read({ db in try store.storedResponse(for: key, in: db) }) else {
                    throw IdempotencyError.requestInProgress
                }
                return Self.replay(stored)
            }
        }
    }

    private static func replay(_ stored: StoredResponse) -> Response {
        let status = HTTPResponse.Status(code: stored.status)
        return Response(
            status: status,
            headers: [
                .contentType: status.code >= 400 ? "application/problem+json" : "application/json",
                .idempotentReplayed: "true",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: stored.body)))
    }
}

extension Response {
    /// A JSON response.
    static func json(_ json: JSON, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: json.bytes)))
    }

    /// An empty 204.
    static var noContent: Response { Response(status: .noContent) }
}
