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

/// Login, signup and refresh are rate limited per client IP (`-` when the transport has none, as in router tests);
/// money movement per user.
@Suite struct RateLimitTests {
    @Test func loginIsLimitedToTwentyAMinuteWithRetryAfterAndRateLimitHeaders() async throws {
        try await TestBank.withApp(rateLimit: true) { api in
            _ = try await api.signUp("limited@example.com")
            // Unknown emails, so that the guesses cannot lock the real user out.
            for attempt in 1...20 {
                let reply = try await api.call(
                    .post, "/auth/login", json: #"{"email":"guess\#(attempt)@example.com","password":"guess guess guess"}"#)
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

    /// Two servers on one database (here two routers over one bank, each with its own limiter) count into
    /// the same windows: a client that alternates between them is refused after 20 logins in all. The
    /// counters are stored under hashed keys, never with the email or the address in clear.
    @Test func serversOnOneDatabaseShareOneBudgetUnderHashedKeys() async throws {
        try await TestBank.withApp(rateLimit: true) { api in
            let other = Application(router: try buildRouter(bank: api.bank, clock: api.clock.clock))
            try await other.test(.router) { (otherClient: any TestClientProtocol) async throws in
                let servers = [api.client, otherClient]
                func logIn(_ attempt: Int) async throws -> HTTPResponse.Status {
                    try await servers[attempt % 2].execute(
                        uri: "/auth/login", method: .post, headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: #"{"email":"guess\#(attempt)@example.com","password":"guess guess guess"}"#)
                    ) { $0.status }
                }
                for attempt in 1...20 { #expect(try await logIn(attempt) == .unauthorized, "attempt \(attempt)") }
                #expect(try await logIn(21) == .tooManyRequests)
                #expect(try await logIn(22) == .tooManyRequests)
            }
            let keys = try await api.bank.database.read { db in try db.values(String.self, "SELECT key FROM rate_limits") }
            #expect(keys.count == 23, "one login window for the client, one for each email it tried")
            #expect(keys.allSatisfy { $0.count == 64 && $0.allSatisfy(\.isHexDigit) }, "\(keys)")
        }
    }

    /// 120 money movements a minute per user — deposits, withdrawals, card purchases and transfers together. The
    /// 121st is refused with 429 inside its own transaction: nothing of it is written (no money, no transfer, no
    /// audit row, no idempotency record, so its key works once the window ends). Another member is not affected.
    @Test func moneyMovementIsLimitedPerUserAndARefusalWritesNothing() async throws {
        try await TestBank.withApp(rateLimit: true) { api in
            let ada = try await api.signUp("ada@example.com")
            let bob = try await api.signUp("bob@example.com")
            let checking = try await api.openAccount(ada)
            let bobs = try await api.openAccount(bob)
            for movement in 1...100 { _ = try await api.deposit(ada, checking, 100 + movement) }
            let cent = #"{"from_account_id":"\#(checking.id)","to_account_id":"\#(bobs.id)","amount_cents":1}"#
            for movement in 1...20 {
                let reply = try await api.call(.post, "/transfers", token: ada.accessToken, json: cent)
                try #require(reply.status == .created, "transfer \(movement): \(reply.text)")
            }
            func state() async throws -> [Int] {
                try await api.bank.database.read { db in
                    [try db.value(Int.self, "SELECT balance_cents FROM accounts WHERE id = ?", [checking.id])!,
                     try db.value(Int.self, "SELECT balance_cents FROM accounts WHERE id = ?", [bobs.id])!,
                     try db.value(Int.self, "SELECT COUNT(*) FROM transfers")!, try db.value(Int.self, "SELECT COUNT(*) FROM postings")!,
                     try db.value(Int.self, "SELECT COUNT(*) FROM audit_log")!, try db.value(Int.self, "SELECT COUNT(*) FROM idempotency_records")!]
                }
            }
            let before = try await state()
            #expect(Array(before[0...2]) == [100 * 100 + 5_050 - 20, 20, 20])

            let transfer = #"{"from_account_id":"\#(checking.id)","to_account_id":"\#(bobs.id)","amount_cents":500}"#
            let limited = try await api.call(.post, "/transfers", token: ada.accessToken, json: transfer, headers: [.idempotencyKey: "late"])
            expectProblem(limited, .tooManyRequests, "rate_limited")
            #expect(limited.headers[.rateLimitLimit] == "120")
            #expect(limited.headers[.retryAfter] == "60")
            expectProblem(
                try await api.call(
                    .post, "/accounts/\(checking.id)/transactions", token: ada.accessToken, json: #"{"type":"debit","amount_cents":1}"#),
                .tooManyRequests, "rate_limited")
            #expect(try await state() == before)

            _ = try await api.deposit(bob, bobs, 7)

            api.clock.advance(by: 60)
            let later = try await api.call(.post, "/transfers", token: ada.accessToken, json: transfer, headers: [.idempotencyKey: "late"])
            #expect(later.status == .created, "\(later.text)")
            #expect(later.headers[.idempotentReplayed] == nil)
            let after = try await state()
            #expect(Array(after[0...2]) == [before[0] - 500, before[1] + 7 + 500, 21])
        }
    }
}
