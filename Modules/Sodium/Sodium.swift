internal import CSodium

/// Entry point of the libsodium wrapper: makes sure `sodium_init` ran once before any call.
enum SodiumLibrary {
    /// Initialises libsodium once; every public entry point touches this first.
    static let ready: Bool = {
        let result = sodium_init()
        precondition(result >= 0, "libsodium could not be initialised")
        return true
    }()
}

/// Failures of the libsodium wrapper.
public enum SodiumError: Error, Sendable, Equatable {
    /// A key had the wrong length for its algorithm.
    case invalidKeyLength(expected: Int, actual: Int)
    /// A ciphertext was too short, tampered with, or sealed under another key.
    case decryptionFailed
    /// libsodium could not allocate the memory a password hash needs.
    case hashingFailed
}
