import BankCore
import Foundation
import Identity
import Testing

@Suite struct TokenTests {
    let bank: TestBank
    let session: AuthSession

    init() async throws {
        bank = try await TestBank()
        session = try await bank.signUp()
    }

    private func authError(_ token: String) async -> String? {
        await #expect(throws: IdentityError.self) { try await bank.identity.authenticate(accessToken: token) }?.code
    }

    private func header(_ json: String) -> String { JWTParts.encode(Data(json.utf8)) }

    @Test func issuedTokenIsAnHS256JWTWithTheExpectedClaims() throws {
        let parts = JWTParts.split(session.accessToken)
        #expect(parts.count == 3)
        let headerData = try #require(JWTParts.decode(parts[0]))
        let payloadData = try #require(JWTParts.decode(parts[1]))
        let header = try JSONSerialization.jsonObject(with: headerData) as? [String: Any]
        #expect(header?["alg"] as? String == "HS256")
        let payload = try #require(try JSONSerialization.jsonObject(with: payloadData) as? [String: Any])
        #expect(payload["iss"] as? String == "bankkit")
        #expect(payload["sub"] as? String == session.user.id.description)
        #expect(payload["sid"] as? String == session.sessionID.description)
        #expect(payload["role"] as? String == "member")
        #expect((payload["exp"] as? NSNumber)?.doubleValue == TestBank.start.timeIntervalSince1970 + 900)
    }

    @Test func tokenWithAlgNoneIsRefused() async {
        let parts = JWTParts.split(session.accessToken)
        #expect(await authError(header(#"{"alg":"none","typ":"JWT"}"#) + "." + parts[1] + ".") == "invalid_token")
        #expect(await authError(header(#"{"alg":"none","typ":"JWT"}"#) + "." + parts[1] + "." + parts[2]) == "invalid_token")
        #expect(await authError(header(#"{"alg":"HS512","typ":"JWT"}"#) + "." + parts[1] + "." + parts[2]) == "invalid_token")
    }

    @Test func tokenSignedWithAnotherSecretIsRefused() async throws {
        // A second service over the same database: the session and user exist, only the key differs.
        let forger = try await TestBank.service(database: bank.database, secret: [UInt8](repeating: 0x43, count: 32), clock: bank.manualClock)
        let forged = try await forger.logIn(email: "ada@example.com", password: TestBank.password, actor: .system)
        #expect(try await forger.authenticate(accessToken: forged.accessToken).sessionID == forged.sessionID)
        #expect(await authError(forged.accessToken) == "invalid_token")
    }

    @Test func tokenWithATamperedPayloadIsRefused() async throws {
        let parts = JWTParts.split(session.accessToken)
        let payload = String(decoding: try #require(JWTParts.decode(parts[1])), as: UTF8.self)
        let tampered = payload.replacingOccurrences(of: #""role":"member""#, with: #""role":"admin""#)
        #expect(tampered != payload)
        #expect(await authError(parts[0] + "." + JWTParts.encode(Data(tampered.utf8)) + "." + parts[2]) == "invalid_token")
        #expect(await authError(parts[0] + "." + parts[1] + "." + String(parts[2].reversed())) == "invalid_token")
        #expect(await authError(parts[0] + "." + parts[1] + ".") == "invalid_token")
    }

    @Test func tokenExpiresAfter15Minutes() async throws {
        bank.manualClock.advance(by: 14 * 60)
        #expect(try await bank.identity.authenticate(accessToken: session.accessToken).userID == session.user.id)
        bank.manualClock.advance(by: 2 * 60)
        #expect(await authError(session.accessToken) == "invalid_token")
    }

    /// A verified token is remembered by its exact text, so that the next request skips the HMAC: that must
    /// let no variant of the text through, and must not outlive the session (nor the expiry, tested above).
    @Test func aRememberedTokenLetsNoVariantThroughAndDiesWithItsSession() async throws {
        let principal = try await bank.identity.authenticate(accessToken: session.accessToken)
        #expect(principal.sessionID == session.sessionID)
        let parts = JWTParts.split(session.accessToken)
        #expect(await authError(parts[0] + "." + parts[1] + "." + String(parts[2].dropLast())) == "invalid_token")
        #expect(await authError(session.accessToken + "A") == "invalid_token")
        #expect(await authError(" " + session.accessToken) == "invalid_token")
        #expect(try await bank.identity.authenticate(accessToken: session.accessToken, changesState: false).userID == session.user.id)
        try await bank.identity.logOut(principal, actor: .system)
        #expect(await authError(session.accessToken) == "invalid_token")
        await #expect(throws: IdentityError.self) { try await bank.identity.authenticate(accessToken: session.accessToken, changesState: false) }
    }

    @Test(arguments: ["", "garbage", "a.b.c", "...", "eyJhbGciOiJIUzI1NiJ9", "Bearer x.y.z"])
    func garbageIsRefused(token: String) async {
        #expect(await authError(token) == "invalid_token")
    }

    @Test func refreshTokenIsNotAnAccessToken() async {
        #expect(await authError(session.refreshToken) == "invalid_token")
    }

    @Test func loggedOutSessionsTokenIsRefusedDespiteAValidSignature() async throws {
        // A valid signature is not enough: the session must exist and belong to the token's user.
        let other = try await bank.signUp("bob@example.com", first: "Bob", last: "Builder")
        #expect(try await bank.identity.authenticate(accessToken: other.accessToken).userID == other.user.id)
        let principal = try await bank.identity.authenticate(accessToken: other.accessToken)
        try await bank.identity.logOut(principal, actor: .system)
        #expect(await authError(other.accessToken) == "invalid_token")
        #expect(try await bank.identity.authenticate(accessToken: session.accessToken).userID == session.user.id)
    }

    @Test func secretsShorterThan32BytesAreRefused() async throws {
        await #expect(throws: TokenIssuerError.self) { try await TokenIssuer(secret: [UInt8](repeating: 1, count: 31)) }
        _ = try await TokenIssuer(secret: [UInt8](repeating: 1, count: 32))
    }
}
