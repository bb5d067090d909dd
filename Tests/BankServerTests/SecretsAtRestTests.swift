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

/// The database files hold no password, refresh token or key in clear.
@Suite struct SecretsAtRestTests {
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        while let start = haystack[index...].firstIndex(of: first) {
            if start + needle.count > haystack.count { return false }
            if haystack[start..<start + needle.count].elementsEqual(needle) { return true }
            index = start + 1
        }
        return false
    }

    @Test func theDatabaseFilesHoldNoSecretInClear() async throws {
        try await TestBank.withApp { api in
            let password = "Unmistakable Passphrase 7731"
            let newPassword = "Another Unmistakable Phrase 9902"
            let signup = try await api.call(
                .post, "/auth/signup",
                json: #"{"email":"secret@example.com","password":"\#(password)","first_name":"Sec","last_name":"Ret"}"#)
            #expect(signup.status == .created)
            var session = try API.session(signup)
            var refreshTokens = [session.refreshToken]
            var accessTokens = [session.accessToken]
            let rotated = try API.session(try await api.call(.post, "/auth/refresh", json: #"{"refresh_token":"\#(session.refreshToken)"}"#))
            refreshTokens.append(rotated.refreshToken)
            accessTokens.append(rotated.accessToken)
            session = try await api.logIn("secret@example.com", password: password)
            refreshTokens.append(session.refreshToken)
            accessTokens.append(session.accessToken)
            let changed = try await api.call(
                .post, "/auth/password", token: session.accessToken,
                json: #"{"current_password":"\#(password)","new_password":"\#(newPassword)"}"#)
            #expect(changed.status == .noContent)
            let account = try await api.openAccount(session)
            try await api.deposit(session, account, 1_000)

            let secretsDirectory = api.env.directory + "/secrets"
            let keyFiles = try FileManager.default.contentsOfDirectory(atPath: secretsDirectory).filter { $0.hasSuffix(".b64") }
            #expect(Set(keyFiles).isSuperset(of: ["jwt_key.b64", "audit_key.b64", "card_key.b64"]))
            var needles: [(String, [UInt8])] = [
                ("password", Array(password.utf8)), ("new password", Array(newPassword.utf8)),
            ]
            for (index, token) in refreshTokens.enumerated() { needles.append(("refresh token \(index)", Array(token.utf8))) }
            for (index, token) in accessTokens.enumerated() { needles.append(("access token \(index)", Array(token.utf8))) }
            for file in keyFiles {
                let text = try String(contentsOfFile: secretsDirectory + "/" + file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                needles.append(("\(file) base64", Array(text.utf8)))
                let raw = try #require(Data(base64Encoded: text))
                needles.append(("\(file) raw", Array(raw)))
                needles.append(("\(file) hex", Array(raw.map { String(format: "%02x", $0) }.joined().utf8)))
            }

            var scanned = 0
            for name in ["bank.sqlite", "bank.sqlite-wal", "bank.sqlite-shm"] {
                let path = api.env.directory + "/" + name
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                let bytes = Array(data)
                scanned += bytes.count
                for (label, needle) in needles {
                    #expect(!Self.contains(bytes, needle), "\(name) holds the \(label) in clear")
                }
            }
            #expect(scanned > 0)
            #expect(FileManager.default.fileExists(atPath: api.env.directory + "/bank.sqlite-wal"))
            // The scan itself can find things: the email is stored in clear, as it should be.
            let main = Array(FileManager.default.contents(atPath: api.env.directory + "/bank.sqlite") ?? Data())
                + Array(FileManager.default.contents(atPath: api.env.directory + "/bank.sqlite-wal") ?? Data())
            #expect(Self.contains(main, Array("secret@example.com".utf8)))

            for file in keyFiles {
                let attributes = try FileManager.default.attributesOfItem(atPath: secretsDirectory + "/" + file)
                #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0, "\(file) is readable by others")
            }
        }
    }
}
