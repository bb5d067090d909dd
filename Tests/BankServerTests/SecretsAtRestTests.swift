import BankCore
import BankRuntime
import BankTestSupport
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
    /// What someone who reads the database's storage sees, by name: on SQLite, the bytes of those of
    /// `files` (in the data directory) that exist; on PostgreSQL, whose files are the server's, every
    /// value of every table (text as UTF-8, blobs as their bytes, numbers as digits), table by table.
    static func storedBytes(_ api: API, files: [String]) async throws -> [(name: String, bytes: [UInt8])] {
        guard api.bank.database.dialect == .postgres else {
            return files.compactMap { name in
                FileManager.default.contents(atPath: api.env.directory + "/" + name).map { (name, Array($0)) }
            }
        }
        return try await api.bank.database.read { db in
            try TestDatabase.tables(in: db).map { table in (table, try TestDatabase.storedBytes(ofTable: table, in: db)) }
        }
    }

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

            let stored = try await Self.storedBytes(api, files: ["bank.sqlite", "bank.sqlite-wal", "bank.sqlite-shm"])
            var scanned = 0
            for (name, bytes) in stored {
                scanned += bytes.count
                for (label, needle) in needles {
                    #expect(!Self.contains(bytes, needle), "\(name) holds the \(label) in clear")
                }
            }
            #expect(scanned > 0)
            if api.bank.database.dialect == .sqlite {
                #expect(FileManager.default.fileExists(atPath: api.env.directory + "/bank.sqlite-wal"))
            }
            // The scan itself can find things: the email is stored in clear, as it should be.
            let main = stored.filter { $0.name != "bank.sqlite-shm" }.flatMap(\.bytes)
            #expect(Self.contains(main, Array("secret@example.com".utf8)))

            for file in keyFiles {
                let attributes = try FileManager.default.attributesOfItem(atPath: secretsDirectory + "/" + file)
                #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0, "\(file) is readable by others")
            }
        }
    }
}
