import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BankServer

/// The web client's side of the server: its files at `/` under the strict CSP, and the refresh
/// token's cookie mode (HttpOnly, SameSite=Strict, Path=/auth) beside the JSON mode.
@Suite struct WebClientTests {
    static let cookieMode: HTTPFields = [HTTPField.Name("X-Refresh-Token-Mode")!: "cookie"]

    /// The `bankkit_refresh=…` pair and the attributes of a Set-Cookie header.
    static func refreshCookie(_ reply: Reply) throws -> (value: String, attributes: Set<String>) {
        let header = try #require(reply.headers[values: .setCookie].first { $0.hasPrefix("bankkit_refresh=") }, "\(reply.headers)")
        var parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let value = String(parts.removeFirst().dropFirst("bankkit_refresh=".count))
        return (value, Set(parts))
    }

    @Test func theClientIsServedAtTheRootUnderTheStrictPolicy() async throws {
        try await TestBank.withApp { api in
            let index = try await api.call(.get, "/")
            #expect(index.status == .ok)
            #expect(index.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(index.text.contains(#"<script type="module" src="/app/main.js"></script>"#))
            #expect(!index.text.contains("<script>"), "no inline script")
            #expect(index.headers[.contentSecurityPolicy] == SecurityHeadersMiddleware.contentSecurityPolicy)
            #expect(index.headers[.cacheControl] == "no-cache")

            let module = try await api.call(.get, "/app/main.js")
            #expect(module.status == .ok)
            #expect(module.headers[.contentType] == "text/javascript")
            #expect(module.headers[HeadersTests.contentTypeOptions] == "nosniff")
            #expect(module.headers[.eTag]?.isEmpty == false)
            #expect(try await api.call(.get, "/app/styles.css").headers[.contentType] == "text/css")

            // No file answers for what is not there, and paths cannot climb out of the folder.
            let missing = try await api.call(.get, "/app/nothing.js")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "application/problem+json")
            #expect(try await api.call(.get, "/app/../../Package.swift").status != .ok)
            #expect(try await api.call(.get, "/%2e%2e/%2e%2e/Package.swift").status != .ok)
        }
    }

    @Test func cookieModeKeepsTheRefreshTokenOutOfTheBodyAndRotatesIt() async throws {
        try await TestBank.withApp { api in
            let signUp = try await api.call(
                .post, "/auth/signup", json: #"{"email":"cookie@example.com","password":"\#(TestBank.password)","first_name":"C","last_name":"M"}"#,
                headers: Self.cookieMode)
            #expect(signUp.status == .created)
            #expect(signUp.object["refresh_token"] is NSNull)
            #expect((signUp.string("access_token") ?? "").isEmpty == false)
            let first = try Self.refreshCookie(signUp)
            #expect(first.attributes == ["HttpOnly", "Path=/auth", "SameSite=Strict", "Max-Age=604800"])
            #expect(first.value.count >= 32)

            // Refresh reads the cookie (no body, or an empty object) and sets the next one.
            var headers = Self.cookieMode
            headers[.cookie] = "bankkit_refresh=\(first.value)"
            let refreshed = try await api.call(.post, "/auth/refresh", headers: headers)
            #expect(refreshed.status == .ok, "\(refreshed.text)")
            #expect(refreshed.object["refresh_token"] is NSNull)
            let second = try Self.refreshCookie(refreshed)
            #expect(second.value != first.value)
            headers[.cookie] = "bankkit_refresh=\(second.value)"
            let third = try await api.call(.post, "/auth/refresh", json: "{}", headers: headers)
            #expect(third.status == .ok)

            // The spent cookie is a reused token: the whole family is revoked.
            headers[.cookie] = "bankkit_refresh=\(first.value)"
            let reused = try await api.call(.post, "/auth/refresh", headers: headers)
            #expect(reused.status == .unauthorized)
            #expect(reused.string("code") == "refresh_token_reused")
            headers[.cookie] = "bankkit_refresh=\(try Self.refreshCookie(third).value)"
            #expect(try await api.call(.post, "/auth/refresh", headers: headers).string("code") == "invalid_refresh_token")
        }
    }

    @Test func cookieModeRefusesWhatItDoesNotExpect() async throws {
        try await TestBank.withApp { api in
            let noCookie = try await api.call(.post, "/auth/refresh", headers: Self.cookieMode)
            #expect(noCookie.status == .unauthorized)
            #expect(noCookie.string("code") == "invalid_refresh_token")

            var headers = Self.cookieMode
            headers[.cookie] = "bankkit_refresh=whatever"
            let withField = try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"x"}"#, headers: headers)
            #expect(withField.status == .unprocessableContent)
            #expect(withField.string("code") == "validation_failed")

            // Without the mode header the cookie is ignored: JSON clients send the token in the body.
            let jsonMode = try await api.call(.post, "/auth/refresh", headers: [.cookie: "bankkit_refresh=whatever"])
            #expect(jsonMode.status == .badRequest)
        }
    }

    @Test func loginInCookieModeAndLogoutExpiresTheCookie() async throws {
        try await TestBank.withApp { api in
            _ = try await api.signUp("leaving@example.com")
            let login = try await api.call(
                .post, "/auth/login", json: #"{"email":"leaving@example.com","password":"\#(TestBank.password)"}"#, headers: Self.cookieMode)
            #expect(login.status == .ok)
            let cookie = try Self.refreshCookie(login)
            let token = try #require(login.string("access_token"))

            let logout = try await api.call(.post, "/auth/logout", token: token)
            #expect(logout.status == .noContent)
            let cleared = try Self.refreshCookie(logout)
            #expect(cleared.value.isEmpty)
            #expect(cleared.attributes.contains("Max-Age=0"))

            var headers = Self.cookieMode
            headers[.cookie] = "bankkit_refresh=\(cookie.value)"
            #expect(try await api.call(.post, "/auth/refresh", headers: headers).status == .unauthorized)
        }
    }

    @Test func behindTLSTheCookieIsSecure() async throws {
        try await TestBank.withApp { api in
            var headers = Self.cookieMode
            headers[HTTPField.Name("X-Forwarded-Proto")!] = "https"
            let signUp = try await api.call(
                .post, "/auth/signup", json: #"{"email":"tls@example.com","password":"\#(TestBank.password)","first_name":"T","last_name":"L"}"#,
                headers: headers)
            #expect(try Self.refreshCookie(signUp).attributes.contains("Secure"))
        }
    }
}
