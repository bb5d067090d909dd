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

/// Login, signup and refresh are rate limited per client IP (`-` when the transport has none, as in router tests).
@Suite struct RateLimitTests {
    @Test func loginIsLimitedToTwentyAMinuteWithRetryAfterAndRateLimitHeaders() async throws {
        try await TestBank.withApp(rateLimit: true) { api in
            _ = try await api.signUp("limited@example.com")
            // Unknown emails, so that the guesses cannot lock the real user out.
            for attempt in 1...20 {
                let reply = try await api.call(.post, "/auth/login", json: #"{"email":"guess\#(attempt)@example.com","password":"guess guess guess"}"#)
                expectProblem(reply, .unauthorized, "invalid_credentials", "attempt \(attempt)")
            }
            let limited = try await api.call(.post, "/auth/login", json: #"{"email":"limited@example.com","password":"\#(TestBank.password)"}"#)
            expectProblem(limited, .tooManyRequests, "rate_limited")
            #expect(limited.headers[.retryAfter] == "60")
            #expect(limited.headers[.rateLimitLimit] == "20")
            #expect(limited.headers[.rateLimitRemaining] == "0")
            #expect(limited.headers[.rateLimitReset] == "60")
            HeadersTests.expectSecurityHeaders(limited, "429")

            api.clock.advance(by: 30)
            let later = try await api.call(.post, "/auth/login", json: #"{"email":"limited@example.com","password":"\#(TestBank.password)"}"#)
            expectProblem(later, .tooManyRequests, "rate_limited")
            #expect(later.headers[.retryAfter] == "30")

            api.clock.advance(by: 30)
            _ = try await api.logIn("limited@example.com")
        }
    }

    @Test func signupAndRefreshAreLimitedToo() async throws {
        try await TestBank.withApp(rateLimit: true) { api in
            var sessions: [Session] = []
            for index in 1...20 { sessions.append(try await api.signUp("member\(index)@example.com")) }
            let refused = try await api.call(
                .post, "/auth/signup",
                json: #"{"email":"one-more@example.com","password":"\#(TestBank.password)","first_name":"O","last_name":"M"}"#)
            expectProblem(refused, .tooManyRequests, "rate_limited")
            #expect(refused.headers[.retryAfter] == "600")
            #expect(refused.headers[.rateLimitLimit] == "20")
            #expect(try await api.bank.identity.user(email: "one-more@example.com") == nil)

            var refresh = try #require(sessions.first).refreshToken
            for _ in 1...60 {
                let reply = try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(refresh)"}"#)
                try #require(reply.status == .ok, "\(reply.text)")
                refresh = try API.session(reply).refreshToken
            }
            let limited = try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(refresh)"}"#)
            expectProblem(limited, .tooManyRequests, "rate_limited")
            #expect(limited.headers[.rateLimitLimit] == "60")
            api.clock.advance(by: 60)
            // The refused request did not spend the token.
            #expect(try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(refresh)"}"#).status == .ok)
        }
    }
}
