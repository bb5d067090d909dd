public import BankCore
public import Foundation
public import Sodium
public import Storage
import Synchronization

/// Users, logins and sessions: signup, login with lockout, rotating refresh tokens, logout, password
/// change, profile, and the authentication of access tokens.
///
/// Password hashing runs on the hasher's own serial queue and database work on the database's own
/// threads (GRDB's queues on SQLite), so no call blocks Swift's cooperative pool.
public struct IdentityService: Sendable {
    /// How many failed logins in a row lock a user, for how long, and the ceiling of the doubling.
    ///
    /// Failures are counted per user and per source (the client's IPv4 address, or its IPv6 /64):
    /// - While a user is locked, every login gets `account_locked` with `locked_until`, whoever asks.
    /// - `threshold` failures in a row from sources that have not yet caused a lock of this user lock
    ///   the user for `baseDuration`, doubling with each further such lock until a success. Every source
    ///   that failed in that streak is then a known offender for this user.
    /// - A known offender's failures no longer count towards the user's lock: `threshold` of them in a
    ///   row lock only that source out of that user, for a doubling duration of its own, and it gets
    ///   `account_locked` while the user can log in from anywhere else. So an attacker who keeps failing
    ///   cannot keep the victim locked out once the first lock has expired.
    /// - A success from a source clears its row and the user's counts (but not other sources' offender
    ///   marks, or the attacker could lock again right after each of the victim's logins); an unlock by
    ///   an employee or admin ends every lock of the user, the offenders' included, and keeps the marks.
    ///
    /// An attacker with many addresses can still lock a user once per `threshold` fresh sources; the
    /// per-IP rate limits and the staff unlock bound what that costs the victim.
    public struct LockoutPolicy: Sendable {
        public var threshold: Int
        public var baseDuration: TimeInterval
        public var maximumDuration: TimeInterval

        /// Creates a policy.
        public init(threshold: Int = 5, baseDuration: TimeInterval = 15 * 60, maximumDuration: TimeInterval = 24 * 3600) {
            self.threshold = threshold
            self.baseDuration = baseDuration
            self.maximumDuration = maximumDuration
        }

        /// The duration of the `count`-th lock in a row (0-based): 15 min, 30 min, 1 h, … up to the ceiling.
        func duration(forLockNumber count: Int) -> TimeInterval {
            min(baseDuration * pow(2, Double(min(count, 20))), maximumDuration)
        }
    }

    /// How long a refresh token is valid: 7 days.
    public static let refreshTokenLifetime: TimeInterval = 7 * 24 * 3600

    let database: BankDatabase
    let tokens: TokenIssuer
    let hasher: PasswordHasher
    let clock: BankClock
    let ids: IDSource
    let lockout: LockoutPolicy
    let tokenHash: KeyedHash
    /// Recent session checks, for requests that only read.
    let sessions = SessionCache()
    private let decoy = DecoyHash()

    /// Creates the service.
    /// - Parameters:
    ///   - database: a database migrated with ``IdentityModule``.
    ///   - tokens: signs and verifies access tokens.
    ///   - hasher: Argon2id hashing, off the cooperative pool.
    public init(
        database: BankDatabase, tokens: TokenIssuer, hasher: PasswordHasher = PasswordHasher(), clock: BankClock = .live,
        ids: IDSource = .live, lockout: LockoutPolicy = LockoutPolicy()
    ) {
        self.database = database
        self.tokens = tokens
        self.hasher = hasher
        self.clock = clock
        self.ids = ids
        self.lockout = lockout
        self.tokenHash = KeyedHash()  // unkeyed BLAKE2b: refresh tokens carry 256 random bits
    }

