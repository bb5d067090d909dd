import Sodium
import Testing

@Suite struct SecretBoxTests {
    private let box: SecretBox

    init() throws { box = try SecretBox(key: SecretBox.generateKey()) }

    @Test func sealedMessageOpensToThePlaintext() throws {
        let plaintext = Array("4111 1111 1111 1111".utf8)
        let sealed = box.seal(plaintext)
        #expect(sealed.count == 24 + 16 + plaintext.count)
        #expect(try box.open(sealed) == plaintext)
    }

    @Test func sealingTwiceUsesFreshNonces() {
        let plaintext = Array("same message".utf8)
        #expect(box.seal(plaintext) != box.seal(plaintext))
    }

    @Test func emptyPlaintextRoundTrips() throws {
        let sealed = box.seal([])
        #expect(sealed.count == 40)
        #expect(try box.open(sealed) == [])
    }

    @Test(arguments: [0, 23, 24, 39, 40, 45])
    func anyFlippedByteMakesOpeningFail(index: Int) {
        var sealed = box.seal(Array("attack at dawn".utf8))
        sealed[index] ^= 0x01
        #expect(throws: SodiumError.decryptionFailed) { try box.open(sealed) }
    }

    @Test func truncatedOrEmptyBoxesFail() {
        let sealed = box.seal(Array("attack at dawn".utf8))
        #expect(throws: SodiumError.decryptionFailed) { try box.open(Array(sealed.dropLast())) }
        #expect(throws: SodiumError.decryptionFailed) { try box.open(Array(sealed.prefix(39))) }
        #expect(throws: SodiumError.decryptionFailed) { try box.open([]) }
    }

    @Test func anotherKeyCannotOpenTheBox() throws {
        let other = try SecretBox(key: SecretBox.generateKey())
        let sealed = box.seal(Array("attack at dawn".utf8))
        #expect(throws: SodiumError.decryptionFailed) { try other.open(sealed) }
    }

    @Test(arguments: [0, 16, 31, 33, 64])
    func keysOtherThan32BytesAreRefused(length: Int) {
        #expect(throws: SodiumError.invalidKeyLength(expected: 32, actual: length)) {
            try SecretBox(key: [UInt8](repeating: 7, count: length))
        }
    }
}
