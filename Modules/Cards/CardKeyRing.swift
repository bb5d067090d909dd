import Foundation
import Sodium

/// The secretbox keys of card numbers, by version: the current version encrypts, every version decrypts.
///
/// Rotation adds a version and makes it current; cards sealed under an older version still open,
/// and `bankctl rotate-card-key` re-encrypts them.
public struct CardKeyRing: Sendable, CustomStringConvertible {
    /// The version new cards are sealed under.
    public let currentVersion: Int
    private let boxes: [Int: SecretBox]
    private let index: KeyedHash

    /// Creates a ring. - Parameters:
    ///   - keys: 32-byte secretbox keys by version (≥ 1).
    ///   - indexKey: the key of the PAN's keyed hash (uniqueness), which never rotates.
    /// - Throws: ``CardKeyError`` for an empty ring or a bad key.
    public init(keys: [Int: [UInt8]], indexKey: [UInt8]) throws {
        guard let current = keys.keys.max(), keys.keys.allSatisfy({ $0 > 0 }) else { throw CardKeyError.noKeys }
        var boxes: [Int: SecretBox] = [:]
        for (version, key) in keys {
            do { boxes[version] = try SecretBox(key: key) } catch { throw CardKeyError.invalidKey(version: version) }
        }
        self.boxes = boxes
        self.currentVersion = current
        do { index = try KeyedHash(key: indexKey) } catch { throw CardKeyError.invalidIndexKey }
    }

    /// The versions this ring can open.
    public var versions: [Int] { boxes.keys.sorted() }

    public var description: String { "CardKeyRing(versions: \(versions), current: \(currentVersion), keys: <redacted>)" }

    /// Seals `pan` under the current version.
    func seal(_ pan: String) -> (ciphertext: Data, version: Int) {
        (Data(boxes[currentVersion]!.seal(Array(pan.utf8))), currentVersion)
    }

    /// Opens a sealed PAN. - Throws: ``CardKeyError/missingVersion(_:)``, ``CardKeyError/decryptionFailed``.
    func open(_ ciphertext: Data, version: Int) throws -> String {
        guard let box = boxes[version] else { throw CardKeyError.missingVersion(version) }
        guard let plaintext = try? box.open(Array(ciphertext)), let pan = String(validating: plaintext, as: UTF8.self), PAN.isValid(pan)
        else { throw CardKeyError.decryptionFailed }
        return pan
    }

    /// The keyed hash that makes PANs unique without storing them.
    func indexHash(of pan: String) -> String { index.hexHash(pan) }
}

/// Card-key failures: configuration or tampering, never the caller's fault (they become a logged 500).
public enum CardKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    case noKeys
    case invalidKey(version: Int)
    case invalidIndexKey
    /// A card was sealed under a key version this ring does not have.
    case missingVersion(Int)
    /// A ciphertext did not open: tampered with, or sealed under another key.
    case decryptionFailed

    public var description: String {
        switch self {
        case .noKeys: "the card key ring has no keys"
        case .invalidKey(let version): "card key version \(version) is not a 32-byte key"
        case .invalidIndexKey: "the card index key must be 16 to 64 bytes"
        case .missingVersion(let version): "no card key of version \(version) is configured"
        case .decryptionFailed: "a card number did not decrypt: tampered with, or sealed under another key"
        }
    }
}
