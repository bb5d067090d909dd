import BankCore
import Foundation
import Testing

@Suite struct IdentifierTests {
    private let uuidString = "0F8FAD5B-D9CB-469F-A165-70867728950E"

    @Test func descriptionIsTheLowercaseUUID() throws {
        let id = try #require(UserID(uuidString))
        #expect(id.description == "0f8fad5b-d9cb-469f-a165-70867728950e")
        #expect(id.uuid == UUID(uuidString: uuidString))
    }

    @Test func parsingAcceptsAnyCaseAndRejectsNonUUIDs() {
        #expect(AccountID(uuidString) == AccountID(uuidString.lowercased()))
        #expect(AccountID("") == nil)
        #expect(AccountID("not-a-uuid") == nil)
        #expect(AccountID("0f8fad5b-d9cb-469f-a165-70867728950") == nil)
    }

    /// The hand-written parser and formatter agree with Foundation's, but for a sign where a digit belongs.
    @Test func parsesAndWritesExactlyAsFoundationDoes() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<1_000 {
            let uuid = UUID()
            let text = Bool.random(using: &random) ? uuid.uuidString : uuid.uuidString.lowercased()
            #expect(AccountID(text)?.uuid == uuid)
            #expect(AccountID(uuid).description == uuid.uuidString.lowercased())
        }
        let odd = [
            "0f8fad5b-d9cb-469f-a165-70867728950e ", " 0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5bd9cb469fa16570867728950e",
            "{0f8fad5b-d9cb-469f-a165-70867728950e}", "0f8fad5b-d9cb-469f-a165-70867728950g", "0f8fad5b_d9cb-469f-a165-70867728950e",
            "0f8fad5b-d9cb-469f-a16-570867728950e", "0f8fad5b-d9cb-469f-a165-70867728950é", "ＯＦ8fad5b-d9cb-469f-a165-708677289",
            "00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
        ]
        for text in odd { #expect(AccountID(text)?.uuid == UUID(uuidString: text), "\(text)") }
        // Stricter in one place: Foundation's sscanf reads "+f" as a hex byte; a sign is not a digit.
        #expect(UUID(uuidString: "+f8fad5b-d9cb-469f-a165-70867728950e") != nil)
        #expect(AccountID("+f8fad5b-d9cb-469f-a165-70867728950e") == nil)
    }

    @Test func encodesAsALowercaseStringAndDecodesAnyCase() throws {
        let id = try #require(TransferID(uuidString))
        let data = try JSONEncoder().encode([id])
        #expect(String(decoding: data, as: UTF8.self) == #"["0f8fad5b-d9cb-469f-a165-70867728950e"]"#)
        let decoded = try JSONDecoder().decode([TransferID].self, from: Data(#"["\#(uuidString)"]"#.utf8))
        #expect(decoded == [id])
    }

    @Test func decodingANonUUIDStringFails() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([UserID].self, from: Data(#"["nope"]"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([UserID].self, from: Data("[42]".utf8)) }
    }

    @Test func liveIdentifiersAreVersion7AndSortByTheirTime() throws {
        let noon = Date(timeIntervalSince1970: 1_795_000_000.123)
        let id = UUID.timeOrdered(at: noon)
        let text = id.uuidString.lowercased()
        // The first 48 bits are the Unix time in milliseconds; then version 7 and the RFC 9562 variant.
        #expect(text.replacingOccurrences(of: "-", with: "").prefix(12) == "01a1ee565e7b")  // 1,795,000,000,123 ms
        #expect(Array(text)[14] == "7")
        #expect("89ab".contains(Array(text)[19]))
        let later = (1...50).map { UUID.timeOrdered(at: noon.addingTimeInterval(Double($0) * 0.002)).uuidString.lowercased() }
        #expect(later == later.sorted())
        #expect(later.allSatisfy { $0 > text })
        #expect(Set((0..<1000).map { _ in UUID.timeOrdered(at: noon) }).count == 1000)
        let live: AccountID = IDSource.live.next()
        #expect(Array(live.description)[14] == "7")
    }

    /// The random bits come from a pool refilled every ~400 IDs; IDs made at once on several threads, across
    /// many refills, are all different, and their random parts are not the pool's initial zeros.
    @Test func concurrentIdentifiersAcrossPoolRefillsAreDistinct() async {
        let noon = Date(timeIntervalSince1970: 1_795_000_000.123)
        let ids = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<4 { group.addTask { (0..<2_500).map { _ in UUID.timeOrdered(at: noon) } } }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(Set(ids).count == 10_000)
        #expect(ids.filter { $0.uuidString.suffix(12) == "000000000000" }.isEmpty)
    }

    @Test func idSourceMintsTypedIdentifiersFromItsClosure() {
        let fixed = UUID(uuidString: uuidString)!
        let source = IDSource { fixed }
        let account: AccountID = source.next()
        #expect(account.uuid == fixed)
        #expect(IDSource.live.next(UserTag.self) != IDSource.live.next(UserTag.self))
    }

    @Test func manualClockMovesOnlyWhenTold() {
        let start = Date(timeIntervalSince1970: 1_000)
        let manual = ManualClock(start)
        let clock = manual.clock
        #expect(clock.now() == start)
        manual.advance(by: 90)
        #expect(clock.now() == Date(timeIntervalSince1970: 1_090))
        manual.set(Date(timeIntervalSince1970: 5))
        #expect(manual.now == Date(timeIntervalSince1970: 5))
    }

    @Test func ownerScopeAllowsOnlyTheOwnerOrEveryone() throws {
        let ada = try #require(UserID(uuidString))
        let bob = UserID(UUID())
        #expect(OwnerScope.owner(ada).allows(ada))
        #expect(!OwnerScope.owner(ada).allows(bob))
        #expect(!OwnerScope.owner(ada).allows(nil))
        #expect(OwnerScope.any.allows(bob))
        #expect(OwnerScope.any.allows(nil))
    }

    @Test func actorWithPrincipalKeepsTheRequestContext() throws {
        let actor = Actor(principal: nil, ip: "10.0.0.1", userAgent: "tests", requestID: "req-1")
        let principal = Principal(userID: try #require(UserID(uuidString)), role: .admin)
        let acting = actor.with(principal: principal)
        #expect(acting == Actor(principal: principal, ip: "10.0.0.1", userAgent: "tests", requestID: "req-1"))
        #expect(Actor.system.principal == nil)
    }
}
