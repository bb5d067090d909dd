internal import CSodium

/// Cryptographically secure random values from libsodium (`randombytes_buf`).
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        _ = SodiumLibrary.ready
        var buffer = [UInt8](repeating: 0, count: count)
        if count > 0 { buffer.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) } }
        return buffer
    }

    /// A uniformly random integer in `0..<upperBound` (`randombytes_uniform`, no modulo bias).
    public static func uniform(_ upperBound: UInt32) -> UInt32 {
        _ = SodiumLibrary.ready
        return randombytes_uniform(upperBound)
    }

    /// A string of `count` random decimal digits.
    public static func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(String(uniform(10))) })
    }

    /// `byteCount` random bytes as URL-safe base64 without padding: an opaque token.
    public static func token(byteCount: Int = 32) -> String {
        Base64URL.encode(bytes(byteCount))
    }
}

/// URL-safe base64 without padding.
public enum Base64URL {
    /// Encodes bytes.
    public static func encode(_ bytes: [UInt8]) -> String {
        _ = SodiumLibrary.ready
        let length = sodium_base64_encoded_len(bytes.count, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
        var output = [CChar](repeating: 0, count: length)
        bytes.withUnsafeBufferPointer { input in
            _ = sodium_bin2base64(&output, length, input.baseAddress, bytes.count, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
        }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
