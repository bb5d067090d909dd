import ArgumentParser
import BankCore
import BankRuntime
import Configuration
import Foundation
import Identity
import Storage
import Testing

@testable import BankCtl

@Suite struct BankCtlTests {
    let harness: CommandHarness
    var directory: String { harness.directory }

    init() throws { harness = try CommandHarness() }

    private func run(_ arguments: [String]) async throws { try await harness.run(arguments) }
    private func openBank() async throws -> Bank { try await harness.openBank() }

    @Test func migrateCreatesTheDatabaseAndIsRepeatable() async throws {
        try await run(["migrate"])
        try await run(["migrate"])
        if let url = harness.databaseURL {
            // On PostgreSQL the tables are in the schema `database.url` names, and no database file is made.
            #expect(!FileManager.default.fileExists(atPath: directory + "/bank.sqlite"))
            let database = try BankDatabase(url: url, modules: [], connections: 1)
            defer { try? database.close() }
            let tables = try await database.read { db in
                try db.values(
                    String.self, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name")
            }
            #expect(
                Set(["users", "accounts", "transactions", "postings", "cards", "service_requests", "audit_log"]).isSubset(of: Set(tables)),
                "\(tables)")
        } else {
            #expect(FileManager.default.fileExists(atPath: directory + "/bank.sqlite"))
        }
        #expect(FileManager.default.fileExists(atPath: directory + "/secrets/jwt_key.b64"))
    }

    @Test func promoteThenLoginShowsTheNewRoleAndIsAudited() async throws {
        let bank = try await openBank()
        defer { try? bank.database.close() }
        _ = try await bank.identity.signUp(
            SignUpRequest(email: "Erin@Example.com", password: "a long enough password", firstName: "Erin", lastName: "Ops"), actor: .system)

        try await run(["promote", "erin@example.com", "--role", "employee"])

        let session = try await bank.identity.logIn(email: "erin@example.com", password: "a long enough password", actor: .system)
        #expect(session.user.role == .employee)
        let principal = try await bank.identity.authenticate(accessToken: session.accessToken)
        #expect(principal.role == .employee)
        let entries = try await bank.database.read { db in
            try bank.database.audit.list(db, filter: AuditFilter(action: "user.role_changed"), page: PageRequest())
        }
        #expect(entries.data.count == 1)
        #expect(entries.data.first?.details == #"{"from":"member","to":"employee"}"#)
        #expect(try await bank.database.verifyAuditChain().valid)
    }

    @Test func promoteOfAnUnknownEmailFailsWithAClearMessage() async throws {
        await #expect {
            try await run(["promote", "nobody@example.com", "--role", "admin"])
        } throws: { error in
            (error as? BankCtlError)?.description == "no user has the email address nobody@example.com"
        }
    }

    @Test func promoteRejectsAnUnknownRole() {
        #expect(throws: (any Error).self) { try BankCtl.parseAsRoot(["promote", "a@example.com", "--role", "superuser"]) }
    }
}
