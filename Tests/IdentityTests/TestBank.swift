import BankCore
import BankTestSupport
import Foundation
import Identity
import Sodium
import Storage

/// Identity over a real database (a SQLite file in a fresh temporary directory, or a fresh schema on the
/// test PostgreSQL server; see ``TestDatabase``), with a manual clock; removed when the test is done.
final class TestBank: Sendable {
    let directory: String
    let path: String
    let database: BankDatabase
    let manualClock: ManualClock
    let identity: IdentityService

    /// The password every test user signs up with.
    static let password = "correct horse battery staple"
    /// The token secret of ``identity``.
    static let secret = [UInt8](repeating: 0x42, count: 32)
    /// Real Argon2id, kept cheap so that the suites stay fast.
    static let hasher = PasswordHasher(cost: .init(opsLimit: 1, memLimit: 64 * 1024))
    /// Where the manual clock starts.
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("identity-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/bank.sqlite"
        database = try TestDatabase.open(modules: [IdentityModule()], auditKey: [UInt8](repeating: 7, count: 32), directory: directory)
        manualClock = ManualClock(Self.start)
        identity = try await Self.service(database: database, secret: Self.secret, clock: manualClock)
    }

    deinit {
        try? database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// An IdentityService over `database` whose tokens are signed with `secret`.
    static func service(database: BankDatabase, secret: [UInt8], clock: ManualClock) async throws -> IdentityService {
        let tokens = try await TokenIssuer(secret: secret, clock: clock.clock)
        return IdentityService(database: database, tokens: tokens, hasher: hasher, clock: clock.clock)
    }

    /// Signs up a member with ``password``.
    func signUp(_ email: String = "ada@example.com", first: String = "Ada", last: String = "Lovelace") async throws -> AuthSession {
        try await identity.signUp(SignUpRequest(email: email, password: Self.password, firstName: first, lastName: last), actor: .system)
    }

    /// Logs in with `password`.
    func logIn(_ email: String = "ada@example.com", password: String = TestBank.password) async throws -> AuthSession {
        try await identity.logIn(email: email, password: password, actor: .system)
    }

    /// The audit actions recorded so far, oldest first.
    func auditActions() async throws -> [String] {
        try await database.read { db in try db.values(String.self, "SELECT action FROM audit_log ORDER BY id") }
    }

    /// Everything stored: the SQLite file and its WAL, or on PostgreSQL every value of every table (text
    /// as UTF-8, blobs as their bytes), to prove what is and is not stored in clear.
    func storedBytes() async throws -> Data {
        guard TestDatabase.isSQLite else {
            return try await database.read { db in Data(try TestDatabase.storedBytes(in: db)) }
        }
        var contents = Data()
        for suffix in ["", "-wal"] {
            contents.append(try Data(contentsOf: URL(fileURLWithPath: path + suffix)))
        }
        return contents
    }
}

/// URL-safe base64 without padding, as JWTs use it.
enum JWTParts {
    static func decode(_ part: some StringProtocol) -> Data? {
        var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64)
    }

    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The token's three parts: header, payload, signature.
    static func split(_ token: String) -> [String] {
        token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }
}
