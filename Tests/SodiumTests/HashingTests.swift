import Sodium
import Testing

@Suite struct HashingTests {
    private let cheap = PasswordHasher(cost: .init(opsLimit: 1, memLimit: 64 * 1024))

    // MARK: - KeyedHash

    @Test func unkeyedHashMatchesTheBLAKE2b256TestVectors() throws {
        let hash = KeyedHash()
        #expect(Hex.encode(hash.hash([])) == "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8")
        #expect(hash.hexHash("abc") == "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319")
    }

    @Test func hashIsDeterministicAnd32Bytes() throws {
        let hash = try KeyedHash(key: [UInt8](repeating: 1, count: 32))
        let message = Array("transfer 100".utf8)
        #expect(hash.hash(message) == hash.hash(message))
        #expect(hash.hash(message).count == 32)
        #expect(try KeyedHash(key: [UInt8](repeating: 1, count: 32)).hash(message) == hash.hash(message))
    }

    @Test func keyedAndUnkeyedHashesDiffer() throws {
        let message = Array("transfer 100".utf8)
        let unkeyed = KeyedHash().hash(message)
        let keyedA = try KeyedHash(key: [UInt8](repeating: 1, count: 32)).hash(message)
        let keyedB = try KeyedHash(key: [UInt8](repeating: 2, count: 32)).hash(message)
        #expect(unkeyed != keyedA)
        #expect(keyedA != keyedB)
        #expect(KeyedHash().hash(Array("transfer 101".utf8)) != unkeyed)
    }

    @Test func keyLengthsOutside16To64BytesAreRefused() throws {
        #expect(throws: SodiumError.invalidKeyLength(expected: 32, actual: 15)) { try KeyedHash(key: [UInt8](repeating: 0, count: 15)) }
        #expect(throws: SodiumError.invalidKeyLength(expected: 32, actual: 65)) { try KeyedHash(key: [UInt8](repeating: 0, count: 65)) }
        _ = try KeyedHash(key: [UInt8](repeating: 0, count: 16))
        _ = try KeyedHash(key: [UInt8](repeating: 0, count: 64))
    }

    // MARK: - PasswordHasher

    @Test func defaultCostProducesAnArgon2idStringAtOWASPMinimum() async throws {
        let encoded = try await PasswordHasher().hash("correct horse battery staple")
        #expect(encoded.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(await PasswordHasher().verify("correct horse battery staple", against: encoded))
    }

    @Test func verifyAcceptsOnlyTheRightPassword() async throws {
        let encoded = try await cheap.hash("correct horse battery staple")
        #expect(encoded.hasPrefix("$argon2id$v=19$m=64,t=1,p=1$"))
        #expect(await cheap.verify("correct horse battery staple", against: encoded))
        #expect(await cheap.verify("correct horse battery stapl", against: encoded) == false)
        #expect(await cheap.verify("", against: encoded) == false)
    }

    @Test func samePasswordHashesDifferentlyEachTime() async throws {
        let first = try await cheap.hash("correct horse battery staple")
        let second = try await cheap.hash("correct horse battery staple")
        #expect(first != second)
    }

    @Test func verifyAgainstGarbageIsFalse() async {
        #expect(await cheap.verify("anything", against: "not a hash") == false)
        #expect(await cheap.verify("anything", against: "") == false)
    }

    @Test func unicodePasswordsRoundTrip() async throws {
        let encoded = try await cheap.hash("pässwörd-🔐-長い")
        #expect(await cheap.verify("pässwörd-🔐-長い", against: encoded))
        #expect(await cheap.verify("passwörd-🔐-長い", against: encoded) == false)
    }

    // MARK: - Encodings and randomness

    @Test func hexAndBase64URLEncodeKnownBytes() {
        #expect(Hex.encode([0x00, 0xab, 0xff, 0x10]) == "00abff10")
        #expect(Hex.encode([]) == "")
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        #expect(Base64URL.encode(Array("hello".utf8)) == "aGVsbG8")
        #expect(Base64URL.encode([]) == "")
    }

    @Test func secureRandomGivesWhatWasAskedFor() {
        #expect(SecureRandom.bytes(0) == [])
        #expect(SecureRandom.bytes(32).count == 32)
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
        let digits = SecureRandom.digits(12)
        #expect(digits.count == 12 && digits.allSatisfy(\.isNumber))
        let token = SecureRandom.token()
        #expect(token.count == 43)
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect((0..<1_000).allSatisfy { _ in SecureRandom.uniform(10) < 10 })
    }
}
