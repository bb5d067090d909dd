import BankCore
import BankRuntime
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Ledger
import Logging
import Storage
import Testing

@testable import BankServer

/// Every response, success or problem, carries a request id and the security headers of API.md.
@Suite struct HeadersTests {
    // Spelled out: both HTTPTypes and BankServer declare these names.
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let strictTransportSecurity = HTTPField.Name("Strict-Transport-Security")!

    static func expectSecurityHeaders(_ reply: Reply, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.headers[.requestID]?.isEmpty == false, "\(label)", sourceLocation: sourceLocation)
        let policy = reply.headers[.contentSecurityPolicy] ?? ""
        let directives = policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let scriptSource = directives.first { $0.hasPrefix("script-src ") } ?? directives.first { $0.hasPrefix("default-src ") }
        #expect(scriptSource != nil, "\(label): \(policy)", sourceLocation: sourceLocation)
        #expect(scriptSource?.contains("'unsafe-inline'") == false, "\(label): \(policy)", sourceLocation: sourceLocation)
        #expect(scriptSource?.contains("'unsafe-eval'") == false, "\(label): \(policy)", sourceLocation: sourceLocation)
        #expect(reply.headers[Self.contentTypeOptions] == "nosniff", "\(label)", sourceLocation: sourceLocation)
        #expect(reply.headers[.xFrameOptions] == "DENY", "\(label)", sourceLocation: sourceLocation)
        #expect(reply.headers[.referrerPolicy] == "no-referrer", "\(label)", sourceLocation: sourceLocation)
        #expect(reply.headers[.cacheControl] == "no-store", "\(label)", sourceLocation: sourceLocation)
    }

    /// `Authorization: Bearer <token>`: the scheme in any case, spaces or tabs around the token; anything else is no token.
    @Test func theBearerTokenIsReadWhateverTheSchemesCaseAndTheBlanksAroundIt() {
        #expect(AuthMiddleware.bearerToken("Bearer a.b.c") == "a.b.c")
        #expect(AuthMiddleware.bearerToken("bEARER \t a.b.c \t") == "a.b.c")
        #expect(AuthMiddleware.bearerToken("Bearer   ") == "")
        #expect(AuthMiddleware.bearerToken("Bearer ") == nil)
        #expect(AuthMiddleware.bearerToken("Bearer") == nil)
        #expect(AuthMiddleware.bearerToken("Bearerxa.b.c") == nil)
        #expect(AuthMiddleware.bearerToken("Basic YWRhOnB3") == nil)
        #expect(AuthMiddleware.bearerToken("Béarer a.b.c") == nil)
    }

    /// A line logged while a request is handled names the request and, once authenticated, its user; outside none.
    @Test func logLinesNameTheRequestAndTheUserBeingServed() {
        let user = UserID(UUID())
        let metadata = RequestLogMetadata.$requestID.withValue("request-1") {
            RequestLogMetadata.$userID.withValue(user) { RequestLogMetadata.provider.get() }
        }
        #expect(metadata == ["request_id": .string("request-1"), "user_id": .string(user.description)])
        #expect(RequestLogMetadata.provider.get().isEmpty)
    }

    @Test func everyKindOfResponseCarriesTheSecurityHeaders() async throws {
        try await TestBank.withApp { api in
            let session = try await api.signUp("headers@example.com")
            let account = try await api.openAccount(session)
            let token = session.accessToken
            var replies: [(String, Reply, HTTPResponse.Status)] = [
                ("health", try await api.call(.get, "/health"), .ok),
                ("ready", try await api.call(.get, "/ready"), .ok),
                ("openapi", try await api.call(.get, "/openapi.json"), .ok),
                ("no token", try await api.call(.get, "/accounts"), .unauthorized),
                ("unknown route", try await api.call(.get, "/no/such/route", token: token), .notFound),
                ("malformed", try await api.call(.post, "/accounts", token: token, json: "{"), .badRequest),
                ("media type", try await api.call(.post, "/accounts", token: token, json: "{}", contentType: "text/plain"), .unsupportedMediaType),
                ("validation", try await api.call(.post, "/accounts", token: token, json: "{}"), .unprocessableContent),
                ("created", try await api.call(.post, "/accounts", token: token, json: #"{"account_type":"savings"}"#), .created),
                ("list", try await api.call(.get, "/accounts", token: token), .ok),
                ("not found", try await api.call(.get, "/accounts/\(UUID().uuidString)", token: token), .notFound),
            ]
            let body = #"{"type":"credit","amount_cents":100}"#
            for attempt in ["first", "replay"] {
                let reply = try await api.call(
                    .post, "/accounts/\(account.id)/transactions", token: token, json: body, headers: [.idempotencyKey: "headers-key"])
                replies.append(("idempotent \(attempt)", reply, .created))
            }
            replies.append((
                "declined",
                try await api.call(.post, "/accounts/\(account.id)/transactions", token: token, json: #"{"type":"debit","amount_cents":100000}"#),
                .unprocessableContent))
            replies.append(("logout", try await api.call(.post, "/auth/logout", token: token), .noContent))
            for (label, reply, status) in replies {
                #expect(reply.status == status, "\(label): \(reply.text)")
                Self.expectSecurityHeaders(reply, label)
            }
            #expect(Set(replies.compactMap { $0.1.headers[.requestID] }).count == replies.count, "request ids are unique")
            #expect(replies.allSatisfy { $0.1.headers[Self.strictTransportSecurity] == nil }, "no HSTS on plain HTTP")
        }
    }

    @Test func problemsNameTheRequestIdAndAcceptASaneClientId() async throws {
        try await TestBank.withApp { api in
            let echoed = try await api.call(.get, "/accounts", headers: [.requestID: "trace-42_ABC"])
            expectProblem(echoed, .unauthorized, "invalid_token")
            #expect(echoed.headers[.requestID] == "trace-42_ABC")
            #expect(echoed.string("request_id") == "trace-42_ABC")

            for insane in ["has spaces in it", String(repeating: "a", count: 65), "<script>", "semi;colon"] {
                let reply = try await api.call(.get, "/accounts", headers: [.requestID: insane])
                expectProblem(reply, .unauthorized, "invalid_token", insane)
                #expect(reply.headers[.requestID] != insane)
                #expect(UUID(uuidString: reply.headers[.requestID] ?? "") != nil)
            }
        }
    }

    @Test func strictTransportSecurityIsSentBehindTLS() async throws {
        try await TestBank.withApp { api in
            let reply = try await api.call(.get, "/health", headers: [.xForwardedProto: "https"])
            #expect(reply.status == .ok)
            #expect(reply.headers[Self.strictTransportSecurity]?.hasPrefix("max-age=") == true)
            Self.expectSecurityHeaders(reply, "behind TLS")
        }
    }

    @Test func metaEndpointsAnswerAsDocumented() async throws {
        try await TestBank.withApp { api in
            let health = try await api.call(.get, "/health")
            #expect(health.status == .ok)
            #expect(health.headers[.contentType] == "application/json")
            #expect(health.string("status") == "ok")
            #expect(health.string("version")?.isEmpty == false)
            let ready = try await api.call(.get, "/ready")
            #expect(ready.status == .ok)
            let document = try await api.call(.get, "/openapi.json")
            #expect(document.status == .ok)
            #expect(document.headers[.contentType] == "application/json")
            #expect(document.string("openapi")?.hasPrefix("3.1") == true)
            #expect(document["paths"] is [String: Any])
        }
    }

    @Test func overARealSocketProblemsAndHeadersAreTheSame() async throws {
        try await TestBank.withApp(.ahc(.http)) { api in
            let session = try await api.signUp("socket@example.com")
            let big = #"{"account_type":"checking","nickname":""# + String(repeating: "n", count: 70_000) + #""}"#
            let tooLarge = try await api.call(.post, "/accounts", token: session.accessToken, json: big)
            expectProblem(tooLarge, .contentTooLarge, "payload_too_large")
            Self.expectSecurityHeaders(tooLarge, "413 over a socket")
            let unknown = try await api.call(.get, "/no/such/route")
            expectProblem(unknown, .notFound, "not_found")
            Self.expectSecurityHeaders(unknown, "404 over a socket")
            let listed = try await api.call(.get, "/accounts", token: session.accessToken)
            #expect(listed.status == .ok)
            Self.expectSecurityHeaders(listed, "200 over a socket")
            #expect(try await api.call(.get, "/accounts", token: session.accessToken).list.isEmpty)
        }
    }
}