    /// The principal behind an access token, with role and status read from the database, not the token.
    ///
    /// - Parameter changesState: `false` for a request that only reads, which may rely on a check made
    ///   in the last second (``SessionCache``); `true` reads the database every time.
    /// - Throws: ``IdentityError`` `invalid_token` when the token is forged, expired, or its session was revoked.
    public func authenticate(accessToken: String, changesState: Bool = true) async throws -> Principal {
        let token = try await tokens.verify(accessToken)
        let now = clock.now()
        if !changesState, let role = sessions.role(session: token.sessionID, user: token.userID, at: now) {
            return Principal(userID: token.userID, role: role, sessionID: token.sessionID)
        }
        let generation = sessions.generation
        // Extract Sendable values inside the closure: the result crosses back from the database's thread.
        let role: Role? = try await database.quickRead { db in
            // A session is live while `revoked_at` is NULL: tested on the value read, not with an `IS NULL`
            // column, whose type (integer or boolean) depends on the engine.
            guard
                let row = try db.row(
                    """
                    SELECT u.role, u.status, s.revoked_at FROM sessions s JOIN users u ON u.id = s.user_id
                    WHERE s.id = ? AND u.id = ?
                    """,
                    [token.sessionID, token.userID]),
                row["status"] as String == "active", row.value(named: "revoked_at").isNull
            else { return nil }
            return Role(rawValue: row["role"])
        }
        guard let role else { throw IdentityError.invalidToken }
        sessions.remember(token.userID, role: role, session: token.sessionID, at: now, generation: generation)
        return Principal(userID: token.userID, role: role, sessionID: token.sessionID)
    }

    /// The user with `id`. - Throws: ``IdentityError`` `user_not_found`.
    public func user(_ id: UserID) async throws -> User {
        guard let record = try await database.read({ db in try UserRecord.find(id, in: db) }) else {
            throw IdentityError(.userNotFound, "No user with id \(id).")
        }
        return record.user
    }

    /// The user with `email` (any case), or `nil`.
    public func user(email: String) async throws -> User? {
        let normalized = Self.normalize(email: email)
        return try await database.read { db in
            try UserRecord.find(email: normalized, in: db)?.user
        }
    }

    /// Users, newest first.
    public func users(page: PageRequest) async throws -> Page<User> {
        try await database.read { db in
            var sql = "SELECT rowid AS position, * FROM users"
            var arguments: SQLArguments = []
            if let cursor = page.cursor { sql += " WHERE rowid < ?"; arguments += [cursor.position] }
            let rows = try db.rows(sql + " ORDER BY rowid DESC LIMIT ?", arguments + [page.limit + 1])
            return Page.from(rows: rows, limit: page.limit, position: { $0["position"] }) { UserRecord(row: $0).user }
        }
    }

    static func normalize(email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// A throwaway hash to verify against when the email is unknown, so that the answer takes as long as for a known one.
    func decoyHash() async throws -> String {
        if let hash = decoy.value { return hash }
        let hash = try await hasher.hash(SecureRandom.token())
        decoy.store(hash)
        return hash
    }
}

private final class DecoyHash: Sendable {
    private let storage = Mutex<String?>(nil)
    var value: String? { storage.withLock { $0 } }
    func store(_ hash: String) { storage.withLock { $0 = hash } }
}

/// Org-wide user figures for the admin view.
public struct UserStats: Sendable, Hashable {
    public let users: Int
    public let members: Int
    public let employees: Int
    public let admins: Int
    /// Users whose lockout has not ended yet.
    public let lockedUsers: Int
}

extension IdentityService {
    /// Counts of users by role, and of users locked out now.
    public func stats() async throws -> UserStats {
        let now = clock.now()
        return try await database.read { db in
            let row = try db.row(
                """
                SELECT COUNT(*) AS users, COUNT(CASE WHEN role = 'member' THEN 1 END) AS members,
                       COUNT(CASE WHEN role = 'employee' THEN 1 END) AS employees, COUNT(CASE WHEN role = 'admin' THEN 1 END) AS admins,
                       COUNT(CASE WHEN locked_until > ? THEN 1 END) AS locked
                FROM users
                """, [now])!
            return UserStats(
                users: row["users"], members: row["members"], employees: row["employees"], admins: row["admins"], lockedUsers: row["locked"])
        }
    }
}
