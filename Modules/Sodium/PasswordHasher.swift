internal import CSodium
internal import Dispatch

/// Argon2id password hashing (`crypto_pwhash_str`), run on one serial queue so it never blocks Swift's cooperative pool.
///
/// On a 2-core machine, Argon2 inside request handlers starves the server; a serial queue keeps the
/// event loops free and bounds the CPU that logins can take.
public struct PasswordHasher: Sendable {
    /// Argon2id cost parameters.
    public struct Cost: Sendable, Hashable {
        /// Iterations.
        public let opsLimit: UInt64
        /// Memory in bytes.
        public let memLimit: Int

        /// Creates a cost.
        public init(opsLimit: UInt64, memLimit: Int) {
            self.opsLimit = opsLimit
            self.memLimit = memLimit
        }

        /// OWASP's minimum for Argon2id: 19 MiB, 2 iterations.
        public static let owaspMinimum = Cost(opsLimit: 2, memLimit: 19 * 1024 * 1024)
    }

    private let cost: Cost
    private let queue: DispatchQueue

    /// Creates a hasher with its own serial queue.
    public init(cost: Cost = .owaspMinimum) {
        _ = SodiumLibrary.ready
        self.cost = cost
        self.queue = DispatchQueue(label: "bankkit.password-hasher", qos: .userInitiated)
    }

    /// The encoded Argon2id hash (`$argon2id$v=19$m=…`) of `password`, with a random salt.
    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await run {
            var output = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
            let bytes = Array(password.utf8CString.dropLast())
            let result = crypto_pwhash_str_alg(
                &output, bytes, UInt64(bytes.count), cost.opsLimit, cost.memLimit, crypto_pwhash_ALG_ARGON2ID13)
            guard result == 0 else { throw SodiumError.hashingFailed }
            return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Whether `password` matches `encodedHash`; constant-time inside libsodium.
    public func verify(_ password: String, against encodedHash: String) async -> Bool {
        (try? await run {
            let bytes = Array(password.utf8CString.dropLast())
            return crypto_pwhash_str_verify(encodedHash, bytes, UInt64(bytes.count)) == 0
        }) ?? false
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
