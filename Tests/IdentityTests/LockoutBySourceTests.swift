import BankCore
import Foundation
import Identity
import Storage
import Testing

/// The lockout cannot be turned into a permanent denial of service: once a source's failures have
/// locked a user, its further failures lock only itself out, and the victim logs in from elsewhere.
@Suite struct LockoutBySourceTests {
    let bank: TestBank
    let wrong = "not the right password"
    static let attacker = "203.0.113.9"
    static let victim = "198.51.100.7"

    init() async throws { bank = try await TestBank() }

    private func logIn(from ip: String?, password: String = TestBank.password) async throws -> AuthSession {
        try await bank.identity.logIn(email: "ada@example.com", password: password, actor: Actor(principal: nil, ip: ip))
    }

    private func loginError(from ip: String?, password: String) async -> IdentityError? {
        await #expect(throws: IdentityError.self) { try await logIn(from: ip, password: password) }
    }

    /// `count` wrong passwords from `ip`, each answered `invalid_credentials`.
    private func fail(_ count: Int, from ip: String?, sourceLocation: SourceLocation = #_sourceLocation) async {
        for attempt in 1...count {
            let error = await loginError(from: ip, password: wrong)
            #expect(error?.code == "invalid_credentials", "attempt \(attempt) from \(ip ?? "-")", sourceLocation: sourceLocation)
        }
    }

    private func expectLocked(from ip: String?, until: Date, sourceLocation: SourceLocation = #_sourceLocation) async {
        let error = await loginError(from: ip, password: TestBank.password)
        #expect(error?.code == "account_locked", sourceLocation: sourceLocation)
        #expect(error?.lockedUntil == until, sourceLocation: sourceLocation)
    }

    @Test func theVictimLogsInAfterEachLockExpiresWhileTheAttackerKeepsFailing() async throws {
        let user = try await bank.signUp()
        await fail(5, from: Self.attacker)
        // The first lock is the user's: everyone gets 423 with the same end, the victim included.
        let firstEnd = TestBank.start.addingTimeInterval(15 * 60)
        await expectLocked(from: Self.victim, until: firstEnd)
        await expectLocked(from: Self.attacker, until: firstEnd)
        #expect(try await bank.identity.user(user.user.id).lockedUntil == firstEnd)

        // The attacker keeps failing every time a lock ends: each round locks only the attacker, for twice as long.
        var lockLength: TimeInterval = 15 * 60
        for round in 1...4 {
            bank.manualClock.advance(by: lockLength)
            await fail(5, from: Self.attacker)
            lockLength *= 2
            await expectLocked(from: Self.attacker, until: bank.manualClock.now.addingTimeInterval(lockLength))
            let session = try await logIn(from: Self.victim)
            #expect(session.user.id == user.user.id, "round \(round)")
            #expect(try await bank.identity.user(user.user.id).lockedUntil == nil, "round \(round)")
        }
        // Wrong passwords while the attacker is locked out do not extend its lock.
        let attackerEnd = bank.manualClock.now.addingTimeInterval(lockLength)
        for _ in 1...3 { #expect(await loginError(from: Self.attacker, password: wrong)?.code == "account_locked") }
        await expectLocked(from: Self.attacker, until: attackerEnd)

        let actions = try await bank.auditActions()
        #expect(actions.filter { $0 == "auth.locked" }.count == 5)
        #expect(actions.filter { $0 == "auth.login_succeeded" }.count == 4)
        #expect(try await bank.database.verifyAuditChain().valid)
    }

    @Test func theVictimsOwnFailuresStillLockTheUserForEveryone() async throws {
        _ = try await bank.signUp()
        await fail(5, from: Self.attacker)
        bank.manualClock.advance(by: 15 * 60)
        _ = try await logIn(from: Self.victim)
        // The attacker's failures no longer count towards the user's lock, so the victim's streak starts at zero.
        await fail(3, from: Self.attacker)
        await fail(4, from: Self.victim)
        _ = try await logIn(from: Self.victim)
        await fail(5, from: Self.victim)
        let end = bank.manualClock.now.addingTimeInterval(15 * 60)
        await expectLocked(from: Self.victim, until: end)
        await expectLocked(from: Self.attacker, until: end)
        await expectLocked(from: "192.0.2.44", until: end)
    }

    @Test func failuresFromSeveralFreshSourcesAddUpToALock() async throws {
        _ = try await bank.signUp()
        for host in 1...5 { await fail(1, from: "192.0.2.\(host)") }
        let end = TestBank.start.addingTimeInterval(15 * 60)
        await expectLocked(from: Self.victim, until: end)
        // Each of the five caused that lock: after it, their failures lock only themselves.
        bank.manualClock.advance(by: 15 * 60)
        for host in 1...5 { await fail(5, from: "192.0.2.\(host)") }
        _ = try await logIn(from: Self.victim)
        await expectLocked(from: "192.0.2.3", until: bank.manualClock.now.addingTimeInterval(30 * 60))
    }

    @Test func anIPv6AttackerCannotEscapeItsLockByMovingWithinItsSlash64() async throws {
        _ = try await bank.signUp()
        await fail(5, from: "2001:db8:1:2::1")
        bank.manualClock.advance(by: 15 * 60)
        await fail(2, from: "2001:db8:1:2::1")
        await fail(2, from: "2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd")
        await fail(1, from: "2001:db8:1:2:ffff::9")
        let end = bank.manualClock.now.addingTimeInterval(30 * 60)
        await expectLocked(from: "2001:db8:1:2::42", until: end)
        // Another /64, and an IPv4-mapped address of the victim, are other sources.
        _ = try await logIn(from: "2001:db8:1:3::1")
        _ = try await logIn(from: "::ffff:\(Self.victim)")
    }

    @Test func anUnlockEndsTheAttackersLockTooButKeepsItFromLockingTheUserAgain() async throws {
        let user = try await bank.signUp()
        await fail(5, from: Self.attacker)
        bank.manualClock.advance(by: 15 * 60)
        await fail(5, from: Self.attacker)
        await expectLocked(from: Self.attacker, until: bank.manualClock.now.addingTimeInterval(30 * 60))

        let unlocked = try await bank.identity.unlock(user.user.id, actor: .system)
        #expect(unlocked.lockedUntil == nil)
        // The attacker's lock is over, and its next failures still lock only itself, for the next doubling.
        await fail(5, from: Self.attacker)
        await expectLocked(from: Self.attacker, until: bank.manualClock.now.addingTimeInterval(60 * 60))
        _ = try await logIn(from: Self.victim)
        #expect(try await bank.database.verifyAuditChain().valid)
    }

    @Test func aSuccessFromTheOffendingSourceClearsIt() async throws {
        _ = try await bank.signUp()
        await fail(5, from: Self.attacker)
        bank.manualClock.advance(by: 15 * 60)
        // The "attacker" was the user, who remembered the password: that source is forgiven, and counts towards the user's lock again.
        _ = try await logIn(from: Self.attacker)
        await fail(5, from: Self.attacker)
        await expectLocked(from: Self.victim, until: bank.manualClock.now.addingTimeInterval(15 * 60))
    }
}
