import BankCore
import BankRuntime
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Ledger
import Storage
import Testing

@testable import BankServer

@Suite struct AuthTests {
    @Test func signupReturnsATokenPairAndAMemberUser() async throws {
        try await TestBank.withApp { api in
            let reply = try await api.call(
                .post, "/auth/signup",
                json: #"{"email":" Ada@Example.COM ","password":"\#(TestBank.password)","first_name":"Ada","last_name":"Lovelace","phone":"+44 20 7946 0958"}"#)
            #expect(reply.status == .created)
            #expect(reply.headers[.contentType] == "application/json")
            #expect(reply.string("token_type") == "bearer")
            #expect(reply.int("expires_in") == 900)
            #expect((reply.string("access_token")?.split(separator: ".").count) == 3)
            #expect((reply.string("refresh_token")?.count ?? 0) >= 32)
            let user = try #require(reply["user"] as? [String: Any])
            #expect(user["email"] as? String == "ada@example.com")
            #expect(user["role"] as? String == "member")
            #expect(UUID(uuidString: user["id"] as? String ?? "") != nil)
            #expect(!reply.text.contains("argon2"))

            let me = try await api.call(.get, "/account-holders/me", token: reply.string("access_token"))
            #expect(me.status == .ok)
            #expect(me.string("phone") == "+44 20 7946 0958")
        }
    }

    @Test func signupWithATakenEmailInAnyCaseIsAConflict() async throws {
        try await TestBank.withApp { api in
            _ = try await api.signUp("grace@example.com")
            let reply = try await api.call(
                .post, "/auth/signup",
                json: #"{"email":"GRACE@example.com","password":"another long password","first_name":"G","last_name":"H"}"#)
            expectProblem(reply, .conflict, "email_taken")
        }
    }

    @Test func signupValidatesEveryField() async throws {
        try await TestBank.withApp { api in
            let reply = try await api.call(
                .post, "/auth/signup",
                json: #"{"email":"not-an-email","password":"short pass1","first_name":"  ","last_name":"L","phone":"call me"}"#)
            expectProblem(reply, .unprocessableContent, "validation_failed", fields: ["email", "password", "first_name", "phone"])
            let missing = try await api.call(.post, "/auth/signup", json: #"{"email":"a@example.com"}"#)
            expectProblem(missing, .unprocessableContent, "validation_failed", fields: ["password", "first_name", "last_name"])
            let tooLong = String(repeating: "p", count: 129)
            let long = try await api.call(
                .post, "/auth/signup", json: #"{"email":"a@example.com","password":"\#(tooLong)","first_name":"A","last_name":"L"}"#)
            expectProblem(long, .unprocessableContent, "validation_failed", fields: ["password"])
            #expect(try await api.bank.identity.user(email: "a@example.com") == nil)
        }
    }

    @Test func loginAnswersTheSameForAWrongPasswordAndAnUnknownEmail() async throws {
        try await TestBank.withApp { api in
            _ = try await api.signUp("alan@example.com")
            let wrong = try await api.call(.post, "/auth/login", json: #"{"email":"alan@example.com","password":"not the password at all"}"#)
            expectProblem(wrong, .unauthorized, "invalid_credentials")
            let unknown = try await api.call(.post, "/auth/login", json: #"{"email":"nobody@example.com","password":"not the password at all"}"#)
            expectProblem(unknown, .unauthorized, "invalid_credentials")
            #expect(wrong.string("detail") == unknown.string("detail"))
            #expect(wrong.string("title") == unknown.string("title"))

            let ok = try await api.call(.post, "/auth/login", json: #"{"email":"ALAN@example.com","password":"\#(TestBank.password)"}"#)
            #expect(ok.status == .ok)
            #expect(ok.string("token_type") == "bearer")
            #expect((ok["user"] as? [String: Any])?["role"] as? String == "member")
        }
    }

    @Test func fiveFailedLoginsLockTheUserForFifteenMinutesThenDoubling() async throws {
        try await TestBank.withApp { api in
            _ = try await api.signUp("lock@example.com")
            let start = api.clock.now
            for attempt in 1...5 {
                let reply = try await api.call(.post, "/auth/login", json: #"{"email":"lock@example.com","password":"wrong password \#(attempt)"}"#)
                expectProblem(reply, .unauthorized, "invalid_credentials", "attempt \(attempt)")
            }
            let locked = try await api.call(.post, "/auth/login", json: #"{"email":"lock@example.com","password":"\#(TestBank.password)"}"#)
            expectProblem(locked, HTTPResponse.Status(code: 423), "account_locked")
            #expect(locked.string("locked_until") == start.addingTimeInterval(15 * 60).rfc3339)

            api.clock.advance(by: 15 * 60 - 1)
            let stillLocked = try await api.call(.post, "/auth/login", json: #"{"email":"lock@example.com","password":"\#(TestBank.password)"}"#)
            expectProblem(stillLocked, HTTPResponse.Status(code: 423), "account_locked")

            api.clock.advance(by: 1)
            _ = try await api.logIn("lock@example.com")

            // A success resets the counts, so the next lock is 15 minutes again; a lock right after a lock doubles.
            for attempt in 1...5 {
                let reply = try await api.call(.post, "/auth/login", json: #"{"email":"lock@example.com","password":"wrong again \#(attempt)"}"#)
                expectProblem(reply, .unauthorized, "invalid_credentials")
            }
            let relocked = try await api.call(.post, "/auth/login", json: #"{"email":"lock@example.com","password":"\#(TestBank.password)"}"#)
            expectProblem(relocked, HTTPResponse.Status(code: 423), "account_locked")
            #expect(relocked.string("locked_until") == api.clock.now.addingTimeInterval(15 * 60).rfc3339)
            api.clock.advance(by: 15 * 60)
            for attempt in 1...5 {
                let reply = try await api.call(.post, "/auth/login", json: #"{"email":"lock@example.com","password":"and again \#(attempt)"}"#)
                expectProblem(reply, .unauthorized, "invalid_credentials")
            }
            let doubled = try await api.call(.post, "/auth/login", json: #"{"email":"lock@example.com","password":"\#(TestBank.password)"}"#)
            expectProblem(doubled, HTTPResponse.Status(code: 423), "account_locked")
            #expect(doubled.string("locked_until") == api.clock.now.addingTimeInterval(30 * 60).rfc3339)
            try await api.expectSound()
        }
    }

    @Test func refreshRotatesAndAReusedTokenRevokesItsWholeFamily() async throws {
        try await TestBank.withApp { api in
            let first = try await api.signUp("rot@example.com")
            let other = try await api.logIn("rot@example.com")

            let rotated = try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(first.refreshToken)"}"#)
            #expect(rotated.status == .ok)
            let second = try API.session(rotated)
            #expect(second.refreshToken != first.refreshToken)
            #expect(second.userID == first.userID)
            #expect(try await api.call(.get, "/account-holders/me", token: second.accessToken).status == .ok)

            let reused = try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(first.refreshToken)"}"#)
            expectProblem(reused, .unauthorized, "refresh_token_reused")
            let familyRefresh = try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(second.refreshToken)"}"#)
            expectProblem(familyRefresh, .unauthorized, "invalid_refresh_token")
            expectProblem(try await api.call(.get, "/account-holders/me", token: second.accessToken), .unauthorized, "invalid_token")
            expectProblem(try await api.call(.get, "/account-holders/me", token: first.accessToken), .unauthorized, "invalid_token")

            // Another session of the same user is a different family and keeps working.
            #expect(try await api.call(.get, "/account-holders/me", token: other.accessToken).status == .ok)
            #expect(try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(other.refreshToken)"}"#).status == .ok)

            let garbage = try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"not-a-token-we-issued"}"#)
            expectProblem(garbage, .unauthorized, "invalid_refresh_token")
        }
    }

    @Test func refreshTokensExpireAfterSevenDays() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("week@example.com")
            api.clock.advance(by: 7 * 24 * 3600 + 1)
            let reply = try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(session.refreshToken)"}"#)
            expectProblem(reply, .unauthorized, "invalid_refresh_token")
        }
    }

    @Test func logoutRevokesTheSessionAndOnlyThatSession() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("bye@example.com")
            let other = try await api.logIn("bye@example.com")
            let reply = try await api.call(.post, "/auth/logout", token: session.accessToken)
            #expect(reply.status == .noContent)
            #expect(reply.body.readableBytes == 0)
            expectProblem(try await api.call(.get, "/accounts", token: session.accessToken), .unauthorized, "invalid_token")
            expectProblem(
                try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(session.refreshToken)"}"#), .unauthorized,
                "invalid_refresh_token")
            expectProblem(try await api.call(.post, "/auth/logout", token: session.accessToken), .unauthorized, "invalid_token")
            expectProblem(try await api.call(.post, "/auth/logout"), .unauthorized, "invalid_token")
            #expect(try await api.call(.get, "/accounts", token: other.accessToken).status == .ok)
        }
    }

    @Test func passwordChangeRevokesOtherSessionsAndKeepsTheCurrentOne() async throws {
        try await TestBank.withApp { api in
            let current = try await api.signUp("pw@example.com")
            let other = try await api.logIn("pw@example.com")
            let newPassword = "a brand new passphrase"

            let wrong = try await api.call(
                .post, "/auth/password", token: current.accessToken,
                json: #"{"current_password":"not my password!","new_password":"\#(newPassword)"}"#)
            expectProblem(wrong, .unprocessableContent, "current_password_incorrect")
            let short = try await api.call(
                .post, "/auth/password", token: current.accessToken, json: #"{"current_password":"\#(TestBank.password)","new_password":"short"}"#)
            expectProblem(short, .unprocessableContent, "validation_failed", fields: ["new_password"])
            #expect(try await api.call(.get, "/accounts", token: other.accessToken).status == .ok)

            let changed = try await api.call(
                .post, "/auth/password", token: current.accessToken,
                json: #"{"current_password":"\#(TestBank.password)","new_password":"\#(newPassword)"}"#)
            #expect(changed.status == .noContent)

            expectProblem(try await api.call(.get, "/accounts", token: other.accessToken), .unauthorized, "invalid_token")
            expectProblem(
                try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(other.refreshToken)"}"#), .unauthorized,
                "invalid_refresh_token")
            #expect(try await api.call(.get, "/accounts", token: current.accessToken).status == .ok)
            #expect(try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(current.refreshToken)"}"#).status == .ok)

            let old = try await api.call(.post, "/auth/login", json: #"{"email":"pw@example.com","password":"\#(TestBank.password)"}"#)
            expectProblem(old, .unauthorized, "invalid_credentials")
            _ = try await api.logIn("pw@example.com", password: newPassword)
            try await api.expectSound()
        }
    }
}
