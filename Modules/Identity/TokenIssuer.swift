public import BankCore
public import Foundation
import JWTKit
import Synchronization

/// Signs and verifies access tokens: JWT HS256 with `iss`, `aud`, `sub`, `role`, `sid`, `jti` and `exp`.
///
/// The algorithm is pinned: a token whose header names anything but `HS256` is refused before its
/// signature is looked at, so `alg: none` and algorithm-confusion tokens never get through.
public struct TokenIssuer: Sendable {
    /// The `iss` claim written and required.
    public static let issuer = "bankkit"
    /// The `aud` claim written and required.
    public static let audience = "bankkit-api"

    /// How long an access token lives: 15 minutes.
    public let lifetime: TimeInterval
    private let keys: JWTKeyCollection
    private let clock: BankClock
    private let verified = VerifiedTokens()

    /// Creates an issuer from an HMAC secret of at least 32 bytes.
    /// - Throws: ``TokenIssuerError/secretTooShort`` for a shorter secret (jwt-kit asserts on short HMAC keys).
    public init(secret: [UInt8], lifetime: TimeInterval = 15 * 60, clock: BankClock = .live) async throws {
        guard secret.count >= 32 else { throw TokenIssuerError.secretTooShort }
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.lifetime = lifetime
        self.clock = clock
    }

    /// A signed access token for `user` in `session`.
    func issue(userID: UserID, role: Role, session: SessionID) async throws -> String {
        let now = clock.now()
        let claims = AccessClaims(
            iss: IssuerClaim(value: Self.issuer), aud: AudienceClaim(value: [Self.audience]),
            sub: SubjectClaim(value: userID.description), role: role.rawValue, sid: session.description,
            jti: IDClaim(value: UUID().lowercasedText),
            iat: IssuedAtClaim(value: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))),
            exp: ExpirationClaim(value: Date(timeIntervalSince1970: (now.timeIntervalSince1970 + lifetime).rounded(.down))))
        return try await keys.sign(claims)
    }

    /// The verified claims of `token`. - Throws: ``IdentityError`` `invalid_token` for anything not issued by us, or expired.
    func verify(_ token: String) async throws -> VerifiedToken {
        // The algorithm is pinned by the header itself: we only ever issue {"alg":"HS256","typ":"JWT"}, so any
        // other header (alg none, RS256, an added kid or jku) is refused before the signature is looked at.
        guard let dot = token.utf8.firstIndex(of: UInt8(ascii: ".")), Self.issuedHeaders.contains(Substring(token.utf8[..<dot]))
        else { throw IdentityError.invalidToken }
        let now = clock.now()
        if let known = verified.claims(of: token), now < known.expiresAt { return known }
        let claims: AccessClaims
        do {
            claims = try await keys.verify(token, as: AccessClaims.self)
            try claims.exp.verifyNotExpired(currentDate: now)
        } catch {
            throw IdentityError.invalidToken
        }
        guard let userID = UserID(claims.sub.value), let sessionID = SessionID(claims.sid), Role(rawValue: claims.role) != nil
        else { throw IdentityError.invalidToken }
        let result = VerifiedToken(userID: userID, sessionID: sessionID, jti: claims.jti.value, expiresAt: claims.exp.value)
        verified.remember(token, result)
        return result
    }

    /// The base64url headers jwt-kit writes for our tokens: `{"alg":"HS256","typ":"JWT"}` in either member
    /// order (its header is a dictionary, so the order varies from token to token).
    static let issuedHeaders: Set<Substring> = ["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9"]
}

/// Failures building a ``TokenIssuer``.
public enum TokenIssuerError: Error, Sendable {
    /// HMAC secrets must be at least 32 bytes.
    case secretTooShort
}

/// What a verified access token says.
struct VerifiedToken: Sendable {
    let userID: UserID
    let sessionID: SessionID
    let jti: String
    let expiresAt: Date
}

/// Tokens whose signature and claims were checked, by their exact text, so that a client's next request
/// with the same token skips the HMAC and the JSON decoding (two thirds of authenticating a GET, measured
/// under `wrk`). Only a token that passed ``TokenIssuer/verify(_:)`` is stored, a hit needs the whole
/// text to match, and its expiry is checked again on every use. Revocation is not the token's business:
/// the session check after it still runs. Memory is bounded by starting afresh at ``capacity``.
private final class VerifiedTokens: Sendable {
    static let capacity = 20_000
    private let entries = Mutex<[String: VerifiedToken]>([:])

    func claims(of token: String) -> VerifiedToken? {
        entries.withLock { $0[token] }
    }

    func remember(_ token: String, _ claims: VerifiedToken) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = claims
        }
    }
}

struct AccessClaims: JWTPayload {
    let iss: IssuerClaim
    let aud: AudienceClaim
    let sub: SubjectClaim
    let role: String
    let sid: String
    let jti: IDClaim
    let iat: IssuedAtClaim
    let exp: ExpirationClaim

    func verify(using algorithm: some JWTAlgorithm) async throws {
        guard iss.value == TokenIssuer.issuer else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "issuer") }
        try aud.verifyIntendedAudience(includes: TokenIssuer.audience)
    }
}
