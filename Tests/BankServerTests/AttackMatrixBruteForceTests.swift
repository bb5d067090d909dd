import BankCore
import BankRuntime
import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Storage
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@testable import BankServer

/// Password guessing over real sockets from two client addresses (API2, API4): the lockout (423), the
/// per-IP-and-email limit (429), and the victim logging in after the lock expires while the attacker,
/// from another IP, keeps failing.
@Suite struct AttackMatrixBruteForceTests {
    static let attackerIP = "127.0.0.2"

    @Test(.enabled(if: SourceAddressClient.canBind(attackerIP), "needs 127.0.0.2 on the loopback interface (Linux has all of 127/8)"))
    func anAttackerWhoKeepsFailingFromAnotherIPCannotKeepTheVictimLockedOut() async throws {
        try await TestBank.withApp(rateLimit: true, .live) { api in
            let port = try #require(api.client.port)
            let attacker = SourceAddressClient(source: Self.attackerIP, port: port)
            let victim = try await api.signUp("victim@example.com")
            let guess = #"{"email":"victim@example.com","password":"guess guess guess"}"#
            let right = #"{"email":"victim@example.com","password":"\#(TestBank.password)"}"#

            // Five wrong passwords lock the user: the attacker and the victim (from 127.0.0.1) both get 423 with the same end.
            for attempt in 1...5 {
                let reply = try await attacker.post("/auth/login", json: guess)
                #expect(reply.status == 401 && reply.code == "invalid_credentials", "attempt \(attempt): \(reply.text)")
            }
            let firstEnd = api.clock.now.addingTimeInterval(15 * 60).rfc3339
            for attempt in 6...10 {
                let reply = try await attacker.post("/auth/login", json: guess)
                #expect(reply.status == 423 && reply.code == "account_locked", "attempt \(attempt): \(reply.text)")
                #expect(reply.object["locked_until"] as? String == firstEnd)
            }
            let locked = try await api.call(.post, "/auth/login", json: right)
            expectProblem(locked, HTTPResponse.Status(code: 423), "account_locked")
            #expect(locked.string("locked_until") == firstEnd)

            // The eleventh try of that IP for that email within a minute is rate limited; the victim's IP is not.
            let limited = try await attacker.post("/auth/login", json: guess)
            #expect(limited.status == 429 && limited.code == "rate_limited", "\(limited.text)")
            #expect(limited.headers["retry-after"] == "60")
            #expect(limited.headers["ratelimit-limit"] == "10")
            expectProblem(try await api.call(.post, "/auth/login", json: right), HTTPResponse.Status(code: 423), "account_locked")

            // The lock expires; the attacker fails five more times, which now locks only the attacker, for 30 minutes.
            api.clock.advance(by: 15 * 60)
            for attempt in 1...5 {
                let reply = try await attacker.post("/auth/login", json: guess)
                #expect(reply.status == 401 && reply.code == "invalid_credentials", "round 2, attempt \(attempt): \(reply.text)")
            }
            let attackerLocked = try await attacker.post("/auth/login", json: guess)
            #expect(attackerLocked.status == 423 && attackerLocked.code == "account_locked", "\(attackerLocked.text)")
            #expect(attackerLocked.object["locked_until"] as? String == api.clock.now.addingTimeInterval(30 * 60).rfc3339)
            let session = try await api.logIn("victim@example.com")
            #expect(session.userID == victim.userID)
            #expect(try await api.call(.get, "/account-holders/me", token: session.accessToken).status == .ok)

            // Again and again: the victim is never locked out by the attacker's failures.
            for round in 3...5 {
                api.clock.advance(by: 24 * 3600)
                for _ in 1...5 { _ = try await attacker.post("/auth/login", json: guess) }
                let refused = try await attacker.post("/auth/login", json: right)
                #expect(refused.status == 423 && refused.code == "account_locked", "round \(round): \(refused.text)")
                _ = try await api.logIn("victim@example.com")
            }

            // An employee's unlock ends the attacker's lock too; the attacker still cannot lock the victim.
            let employee = try await api.staff("emma@example.com", .employee)
            #expect(try await api.call(.post, "/employee/users/\(victim.userID)/unlock", token: employee.accessToken).status == .ok)
            let afterUnlock = try await attacker.post("/auth/login", json: guess)
            #expect(afterUnlock.status == 401 && afterUnlock.code == "invalid_credentials", "\(afterUnlock.text)")
            _ = try await api.logIn("victim@example.com")

            let stats = try await api.bank.identity.stats()
            #expect(stats.lockedUsers == 0)
            try await api.expectSound()
        }
    }
}

/// A minimal HTTP/1.1 client whose socket is bound to a chosen local address, so that the server sees
/// another client IP than the test client's 127.0.0.1. Blocking socket calls run on a dispatch queue,
/// never on the cooperative pool.
struct SourceAddressClient: Sendable {
    struct Reply: Sendable {
        let status: Int
        /// Header names lowercased.
        let headers: [String: String]
        let text: String

        var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
        var code: String? { object["code"] as? String }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let source: String
    let port: Int

    /// Whether a socket can be bound to `address` here (all of 127/8 is local on Linux; macOS has only 127.0.0.1).
    static func canBind(_ address: String) -> Bool {
        guard let socket = try? openSocket(boundTo: address) else { return false }
        close(socket)
        return true
    }

    func post(_ path: String, json: String) async throws -> Reply {
        let request =
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n"
            + "Connection: close\r\n\r\n\(json)"
        let (source, port) = (source, port)
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.exchange(Array(request.utf8), from: source, port: port) })
            }
        }
    }

    private static func address(_ ip: String, port: Int) throws -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, ip, &address.sin_addr) == 1 else { throw Failure(description: "bad address \(ip)") }
        return address
    }

    private static func openSocket(boundTo ip: String) throws -> Int32 {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var local = try address(ip, port: 0)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            throw Failure(description: "bind \(ip): \(errno)")
        }
        return fd
    }

    private static func exchange(_ request: [UInt8], from source: String, port: Int) throws -> Reply {
        let fd = try openSocket(boundTo: source)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var remote = try address("127.0.0.1", port: port)
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect: \(errno)") }
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw Failure(description: "send: \(errno)") }
            sent += count
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count >= 0 else { throw Failure(description: "recv: \(errno)") }
            if count == 0 { break }
            response += buffer[0..<count]
        }
        return try parse(response)
    }

    private static func parse(_ bytes: [UInt8]) throws -> Reply {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "no header end in \(text)") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else {
            throw Failure(description: "bad status line in \(text)")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = String(text[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var decoded = ""
            var rest = Substring(body)
            while let end = rest.range(of: "\r\n"), let size = Int(rest[..<end.lowerBound], radix: 16), size > 0 {
                let start = end.upperBound
                let utf8 = Array(rest[start...].utf8)
                decoded += String(decoding: utf8.prefix(size), as: UTF8.self)
                rest = Substring(String(decoding: utf8.dropFirst(size + 2), as: UTF8.self))
            }
            body = decoded
        }
        return Reply(status: status, headers: headers, text: body)
    }
}
