public import BankCore
public import Foundation

/// A failure of an Identity use case, with a stable ``code``.
public struct IdentityError: BankError, Equatable {
    /// The stable codes of IdentityError; more may be added (see `ErrorCode`).
    public typealias Code = ErrorCode<IdentityError>

    /// Which failure this is.
    public let errorCode: Code
    public let detail: String
    /// When a lockout ends, for ``Code/accountLocked``.
    public let lockedUntil: Date?

    /// Creates an error.
    public init(_ code: Code, _ detail: String, lockedUntil: Date? = nil) {
        self.errorCode = code
        self.detail = detail
        self.lockedUntil = lockedUntil
    }

    public var code: String { errorCode.value }
    public var kind: ErrorKind { errorCode.kind }
    public var extensions: [String: ErrorValue] {
        lockedUntil.map { ["locked_until": .string($0.rfc3339)] } ?? [:]
    }

    static let invalidCredentials = IdentityError(.invalidCredentials, "The email or password is incorrect.")
    static let invalidToken = IdentityError(.invalidToken, "The access token is missing, invalid, expired or revoked.")
    static let invalidRefreshToken = IdentityError(.invalidRefreshToken, "The refresh token is invalid, expired or revoked.")
}

extension ErrorCode where Domain == IdentityError {
    /// The email address belongs to another user (409).
    public static let emailTaken = Self("email_taken", kind: .conflict)
    /// Unknown email or wrong password: the same answer for both (401).
    public static let invalidCredentials = Self("invalid_credentials", kind: .unauthenticated)
    /// Too many failed logins; see ``IdentityError/lockedUntil`` (423).
    public static let accountLocked = Self("account_locked", kind: .locked)
    /// A missing, malformed, forged, expired or revoked access token (401).
    public static let invalidToken = Self("invalid_token", kind: .unauthenticated)
    /// An unknown, expired or revoked refresh token (401).
    public static let invalidRefreshToken = Self("invalid_refresh_token", kind: .unauthenticated)
    /// A refresh token was used twice; its whole family is now revoked (401).
    public static let refreshTokenReused = Self("refresh_token_reused", kind: .unauthenticated)
    /// The current password given to a password change is wrong (422).
    public static let currentPasswordIncorrect = Self("current_password_incorrect", kind: .invalid)
    /// No such user (404).
    public static let userNotFound = Self("user_not_found", kind: .notFound)
    /// The user's account is disabled (403).
    public static let userDisabled = Self("user_disabled", kind: .forbidden)
}
