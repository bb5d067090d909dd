import BankCore
import Foundation
import Identity
import Storage
import Testing

@Suite struct LoginTests {
    let bank: TestBank
    let wrong = "not the right password"

    init() async throws { bank = try await TestBank() }

    private func loginError(_ email: String = "ada@example.com", password: String) async -> IdentityError? {
        await #expect(throws: IdentityError.self) { try await bank.logIn(email, password: password) }
    }

    private func failLogins(_ count: Int) async {
        for _ in 0..<count { #expect(await loginError(password: wrong)?.code == "invalid_credentials") }
    }

    @Test func rightPasswordStartsANewSession() async throws {
        let signedUp = try await bank.signUp()
        let session = try await bank.logIn("ADA@example.com ")
        #expect(session.user.id == signedUp.user.id)
        #expect(session.sessionID != signedUp.sessionID)
        #expect(try await bank.identity.authenticate(accessToken: session.accessToken).sessionID == session.sessionID)
        #expect(try await bank.identity.authenticate(accessToken: signedUp.accessToken).sessionID == signedUp.sessionID)
        #expect(try await bank.auditActions() == ["user.signup", "auth.login_succeeded"])
    }

    @Test func wrongPasswordAndUnknownEmailGetTheSameAnswer() async throws {
        _ = try await bank.signUp()
        let wrongPassword = await loginError(password: wrong)
        let unknownEmail = await loginError("eve@example.com", password: TestBank.password)
        #expect(wrongPassword?.code == "invalid_credentials")
        #expect(unknownEmail?.code == "invalid_credentials")
        #expect(wrongPassword == unknownEmail)
        #expect(wrongPassword?.kind == .unauthenticated)
        #expect(try await bank.auditActions() == ["user.signup", "auth.login_failed", "auth.login_failed"])
    }

    @Test func fiveWrongPasswordsLockTheUserFor15Minutes() async throws {
        _ = try await bank.signUp()
        await failLogins(5)
        let locked = await loginError(password: TestBank.password)
        #expect(locked?.code == "account_locked")
        #expect(locked?.kind == .locked)
        #expect(locked?.lockedUntil == TestBank.start.addingTimeInterval(15 * 60))
        #expect(locked?.extensions["locked_until"] == .string("2026-11-18T11:21:40Z"))
        #expect(try await bank.identity.user(email: "ada@example.com")?.lockedUntil == TestBank.start.addingTimeInterval(15 * 60))
        let actions = try await bank.auditActions()
        #expect(actions.filter { $0 == "auth.login_failed" }.count == 5)
        #expect(actions.last == "auth.locked")
    }

    @Test func lockExpiresAfter15Minutes() async throws {
        _ = try await bank.signUp()
        await failLogins(5)
        bank.manualClock.advance(by: 15 * 60 - 1)
        #expect(await loginError(password: TestBank.password)?.code == "account_locked")
        bank.manualClock.advance(by: 1)
        #expect(try await bank.logIn().user.email == "ada@example.com")
    }

    @Test func secondLockInARowLasts30Minutes() async throws {
        _ = try await bank.signUp()
        await failLogins(5)
        bank.manualClock.advance(by: 15 * 60)
        await failLogins(5)
        let locked = await loginError(password: TestBank.password)
        #expect(locked?.code == "account_locked")
        #expect(locked?.lockedUntil == bank.manualClock.now.addingTimeInterval(30 * 60))
        bank.manualClock.advance(by: 30 * 60 - 1)
        #expect(await loginError(password: TestBank.password)?.code == "account_locked")
        bank.manualClock.advance(by: 1)
        _ = try await bank.logIn()
    }

    @Test func successResetsTheFailureAndLockCounts() async throws {
        _ = try await bank.signUp()
        await failLogins(4)
        _ = try await bank.logIn()
        await failLogins(4)
        _ = try await bank.logIn()

        // After a lock and a success, the next lock is back to 15 minutes.
        await failLogins(5)
        bank.manualClock.advance(by: 15 * 60)
        _ = try await bank.logIn()
        await failLogins(5)
        #expect(await loginError(password: TestBank.password)?.lockedUntil == bank.manualClock.now.addingTimeInterval(15 * 60))
    }

    @Test func wrongPasswordsWhileLockedDoNotExtendTheLock() async throws {
        _ = try await bank.signUp()
        await failLogins(5)
        for _ in 0..<5 { #expect(await loginError(password: wrong)?.code == "account_locked") }
        #expect(await loginError(password: TestBank.password)?.lockedUntil == TestBank.start.addingTimeInterval(15 * 60))
    }

    @Test func unlockEndsALockoutEarly() async throws {
        let session = try await bank.signUp()
        await failLogins(5)
        let unlocked = try await bank.identity.unlock(session.user.id, actor: .system)
        #expect(unlocked.lockedUntil == nil)
        _ = try await bank.logIn()
        let missing = await #expect(throws: IdentityError.self) { try await bank.identity.unlock(UserID(UUID()), actor: .system) }
        #expect(missing?.code == "user_not_found")
        #expect(try await bank.database.verifyAuditChain().valid)
    }

    @Test func disabledUserCannotLogInAndTheirTokensStopWorking() async throws {
        let session = try await bank.signUp()
        try await bank.database.write { db in
            try db.execute("UPDATE users SET status = 'disabled' WHERE id = ?", [session.user.id])
        }
        #expect(await loginError(password: TestBank.password)?.code == "user_disabled")
        let error = await #expect(throws: IdentityError.self) { try await bank.identity.authenticate(accessToken: session.accessToken) }
        #expect(error?.code == "invalid_token")
        let refresh = await #expect(throws: IdentityError.self) { try await bank.identity.refresh(session.refreshToken, actor: .system) }
        #expect(refresh?.code == "invalid_refresh_token")
    }
}
