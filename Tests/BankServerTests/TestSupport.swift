import BankCore
import BankTestSupport
import BankRuntime
import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Ledger
import NIOCore
import Sodium
import Storage
import Testing

@testable import BankServer

/// A bank opened in a fresh temporary directory with a manual clock, served through the real composition root.
struct TestBank: Sendable {
    let bank: Bank
    let clock: ManualClock
    let directory: String

    /// The password every test user signs up with.
    static let password = "correct horse battery staple"

    /// Opens a bank in a new temporary directory; Argon2id is kept cheap so that suites stay fast.
    static func open(rateLimit: Bool = false) async throws -> TestBank {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankserver-\(UUID().uuidString)").path
        var overrides: [AbsoluteConfigKey: ConfigValue] = [
            "data.dir": .init(.string(directory), isSecret: false), "ratelimit.enabled": .init(.bool(rateLimit), isSecret: false), "http.port": 0,
        ]
        // On PostgreSQL (`BANKKIT_TEST_DATABASE_URL` set), a fresh schema per bank, as `ComposedBank` does it.
        if let url = TestDatabase.freshPostgresURL() {
            overrides["database.url"] = .init(.string(url), isSecret: true)
            overrides["database.connections"] = .init(.int(2), isSecret: false)
        }
        let reader = try await BankConfiguration.reader(arguments: [], environment: [:], overrides: overrides, file: directory + "/no-config.json")
        let clock = ManualClock()
        let bank = try await Bank.open(
            config: reader, clock: clock.clock, hasher: PasswordHasher(cost: .init(opsLimit: 1, memLimit: 64 * 1024)))
        return TestBank(bank: bank, clock: clock, directory: directory)
    }

    /// Runs `body` against the application built by `buildApplication(bank:clock:)`.
    ///
    /// The application closes the database when the test client stops, so every check of the
    /// database belongs inside `body`.
    static func withApp<T>(
        rateLimit: Bool = false, _ setup: TestingSetup = .router, _ body: @Sendable (API) async throws -> T
    ) async throws -> T {
        let env = try await open(rateLimit: rateLimit)
        defer { try? FileManager.default.removeItem(atPath: env.directory) }
        let app = try buildApplication(bank: env.bank, clock: env.clock.clock)
        return try await app.test(setup) { client in try await body(API(client: client, env: env)) }
    }
}

/// A signed-in user.
struct Session: Sendable {
    let accessToken: String
    let refreshToken: String
    let userID: String
    let email: String
}

/// An account as the tests refer to it.
struct AccountRef: Sendable {
    let id: String
    let number: String
}

