public import BankCore
public import Foundation
import GRDB

/// A user as Identity stores it; the password hash never leaves the module.
struct UserRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "users"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

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
