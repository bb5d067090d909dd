internal import CSodium

/// BLAKE2b (`crypto_generichash`), keyed or not, with a 32-byte output.
public struct KeyedHash: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The output length: 32 bytes.
    public static let outputLength = Int(crypto_generichash_BYTES)
    /// The recommended key length: 32 bytes.
    public static let keyLength = Int(crypto_generichash_KEYBYTES)

    private let key: [UInt8]

    /// Plain (unkeyed) BLAKE2b, for inputs that are already secret and random (refresh tokens).
    public init() {
        _ = SodiumLibrary.ready
        self.key = []
    }

    /// A hash under `key` (16–64 bytes), or unkeyed when `key` is empty.
    public init(key: [UInt8]) throws(SodiumError) {
        guard key.isEmpty || (Int(crypto_generichash_KEYBYTES_MIN)...Int(crypto_generichash_KEYBYTES_MAX)).contains(key.count) else {
            throw .invalidKeyLength(expected: Self.keyLength, actual: key.count)
        }
        _ = SodiumLibrary.ready
        self.key = key
    }

    /// Never prints the key.
    public var description: String { key.isEmpty ? "KeyedHash(unkeyed)" : "KeyedHash(key: <redacted>)" }
    public var debugDescription: String { description }

    /// The 32-byte hash of `message`.
    public func hash(_ message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Self.outputLength)
        var empty: UInt8 = 0
        let result = withUnsafeMutablePointer(to: &empty) { emptyPointer in
            message.withUnsafeBufferPointer { input in
                key.withUnsafeBufferPointer { keyBuffer in
                    crypto_generichash(
                        &output, Self.outputLength,
                        input.baseAddress ?? UnsafePointer(emptyPointer), UInt64(message.count),
                        keyBuffer.baseAddress, keyBuffer.count)
                }
            }
        }
        precondition(result == 0, "crypto_generichash failed")
        return output
    }

    /// The lowercase hex hash of a UTF-8 string.
    public func hexHash(_ message: String) -> String {
        Hex.encode(hash(Array(message.utf8)))
    }
}

/// Lowercase hexadecimal.
public enum Hex {
    /// Encodes bytes as lowercase hex.
    public static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output = [UInt8]()
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
