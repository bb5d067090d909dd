import BankCore
import Foundation
import Identity
import Storage
import Testing

@Suite struct SessionTests {
    let bank: TestBank

    init() async throws { bank = try await TestBank() }

    private func authError(_ token: String) async -> String? {
        await #expect(throws: IdentityError.self) { try await bank.identity.authenticate(accessToken: token) }?.code
    }

    private func refreshError(_ token: String) async -> String? {
        await #expect(throws: IdentityError.self) { try await bank.identity.refresh(token, actor: .system) }?.code
    }

    private func readError(_ token: String) async -> String? {
        await #expect(throws: IdentityError.self) { try await bank.identity.authenticate(accessToken: token, changesState: false) }?.code
    }

    @Test func aReadAfterLogoutOrARoleChangeHereSeesItAtOnce() async throws {
        let session = try await bank.signUp()
        #expect(try await bank.identity.authenticate(accessToken: session.accessToken, changesState: false).role == .member)
        _ = try await bank.identity.setRole(email: "ada@example.com", to: .employee, actor: .system)
        #expect(try await bank.identity.authenticate(accessToken: session.accessToken, changesState: false).role == .employee)
        let principal = try await bank.identity.authenticate(accessToken: session.accessToken)
        try await bank.identity.logOut(principal, actor: .system)
        #expect(await readError(session.accessToken) == "invalid_token")
        #expect(await authError(session.accessToken) == "invalid_token")
    }

    @Test func aChangeMadeElsewhereReachesStateChangesAtOnceAndReadsWithinASecond() async throws {
        let session = try await bank.signUp()
        #expect(try await bank.identity.authenticate(accessToken: session.accessToken, changesState: false).role == .member)
        // Another process (bankctl, another server) disables the user behind this service's back.
        try await bank.database.write { db in
            try db.execute("UPDATE users SET status = 'disabled' WHERE id = ?", [session.user.id])
        }
        #expect(await authError(session.accessToken) == "invalid_token")
        #expect(try await bank.identity.authenticate(accessToken: session.accessToken, changesState: false).role == .member)
        bank.manualClock.advance(by: 1)
        #expect(await readError(session.accessToken) == "invalid_token")
    }

    @Test func refreshRotatesTheTokensWithinTheSameSession() async throws {
        let first = try await bank.signUp()
        bank.manualClock.advance(by: 60)
        let second = try await bank.identity.refresh(first.refreshToken, actor: .system)
        #expect(second.sessionID == first.sessionID)
        #expect(second.refreshToken != first.refreshToken)
        #expect(second.accessToken != first.accessToken)
        #expect(second.user.id == first.user.id)
        #expect(try await bank.identity.authenticate(accessToken: second.accessToken).sessionID == first.sessionID)
        let third = try await bank.identity.refresh(second.refreshToken, actor: .system)
        #expect(third.sessionID == first.sessionID)
    }

    @Test func reusedRefreshTokenRevokesTheWholeFamily() async throws {
        let first = try await bank.signUp()
        let other = try await bank.logIn()
        let second = try await bank.identity.refresh(first.refreshToken, actor: .system)

        #expect(await refreshError(first.refreshToken) == "refresh_token_reused")
        #expect(await refreshError(second.refreshToken) == "invalid_refresh_token")
        #expect(await authError(first.accessToken) == "invalid_token")
        #expect(await authError(second.accessToken) == "invalid_token")
        // Another session of the same user is not part of the family.
        #expect(try await bank.identity.authenticate(accessToken: other.accessToken).sessionID == other.sessionID)
        _ = try await bank.identity.refresh(other.refreshToken, actor: .system)
        #expect(try await bank.auditActions().contains("auth.refresh_token_reused"))
        #expect(try await bank.database.verifyAuditChain().valid)
    }

    @Test func unknownOrExpiredRefreshTokensAreRefused() async throws {
        let session = try await bank.signUp()
        #expect(await refreshError("not-a-token") == "invalid_refresh_token")
        #expect(await refreshError("") == "invalid_refresh_token")
        bank.manualClock.advance(by: IdentityService.refreshTokenLifetime)
        #expect(await refreshError(session.refreshToken) == "invalid_refresh_token")
    }

    @Test func refreshTokenIsValidJustBeforeItsSevenDaysEnd() async throws {
        let session = try await bank.signUp()
        bank.manualClock.advance(by: 7 * 24 * 3600 - 1)
        #expect(try await bank.identity.refresh(session.refreshToken, actor: .system).sessionID == session.sessionID)
    }

    @Test func logOutRevokesTheSessionOnly() async throws {
        let session = try await bank.signUp()
        let other = try await bank.logIn()
        let principal = try await bank.identity.authenticate(accessToken: session.accessToken)
        try await bank.identity.logOut(principal, actor: .system)
        #expect(await authError(session.accessToken) == "invalid_token")
        #expect(await refreshError(session.refreshToken) == "invalid_refresh_token")
        #expect(try await bank.identity.authenticate(accessToken: other.accessToken).sessionID == other.sessionID)
        #expect(try await bank.auditActions().last == "auth.logout")
    }

    @Test func passwordChangeRevokesOtherSessionsButNotTheCurrentOne() async throws {
        let current = try await bank.signUp()
        let other = try await bank.logIn()
        let principal = try await bank.identity.authenticate(accessToken: current.accessToken)
        let newPassword = "a much better passphrase"
        try await bank.identity.changePassword(principal, current: TestBank.password, new: newPassword, actor: .system)

        #expect(try await bank.identity.authenticate(accessToken: current.accessToken) == principal)
        _ = try await bank.identity.refresh(current.refreshToken, actor: .system)
        #expect(await authError(other.accessToken) == "invalid_token")
        #expect(await refreshError(other.refreshToken) == "invalid_refresh_token")
        let old = await #expect(throws: IdentityError.self) { try await bank.logIn() }
        #expect(old?.code == "invalid_credentials")
        #expect(try await bank.logIn(password: newPassword).user.id == current.user.id)
    }

    @Test func passwordChangeNeedsTheCurrentPasswordAndAValidNewOne() async throws {
        let session = try await bank.signUp()
        let principal = try await bank.identity.authenticate(accessToken: session.accessToken)
        let wrong = await #expect(throws: IdentityError.self) {
            try await bank.identity.changePassword(principal, current: "wrong password!", new: "a much better passphrase", actor: .system)
        }
        #expect(wrong?.code == "current_password_incorrect")
        let short = await #expect(throws: ValidationError.self) {
            try await bank.identity.changePassword(principal, current: TestBank.password, new: "too short", actor: .system)
        }
        #expect(short?.fieldErrors.map(\.field) == ["new_password"])
        _ = try await bank.logIn()
    }

    @Test func roleIsReadFromTheDatabaseNotTheToken() async throws {
        let session = try await bank.signUp()
        let promoted = try await bank.identity.setRole(email: "ADA@example.com", to: .admin, actor: .system)
        #expect(promoted.role == .admin)
        let principal = try await bank.identity.authenticate(accessToken: session.accessToken)
        #expect(principal == Principal(userID: session.user.id, role: .admin, sessionID: session.sessionID))
        let missing = await #expect(throws: IdentityError.self) {
            try await bank.identity.setRole(email: "eve@example.com", to: .admin, actor: .system)
        }
        #expect(missing?.code == "user_not_found")
        #expect(try await bank.auditActions() == ["user.signup", "user.role_changed"])
    }
}
