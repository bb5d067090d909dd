import BankCore
import Foundation
import Storage
import Testing

@Suite struct IdempotencyStoreTests {
    let bank: TestBank
    let key = IdempotencyKey(scope: "user-1", key: "key-1", fingerprint: "POST /transfers {amount:100}")
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    init() throws { bank = try TestBank() }

    private func save(_ response: StoredResponse, for key: IdempotencyKey, at date: Date) async throws {
        let database = bank.database
        try await database.write { db in try database.idempotency.save(response, for: key, at: date, in: db) }
    }

    private func stored(_ key: IdempotencyKey) async throws -> StoredResponse? {
        let database = bank.database
        return try await database.read { db in try database.idempotency.storedResponse(for: key, in: db) }
    }

    @Test func savedResponseIsReturnedForTheSameKeyAndRequest() async throws {
        #expect(try await stored(key) == nil)
        let response = StoredResponse(status: 201, body: Data(#"{"id":"t-1"}"#.utf8))
        try await save(response, for: key, at: now)
        #expect(try await stored(key) == response)
    }

    @Test func sameKeyWithADifferentRequestIsKeyReused() async throws {
        try await save(StoredResponse(status: 201, body: Data("{}".utf8)), for: key, at: now)
        let other = IdempotencyKey(scope: key.scope, key: key.key, fingerprint: "POST /transfers {amount:999}")
        await #expect(throws: IdempotencyError.keyReused) { try await stored(other) }
        #expect(IdempotencyError.keyReused.code == "idempotency_key_reused")
        #expect(IdempotencyError.keyReused.kind == .conflict)
    }

    @Test func keysOfDifferentCallersNeverCollide() async throws {
        try await save(StoredResponse(status: 201, body: Data("one".utf8)), for: key, at: now)
        let otherCaller = IdempotencyKey(scope: "user-2", key: key.key, fingerprint: "something else")
        #expect(try await stored(otherCaller) == nil)
        try await save(StoredResponse(status: 422, body: Data("two".utf8)), for: otherCaller, at: now)
        #expect(try await stored(otherCaller) == StoredResponse(status: 422, body: Data("two".utf8)))
        #expect(try await stored(key) == StoredResponse(status: 201, body: Data("one".utf8)))
    }

    @Test func savingTheSameKeyTwiceIsAUniqueViolation() async throws {
        try await save(StoredResponse(status: 201, body: Data()), for: key, at: now)
        let error = await #expect(throws: (any Error).self) {
            try await save(StoredResponse(status: 201, body: Data()), for: key, at: now)
        }
        #expect(error.flatMap(SQLConstraint.violated(by:)) == .unique)
        #expect(try await stored(key) == StoredResponse(status: 201, body: Data()))
    }

    @Test func whileInFlightRefusesAConcurrentDuplicateUntilTheFirstFinishes() async throws {
        let store = IdempotencyStore()
        let key = key
        let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        let first = Task {
            try await store.whileInFlight(key) { () async -> Int in
                enteredContinuation.yield()
                for await _ in release { break }
                return 201
            }
        }
        for await _ in entered { break }

        await #expect(throws: IdempotencyError.requestInProgress) { try await store.whileInFlight(key) { 200 } }
        #expect(try await store.whileInFlight(IdempotencyKey(scope: "user-1", key: "key-2", fingerprint: "f")) { 7 } == 7)
        #expect(try await store.whileInFlight(IdempotencyKey(scope: "user-2", key: key.key, fingerprint: "f")) { 8 } == 8)

        releaseContinuation.yield()
        #expect(try await first.value == 201)
        #expect(try await store.whileInFlight(key) { 9 } == 9)
        #expect(IdempotencyError.requestInProgress.code == "request_in_progress")
    }

    @Test func whileInFlightReleasesTheKeyWhenTheBodyThrows() async throws {
        struct Boom: Error, Equatable {}
        let store = IdempotencyStore()
        await #expect(throws: Boom()) { try await store.whileInFlight(key) { () async throws -> Int in throw Boom() } }
        #expect(try await store.whileInFlight(key) { 1 } == 1)
    }
}