/// A response with its body parsed by Foundation.
struct Reply: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: ByteBuffer

    var text: String { String(buffer: body) }
    var bytes: [UInt8] { Array(body.readableBytesView) }

    /// The body as a JSON object (empty when it is not one).
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) as? [String: Any] ?? [:]
    }

    subscript(key: String) -> Any? { object[key] }
    func string(_ key: String) -> String? { object[key] as? String }
    func int(_ key: String) -> Int? { object[key] as? Int }

    /// The `data` of a list envelope.
    var list: [[String: Any]] { object["data"] as? [[String: Any]] ?? [] }

    /// The fields named in a problem's `errors`.
    var errorFields: [String] { (object["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }

    var code: String? { string("code") }
}

/// The test client with the bank behind it and the calls most tests need.
struct API: Sendable {
    let client: any TestClientProtocol
    let env: TestBank

    var bank: Bank { env.bank }
    var clock: ManualClock { env.clock }

    /// Sends a request; `json` is sent as the body with `contentType`.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil, contentType: String? = "application/json",
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil, let contentType { headers[.contentType] = contentType }
        return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
            Reply(status: response.status, headers: response.headers, body: response.body)
        }
    }

    func signUp(_ email: String, first: String = "Ada", last: String = "Lovelace") async throws -> Session {
        let reply = try await call(
            .post, "/auth/signup",
            json: #"{"email":"\#(email)","password":"\#(TestBank.password)","first_name":"\#(first)","last_name":"\#(last)"}"#)
        try #require(reply.status == .created, "signup: \(reply.text)")
        return try Self.session(reply)
    }

    func logIn(_ email: String, password: String = TestBank.password) async throws -> Session {
        let reply = try await call(.post, "/auth/login", json: #"{"email":"\#(email)","password":"\#(password)"}"#)
        try #require(reply.status == .ok, "login: \(reply.text)")
        return try Self.session(reply)
    }

    static func session(_ reply: Reply) throws -> Session {
        let user = try #require(reply["user"] as? [String: Any])
        return Session(
            accessToken: try #require(reply.string("access_token")), refreshToken: try #require(reply.string("refresh_token")),
            userID: try #require(user["id"] as? String), email: try #require(user["email"] as? String))
    }

    /// Gives the user another role (what `bankctl promote` does) and logs in again for a token with it.
    func promote(_ session: Session, to role: Role) async throws -> Session {
        _ = try await bank.identity.setRole(email: session.email, to: role, actor: .system)
        return try await logIn(session.email)
    }

    func openAccount(_ session: Session, type: String = "checking") async throws -> AccountRef {
        let reply = try await call(.post, "/accounts", token: session.accessToken, json: #"{"account_type":"\#(type)"}"#)
        try #require(reply.status == .created, "open account: \(reply.text)")
        return AccountRef(id: try #require(reply.string("id")), number: try #require(reply.string("account_number")))
    }

    @discardableResult
    func deposit(_ session: Session, _ account: AccountRef, _ cents: Int) async throws -> Reply {
        let reply = try await call(
            .post, "/accounts/\(account.id)/transactions", token: session.accessToken, json: #"{"type":"credit","amount_cents":\#(cents)}"#)
        try #require(reply.status == .created, "deposit: \(reply.text)")
        return reply
    }

    func transfer(_ session: Session, from: AccountRef, to: AccountRef, cents: Int, key: String? = nil) async throws -> Reply {
        try await call(
            .post, "/transfers", token: session.accessToken,
            json: #"{"from_account_id":"\#(from.id)","to_account_id":"\#(to.id)","amount_cents":\#(cents)}"#,
            headers: key.map { [.idempotencyKey: $0] } ?? [:])
    }

    /// The balance as `GET /accounts/{id}/balance` reports it, checked against the ledger's own computation.
    func balance(_ session: Session, _ account: AccountRef, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int {
        let reply = try await call(.get, "/accounts/\(account.id)/balance", token: session.accessToken)
        try #require(reply.status == .ok, "balance: \(reply.text)", sourceLocation: sourceLocation)
        #expect(reply["match"] as? Bool == true, sourceLocation: sourceLocation)
        #expect(reply.int("computed_balance_cents") == reply.int("balance_cents"), sourceLocation: sourceLocation)
        return try #require(reply.int("balance_cents"), sourceLocation: sourceLocation)
    }

    /// The ledger invariants and the audit chain hold.
    func expectSound(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await bank.soundnessProblems() == [], sourceLocation: sourceLocation)
    }
}

// MARK: - Cards, service requests and staff

/// A card as its issuance answered: the id and the full number, which no other response carries.
struct CardRef: Sendable {
    let id: String
    let pan: String
}

extension API {
    /// Signs up a member and promotes them (what `bankctl promote` does), returning a session with the new role.
    func staff(_ email: String, _ role: Role, first: String = "Grace", last: String = "Hopper") async throws -> Session {
        try await promote(try await signUp(email, first: first, last: last), to: role)
    }

    /// Issues a card on the account; the response must be 201.
    func issueCard(_ session: Session, _ account: AccountRef) async throws -> CardRef {
        let reply = try await call(.post, "/accounts/\(account.id)/cards", token: session.accessToken)
        try #require(reply.status == .created, "issue card: \(reply.text)")
        let card = reply.nested("card")
        return CardRef(id: try #require(card["id"] as? String), pan: try #require(reply.string("pan")))
    }

    /// A debit (a card purchase when `card` is given), answered as it came.
    func debit(_ session: Session, _ account: AccountRef, _ cents: Int, description: String? = nil, card: String? = nil) async throws -> Reply {
        var members = [#""type":"debit""#, #""amount_cents":\#(cents)"#]
        if let description { members.append(#""description":"\#(description)""#) }
        if let card { members.append(#""card_id":"\#(card)""#) }
        let json = "{" + members.joined(separator: ",") + "}"
        return try await call(.post, "/accounts/\(account.id)/transactions", token: session.accessToken, json: json)
    }

    /// Files a service request (`json` is the whole body); the response must be 201. Returns the request's id.
    func fileRequest(_ session: Session, _ json: String) async throws -> String {
        let reply = try await call(.post, "/service-requests", token: session.accessToken, json: json)
        try #require(reply.status == .created, "file request: \(reply.text)")
        return try #require(reply.string("id"))
    }
}

extension Reply {
    func bool(_ key: String) -> Bool? { object[key] as? Bool }
    /// A member that is itself an object (empty when it is not one).
    func nested(_ key: String) -> [String: Any] { object[key] as? [String: Any] ?? [:] }
    /// A member that is an array of objects.
    func objects(_ key: String) -> [[String: Any]] { object[key] as? [[String: Any]] ?? [] }
    /// The `id`s of a list envelope's `data`, in order.
    var ids: [String] { list.compactMap { $0["id"] as? String } }
}

/// Checks an RFC 9457 problem: exact status and code, the media type, every member, and the field errors.
func expectProblem(
    _ reply: Reply, _ status: HTTPResponse.Status, _ code: String, fields: [String]? = nil, _ comment: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let context = comment.isEmpty ? reply.text : "\(comment): \(reply.text)"
    #expect(reply.status == status, "\(context)", sourceLocation: sourceLocation)
    #expect(reply.code == code, "\(context)", sourceLocation: sourceLocation)
    #expect(reply.headers[.contentType] == "application/problem+json", "\(context)", sourceLocation: sourceLocation)
    #expect(reply.string("type") == "https://bankkit.dev/problems/" + code.replacingOccurrences(of: "_", with: "-"), sourceLocation: sourceLocation)
    #expect(reply.int("status") == Int(status.code), "\(context)", sourceLocation: sourceLocation)
    #expect(reply.string("title")?.isEmpty == false, "\(context)", sourceLocation: sourceLocation)
    #expect(reply.string("detail")?.isEmpty == false, "\(context)", sourceLocation: sourceLocation)
    let requestID = reply.string("request_id")
    #expect(requestID != nil && requestID == reply.headers[.requestID], "\(context)", sourceLocation: sourceLocation)
    if let fields {
        #expect(Set(reply.errorFields) == Set(fields), "\(context)", sourceLocation: sourceLocation)
        let messages = (reply["errors"] as? [[String: Any]] ?? []).map { $0["message"] as? String ?? "" }
        #expect(messages.allSatisfy { !$0.isEmpty }, "\(context)", sourceLocation: sourceLocation)
    } else if code == "validation_failed" {
        #expect(!reply.errorFields.isEmpty, "\(context)", sourceLocation: sourceLocation)
    } else {
        #expect(reply["errors"] == nil, "\(context)", sourceLocation: sourceLocation)
    }
}
