public import BankCore
public import Foundation
import Storage

/// A user as Identity stores it; the password hash never leaves the module.
struct UserRecord: Sendable {
    var id: UserID
    var email: String
    var passwordHash: String
    var firstName: String
    var lastName: String
    var phone: String?
    var role: Role
    var status: String
    var failedLoginCount: Int
    var lockoutCount: Int
    var lockedUntil: Date?
    var createdAt: Date
    var updatedAt: Date

    var user: User {
        User(id: id, email: email, role: role, firstName: firstName, lastName: lastName, phone: phone,
             isActive: status == "active", lockedUntil: lockedUntil, createdAt: createdAt)
    }
}

extension UserRecord {
    /// Decodes a row of `SELECT * FROM users` (or any query with these column names).
    init(row: SQLRow) {
        self.init(
            id: row["id"], email: row["email"], passwordHash: row["password_hash"], firstName: row["first_name"],
            lastName: row["last_name"], phone: row["phone"], role: row["role"], status: row["status"],
            failedLoginCount: row["failed_login_count"], lockoutCount: row["lockout_count"],
            lockedUntil: row.optionalTimestamp("locked_until"), createdAt: row.timestamp("created_at"),
            updatedAt: row.timestamp("updated_at"))
    }

    /// The user with `id`, or `nil`.
    static func find(_ id: UserID, in db: any SQLDatabase, forUpdate: Bool = false) throws -> UserRecord? {
        try db.row("SELECT * FROM users WHERE id = ?" + (forUpdate ? db.dialect.forUpdate : ""), [id]).map(UserRecord.init(row:))
    }

    /// The user with `email` (already normalized), or `nil`.
    static func find(email: String, in db: any SQLDatabase, forUpdate: Bool = false) throws -> UserRecord? {
        try db.row("SELECT * FROM users WHERE email = ?" + (forUpdate ? db.dialect.forUpdate : ""), [email]).map(UserRecord.init(row:))
    }

    /// Inserts this user. - Throws: a unique violation when the email (or id) is taken.
    func insert(in db: any SQLDatabase) throws {
        try db.execute(
            """
            INSERT INTO users (id, email, password_hash, first_name, last_name, phone, role, status, failed_login_count, lockout_count,
                               locked_until, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [id, email, passwordHash, firstName, lastName, phone, role, status, failedLoginCount, lockoutCount, lockedUntil,
             createdAt, updatedAt])
    }
}

/// A user as other modules and the API see it.
public struct User: Sendable, Hashable {
    public let id: UserID
    public let email: String
    public let role: Role
    public let firstName: String
    public let lastName: String
    public let phone: String?
    public let isActive: Bool
    /// When a current lockout ends; `nil` when not locked (or a past lock).
    public let lockedUntil: Date?
    public let createdAt: Date

    /// "Ada L.": the name shown to other members, which reveals no more than it must.
    public var maskedName: String {
        "\(firstName) \(lastName.prefix(1))."
    }

    /// "Ada Lovelace".
    public var fullName: String { "\(firstName) \(lastName)" }
}

/// The tokens and user that a signup, login or refresh hands back.
public struct AuthSession: Sendable {
    /// The JWT to send as `Authorization: Bearer`.
    public let accessToken: String
    /// The opaque token to trade for a new pair; valid once.
    public let refreshToken: String
    /// Seconds until the access token expires.
    public let expiresIn: Int
    /// The session (refresh-token family) the tokens belong to.
    public let sessionID: SessionID
    /// The user logged in.
    public let user: User
}
