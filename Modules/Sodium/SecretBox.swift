internal import CSodium

/// Authenticated symmetric encryption (`crypto_secretbox_easy`, XSalsa20-Poly1305) with a fresh random nonce per message.
public struct SecretBox: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The key length: 32 bytes.
    public static let keyLength = Int(crypto_secretbox_KEYBYTES)
    private static let nonceLength = Int(crypto_secretbox_NONCEBYTES)
    private static let macLength = Int(crypto_secretbox_MACBYTES)

    private let key: [UInt8]

    /// Creates a box from a 32-byte key. - Throws: ``SodiumError/invalidKeyLength(expected:actual:)``.
    public init(key: [UInt8]) throws(SodiumError) {
        guard key.count == Self.keyLength else { throw .invalidKeyLength(expected: Self.keyLength, actual: key.count) }
        _ = SodiumLibrary.ready
        self.key = key
    }

    /// Never prints the key.
    public var description: String { "SecretBox(key: <redacted>)" }
    public var debugDescription: String { description }

    /// A new random key.
    public static func generateKey() -> [UInt8] { SecureRandom.bytes(keyLength) }

    /// Encrypts `plaintext`; the result is nonce ‖ MAC ‖ ciphertext.
    public func seal(_ plaintext: [UInt8]) -> [UInt8] {
        let nonce = SecureRandom.bytes(Self.nonceLength)
        var sealed = [UInt8](repeating: 0, count: Self.macLength + plaintext.count)
        let result = sealed.withUnsafeMutableBufferPointer { output in
            plaintext.withUnsafeBufferPointer { input in
                crypto_secretbox_easy(
                    output.baseAddress!, input.baseAddress ?? UnsafePointer(output.baseAddress!), UInt64(plaintext.count), nonce, key)
            }
        }
        precondition(result == 0, "crypto_secretbox_easy failed")
        return nonce + sealed
    }

    /// Decrypts what ``seal(_:)`` produced. - Throws: ``SodiumError/decryptionFailed`` when it was tampered with or sealed under another key.
    public func open(_ box: [UInt8]) throws(SodiumError) -> [UInt8] {
        guard box.count >= Self.nonceLength + Self.macLength else { throw .decryptionFailed }
        let nonce = Array(box.prefix(Self.nonceLength))
        let sealed = Array(box.dropFirst(Self.nonceLength))
        var plaintext = [UInt8](repeating: 0, count: sealed.count - Self.macLength)
        let result = plaintext.withUnsafeMutableBufferPointer { output in
            // An empty plaintext still needs a valid pointer: libsodium's parameters are nonnull.
            var scratch: UInt8 = 0
            return crypto_secretbox_open_easy(
                output.baseAddress ?? withUnsafeMutablePointer(to: &scratch) { $0 }, sealed, UInt64(sealed.count), nonce, key)
        }
        guard result == 0 else { throw .decryptionFailed }
        return plaintext
    }
}
