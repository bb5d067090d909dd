public import Configuration
import Foundation
import Sodium

/// The bank's secrets: the JWT signing key, the audit chain key, the card encryption keys and the card index key.
///
/// Each comes from configuration (`secrets.jwt_key`, `secrets.audit_key`, `secrets.card_key`,
/// `secrets.card_index_key`, base64) or, on a local run with none configured, from a file under
/// `<data.dir>/secrets/` that is generated once with mode 0600 and reused afterwards. Card key
/// versions after the first live in `<data.dir>/secrets/card_key.v<N>.b64` (see `bankctl rotate-card-key`).
public struct BankSecrets: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// HMAC-SHA256 key of access tokens (32 bytes).
    public let jwtKey: [UInt8]
    /// BLAKE2b key of the audit chain (32 bytes).
    public let auditKey: [UInt8]
    /// secretbox keys of card numbers by version (32 bytes each); the highest version is current.
    public let cardKeys: [Int: [UInt8]]
    /// BLAKE2b key of the card numbers' uniqueness hash; it never rotates.
    public let cardIndexKey: [UInt8]

    /// Never prints the keys.
    public var description: String { "BankSecrets(<redacted>)" }
    public var debugDescription: String { description }

    /// Loads or generates the secrets. - Throws: ``BankSecretsError`` for a malformed configured key.
    public static func load(config: ConfigReader, dataDirectory: String) throws -> BankSecrets {
        let directory = (dataDirectory as NSString).appendingPathComponent("secrets")
        func key(_ name: String) throws -> [UInt8] {
            if let configured = config.string(forKey: ConfigKey("secrets.\(name)"), isSecret: true), !configured.isEmpty {
                guard let data = Data(base64Encoded: configured), data.count >= 32 else {
                    throw BankSecretsError.malformed(key: "secrets.\(name)")
                }
                return Array(data)
            }
            return try loadOrGenerate(path: (directory as NSString).appendingPathComponent("\(name).b64"))
        }
        var cardKeys = [1: try key("card_key")]
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for file in files where file.hasPrefix("card_key.v") && file.hasSuffix(".b64") {
            guard let version = Int(file.dropFirst("card_key.v".count).dropLast(".b64".count)), version > 1 else { continue }
            cardKeys[version] = try loadOrGenerate(path: (directory as NSString).appendingPathComponent(file))
        }
        return BankSecrets(
            jwtKey: try key("jwt_key"), auditKey: try key("audit_key"), cardKeys: cardKeys, cardIndexKey: try key("card_index_key"))
    }

    /// Generates the next card key version into `<data.dir>/secrets/card_key.v<N>.b64` and returns N.
    /// The next ``load(config:dataDirectory:)`` makes it current.
    public static func addCardKeyVersion(config: ConfigReader, dataDirectory: String) throws -> Int {
        let next = (try load(config: config, dataDirectory: dataDirectory).cardKeys.keys.max() ?? 1) + 1
        let directory = (dataDirectory as NSString).appendingPathComponent("secrets")
        _ = try loadOrGenerate(path: (directory as NSString).appendingPathComponent("card_key.v\(next).b64"))
        return next
    }

    private static func loadOrGenerate(path: String) throws -> [UInt8] {
        let manager = FileManager.default
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count >= 32 else {
                throw BankSecretsError.malformed(key: path)
            }
            return Array(data)
        }
        let directory = (path as NSString).deletingLastPathComponent
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = SecureRandom.bytes(32)
        // Created with 0600 from the start, so the key is never readable by others, not even briefly.
        guard manager.createFile(atPath: path, contents: Data((Data(key).base64EncodedString() + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw BankSecretsError.cannotWrite(path: path) }
        return key
    }
}

/// Failures loading secrets.
public enum BankSecretsError: Error, Sendable, CustomStringConvertible {
    /// A configured key is not base64 of at least 32 bytes.
    case malformed(key: String)
    /// A generated key could not be written.
    case cannotWrite(path: String)

    public var description: String {
        switch self {
        case .malformed(let key): "\(key) must be base64 of at least 32 bytes"
        case .cannotWrite(let path): "cannot write \(path)"
        }
    }
}
