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

/// The anonymous attacker with a stolen, forged or stale token (API2, broken authentication): every bad
/// kind of token is refused with 401 `invalid_token` on every route that needs one, not only on the
/// one route TokenSecurityTests forges against, and nothing changes.
@Suite struct AttackMatrixTokenTests {
    typealias Claims = TokenSecurityTests.Claims

    /// Every bad token an attacker may hold, built around a genuine session of the owner's, which stays
    /// live (the control: its own token is accepted, so each refusal is the bad token's).
    static func badTokens(_ api: API, ownerEmail: String, other: Session) async throws -> [(String, String)] {
        // A session that logged out, and one revoked by a password change made in the live session.
        let loggedOut = try await api.logIn(ownerEmail)
        #expect(try await api.call(.post, "/auth/logout", token: loggedOut.accessToken).status == .noContent)
        let revoked = try await api.logIn(ownerEmail)
        let owner = try await api.logIn(ownerEmail)
        let change = try await api.call(
            .post, "/auth/password", token: owner.accessToken,
            json: #"{"current_password":"\#(TestBank.password)","new_password":"\#(TestBank.password)"}"#)
        #expect(change.status == .noContent)
        #expect(try await api.call(.get, "/accounts", token: owner.accessToken).status == .ok)

        let key = try TokenSecurityTests.bankKey(api)
        let genuine = try Claims(of: owner.accessToken)
        let parts = owner.accessToken.split(separator: ".").map(String.init)
        let now = api.clock.now
        var expired = genuine
        expired.iat = IssuedAtClaim(value: now.addingTimeInterval(-16 * 60))
        expired.exp = ExpirationClaim(value: now.addingTimeInterval(-60))
        var wrongAudience = genuine
        wrongAudience.aud = AudienceClaim(value: ["another-api"])
        var wrongIssuer = genuine
        wrongIssuer.iss = IssuerClaim(value: "https://evil.example")
        var otherSubject = genuine
        otherSubject.sub = SubjectClaim(value: other.userID)
        let none = TokenSecurityTests.base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let payloadData = try #require(TokenSecurityTests.decodeSegment(owner.accessToken, at: 1))
        var payload = try #require(try JSONSerialization.jsonObject(with: payloadData) as? [String: Any])
        payload["role"] = "admin"
        let asAdmin = TokenSecurityTests.base64URL(try JSONSerialization.data(withJSONObject: payload))
        // The same claims re-signed with the bank's key are accepted: the refusals below are the claims'.
        #expect(try await api.call(.get, "/accounts", token: try await TokenSecurityTests.sign(genuine, key: key)).status == .ok)

        return [
            ("garbage", "not-a-token"),
            ("three garbage segments", "aaaa.bbbb.cccc"),
            ("alg none", "\(none).\(parts[1])."),
            ("signed with another key", try await TokenSecurityTests.sign(genuine, key: (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) })),
            ("expired", try await TokenSecurityTests.sign(expired, key: key)),
            ("wrong aud", try await TokenSecurityTests.sign(wrongAudience, key: key)),
            ("wrong iss", try await TokenSecurityTests.sign(wrongIssuer, key: key)),
            ("another user's sub on this session", try await TokenSecurityTests.sign(otherSubject, key: key)),
            ("role raised without re-signing", "\(parts[0]).\(asAdmin).\(parts[2])"),
            ("refresh token", owner.refreshToken),
            ("logged out", loggedOut.accessToken),
            ("revoked by a password change", revoked.accessToken),
        ]
    }

    /// The rows of the role matrix that need a token.
    static var guardedRows: [RoleMatrixTests.Row] {
        RoleMatrixTests.table.filter { row in
            if case .open = row.access { return false }
            return true
        }
    }

