import BankCore
import BankRuntime
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import JWTKit
import Ledger
import Storage
import Testing

@testable import BankServer

/// Access tokens: only unexpired HS256 tokens signed with the bank's key, for a live session, get through.
@Suite struct TokenSecurityTests {
    /// The claims our server writes, so that tests can sign their own variants.
    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var aud: AudienceClaim
        var sub: SubjectClaim
        var role: String
        var sid: String
        var jti: IDClaim
        var iat: IssuedAtClaim
        var exp: ExpirationClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {}

        /// The claims of a token the server issued.
        init(of token: String) throws {
            let payload = try #require(TokenSecurityTests.decodeSegment(token, at: 1))
            let object = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
            iss = IssuerClaim(value: try #require(object["iss"] as? String))
            if let audience = object["aud"] as? [String] {
                aud = AudienceClaim(value: audience)
            } else {
                aud = AudienceClaim(value: [try #require(object["aud"] as? String)])
            }
            sub = SubjectClaim(value: try #require(object["sub"] as? String))
            role = try #require(object["role"] as? String)
            sid = try #require(object["sid"] as? String)
            jti = IDClaim(value: try #require(object["jti"] as? String))
            iat = IssuedAtClaim(value: Date(timeIntervalSince1970: try #require(object["iat"] as? Double)))
            exp = ExpirationClaim(value: Date(timeIntervalSince1970: try #require(object["exp"] as? Double)))
        }
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeSegment(_ token: String, at index: Int) -> Data? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var base64 = parts[index].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64)
    }

    static func sign(_ claims: Claims, key: [UInt8]) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: key), digestAlgorithm: .sha256)
        return try await keys.sign(claims)
    }

    /// The bank's own signing key, as generated under `<data.dir>/secrets`.
    static func bankKey(_ api: API) throws -> [UInt8] {
        let text = try String(contentsOfFile: api.env.directory + "/secrets/jwt_key.b64", encoding: .utf8)
        return Array(try #require(Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))))
    }

    @Test func missingOrMalformedAuthorizationIsRefused() async throws {
        try await TestBank.withApp { api in
            expectProblem(try await api.call(.get, "/accounts"), .unauthorized, "invalid_token", "no header")
            for header in ["Basic YWRhOnBhc3N3b3Jk", "Bearer", "Bearer ", "Bearer garbage", "Bearer a.b.c", "Token abc.def.ghi"] {
                let reply = try await api.call(.get, "/accounts", headers: [.authorization: header])
                expectProblem(reply, .unauthorized, "invalid_token", header)
            }
        }
    }

    @Test func anAlgNoneTokenIsRefused() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("none@example.com")
            let parts = session.accessToken.split(separator: ".")
            for alg in ["none", "None", "NONE"] {
                let header = Self.base64URL(Data(#"{"alg":"\#(alg)","typ":"JWT"}"#.utf8))
                for token in ["\(header).\(parts[1]).", "\(header).\(parts[1]).\(parts[2])"] {
                    expectProblem(try await api.call(.get, "/accounts", token: token), .unauthorized, "invalid_token", token)
                }
            }
            #expect(try await api.call(.get, "/accounts", token: session.accessToken).status == .ok)
        }
    }

    @Test func aTokenSignedWithAnotherKeyIsRefusedWhileTheBankKeyIsAccepted() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("key@example.com")
            let claims = try Claims(of: session.accessToken)
            let foreign = try await Self.sign(claims, key: (0..<32).map { _ in UInt8.random(in: 0...255) })
            expectProblem(try await api.call(.get, "/accounts", token: foreign), .unauthorized, "invalid_token")

            // The control: the very same claims signed with the bank's key are accepted, so the refusal was the key's.
            let genuine = try await Self.sign(claims, key: try Self.bankKey(api))
            #expect(try await api.call(.get, "/accounts", token: genuine).status == .ok)

            // The algorithm is pinned: the genuine token under any other header algorithm is refused.
            let parts = genuine.split(separator: ".")
            for alg in ["HS384", "HS512", "RS256", "ES256", "hs256"] {
                let header = Self.base64URL(Data(#"{"alg":"\#(alg)","typ":"JWT"}"#.utf8))
                expectProblem(try await api.call(.get, "/accounts", token: "\(header).\(parts[1]).\(parts[2])"), .unauthorized, "invalid_token", alg)
            }
        }
    }

    @Test func wrongIssuerOrAudienceIsRefusedEvenWithTheBankKey() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("claims@example.com")
            let key = try Self.bankKey(api)
            var wrongIssuer = try Claims(of: session.accessToken)
            wrongIssuer.iss = IssuerClaim(value: "someone-else")
            expectProblem(try await api.call(.get, "/accounts", token: try await Self.sign(wrongIssuer, key: key)), .unauthorized, "invalid_token")
            var wrongAudience = try Claims(of: session.accessToken)
            wrongAudience.aud = AudienceClaim(value: ["another-api"])
            expectProblem(try await api.call(.get, "/accounts", token: try await Self.sign(wrongAudience, key: key)), .unauthorized, "invalid_token")
            var unknownSession = try Claims(of: session.accessToken)
            unknownSession.sid = UUID().uuidString.lowercased()
            expectProblem(
                try await api.call(.get, "/accounts", token: try await Self.sign(unknownSession, key: key)), .unauthorized, "invalid_token")
        }
    }

    @Test func aTamperedPayloadIsRefused() async throws {
        try await TestBank.withApp { api in
            let mallory = try await api.signUp("mallory@example.com")
            let victim = try await api.signUp("victim@example.com")
            let parts = mallory.accessToken.split(separator: ".").map(String.init)
            let payload = try #require(Self.decodeSegment(mallory.accessToken, at: 1))
            var object = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
            object["sub"] = victim.userID
            let asVictim = Self.base64URL(try JSONSerialization.data(withJSONObject: object))
            expectProblem(try await api.call(.get, "/accounts", token: "\(parts[0]).\(asVictim).\(parts[2])"), .unauthorized, "invalid_token")
            object["sub"] = mallory.userID
            object["role"] = "admin"
            let asAdmin = Self.base64URL(try JSONSerialization.data(withJSONObject: object))
            expectProblem(try await api.call(.get, "/accounts", token: "\(parts[0]).\(asAdmin).\(parts[2])"), .unauthorized, "invalid_token")
            var signature = Array(parts[2])
            signature[signature.count / 2] = signature[signature.count / 2] == "A" ? "B" : "A"
            let flipped = "\(parts[0]).\(parts[1]).\(String(signature))"
            expectProblem(try await api.call(.get, "/accounts", token: flipped), .unauthorized, "invalid_token")
        }
    }

    @Test func anAccessTokenExpiresAfterFifteenMinutesAndRefreshGetsANewOne() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("exp@example.com")
            api.clock.advance(by: 14 * 60)
            #expect(try await api.call(.get, "/accounts", token: session.accessToken).status == .ok)
            api.clock.advance(by: 2 * 60)
            expectProblem(try await api.call(.get, "/accounts", token: session.accessToken), .unauthorized, "invalid_token")
            let refreshed = try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(session.refreshToken)"}"#)
            #expect(refreshed.status == .ok)
            let renewed = try API.session(refreshed)
            #expect(try await api.call(.get, "/accounts", token: renewed.accessToken).status == .ok)
        }
    }

    @Test func refreshAndAccessTokensAreNotInterchangeable() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("swap@example.com")
            expectProblem(try await api.call(.get, "/accounts", token: session.refreshToken), .unauthorized, "invalid_token")
            let reply = try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(session.accessToken)"}"#)
            expectProblem(reply, .unauthorized, "invalid_refresh_token")
            // Neither attempt spent the refresh token.
            #expect(try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(session.refreshToken)"}"#).status == .ok)
        }
    }
}