    @Test func everyBadTokenIsRefusedOnEveryGuardedRoute() async throws {
        try await TestBank.withApp { api in
            let fixture = try await RoleMatrixTests.makeFixture(api)
            let owner = try await api.logIn(fixture.ownerEmail)
            let other = try await api.logIn(fixture.otherEmail)
            let tokens = try await Self.badTokens(api, ownerEmail: fixture.ownerEmail, other: other)
            // The guarded rows cover members', employees' and admins' routes alike.
            #expect(Self.guardedRows.count == RoleMatrixTests.table.count - 6)
            for row in Self.guardedRows {
                let cell = RoleMatrixTests.Cell(caller: .owner, session: owner, serial: 0)
                for (kind, token) in tokens {
                    let reply = try await api.call(row.method, row.uri(fixture), token: token, json: row.body(fixture, cell))
                    expectProblem(reply, .unauthorized, "invalid_token", "\(row.key) with a \(kind) token")
                }
            }
            try await Self.expectFixtureUntouched(api, fixture)
        }
    }

    @Test func aGenuineTokenStopsWorkingEverywhereOnceItsFifteenMinutesAreOver() async throws {
        try await TestBank.withApp { api in
            let fixture = try await RoleMatrixTests.makeFixture(api)
            let owner = try await api.logIn(fixture.ownerEmail)
            api.clock.advance(by: 15 * 60 + 1)
            for row in Self.guardedRows {
                let cell = RoleMatrixTests.Cell(caller: .owner, session: owner, serial: 0)
                let reply = try await api.call(row.method, row.uri(fixture), token: owner.accessToken, json: row.body(fixture, cell))
                expectProblem(reply, .unauthorized, "invalid_token", "\(row.key) with an expired token")
            }
            try await Self.expectFixtureUntouched(api, fixture)
        }
    }

    @Test func aDisabledUsersTokensAreRefusedEverywhere() async throws {
        try await TestBank.withApp { api in
            let fixture = try await RoleMatrixTests.makeFixture(api)
            let owner = try await api.logIn(fixture.ownerEmail)
            let ownerID = owner.userID
            try await api.bank.database.write { db in
                try db.execute("UPDATE users SET status = 'disabled' WHERE id = ?", [ownerID])
            }
            for row in Self.guardedRows {
                let cell = RoleMatrixTests.Cell(caller: .owner, session: owner, serial: 0)
                let reply = try await api.call(row.method, row.uri(fixture), token: owner.accessToken, json: row.body(fixture, cell))
                expectProblem(reply, .unauthorized, "invalid_token", "\(row.key) as a disabled user")
            }
            try await api.bank.database.write { db in
                try db.execute("UPDATE users SET status = 'active' WHERE id = ?", [ownerID])
            }
            try await Self.expectFixtureUntouched(api, fixture)
        }
    }

    /// Nothing of the owner's moved, closed, was issued or was decided.
    static func expectFixtureUntouched(
        _ api: API, _ fixture: RoleMatrixTests.Fixture, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let owner = try await api.logIn(fixture.ownerEmail)
        #expect(try await api.balance(owner, fixture.account) == 7_000, sourceLocation: sourceLocation)
        #expect(try await api.balance(owner, fixture.savings) == 1_000, sourceLocation: sourceLocation)
        #expect(try await api.call(.get, "/accounts", token: owner.accessToken).list.count == 4, sourceLocation: sourceLocation)
        let closable = try await api.call(.get, "/accounts/\(fixture.closable.id)", token: owner.accessToken)
        #expect(closable.string("status") == "open", sourceLocation: sourceLocation)
        #expect(
            try await api.call(.get, "/accounts/\(fixture.cardless.id)/cards", token: owner.accessToken).list.isEmpty,
            sourceLocation: sourceLocation)
        let cards = try await api.call(.get, "/accounts/\(fixture.account.id)/cards", token: owner.accessToken).list
        #expect(cards.map { $0["status"] as? String } == ["active"], sourceLocation: sourceLocation)
        let requests = try await api.call(.get, "/service-requests", token: owner.accessToken).list
        #expect(requests.map { $0["status"] as? String } == ["pending", "pending", "pending", "pending"], sourceLocation: sourceLocation)
        let me = try await api.call(.get, "/account-holders/me", token: owner.accessToken)
        #expect(me.string("first_name") == "Ada" && me["phone"] is NSNull, sourceLocation: sourceLocation)
        try await api.expectSound(sourceLocation: sourceLocation)
    }
}
