import BankCore
import Foundation
import Identity
import Storage
import Testing

@Suite struct SignUpTests {
    let bank: TestBank

    init() async throws { bank = try await TestBank() }

    private func signUpFields(email: String = "ada@example.com", password: String = TestBank.password, first: String = "Ada",
                              last: String = "Lovelace", phone: String? = nil) async -> [String]? {
        let request = SignUpRequest(email: email, password: password, firstName: first, lastName: last, phone: phone)
        let error = await #expect(throws: ValidationError.self) { try await bank.identity.signUp(request, actor: .system) }
        return error?.fieldErrors.map(\.field)
    }

    @Test func signUpCreatesAMemberWithANormalisedEmailAndLogsThemIn() async throws {
        let session = try await bank.identity.signUp(
            SignUpRequest(email: "  Ada@Example.COM ", password: TestBank.password, firstName: " Ada ", lastName: "Lovelace", phone: "+1 555-0100"),
            actor: .system)
        #expect(session.user.email == "ada@example.com")
        #expect(session.user.role == .member)
        #expect(session.user.firstName == "Ada" && session.user.lastName == "Lovelace")
        #expect(session.user.phone == "+1 555-0100")
        #expect(session.user.isActive && session.user.lockedUntil == nil)
        #expect(session.user.createdAt == TestBank.start)
        #expect(session.user.maskedName == "Ada L.")
        #expect(session.expiresIn == 900)
        let principal = try await bank.identity.authenticate(accessToken: session.accessToken)
        #expect(principal == Principal(userID: session.user.id, role: .member, sessionID: session.sessionID))
        #expect(try await bank.identity.user(email: "ADA@example.com")?.id == session.user.id)
        #expect(try await bank.auditActions() == ["user.signup"])
        #expect(try await bank.database.verifyAuditChain().valid)
    }

    @Test func everyInvalidFieldIsReportedAtOnce() async {
        #expect(
            await signUpFields(email: "not-an-email", password: "short", first: "   ", last: "") == ["email", "password", "first_name", "last_name"])
    }

    @Test(arguments: ["a@b", "@example.com", "ada@", "ada lovelace@example.com", "ada@example..com", "ada@@example.com", "ada@example.", ""])
    func implausibleEmailsAreRefused(email: String) async {
        #expect(await signUpFields(email: email) == ["email"])
    }

    @Test func passwordMustBe12To128Characters() async throws {
        #expect(await signUpFields(password: String(repeating: "p", count: 11)) == ["password"])
        #expect(await signUpFields(password: String(repeating: "p", count: 129)) == ["password"])
        _ = try await bank.identity.signUp(
            SignUpRequest(email: "twelve@example.com", password: String(repeating: "p", count: 12), firstName: "A", lastName: "B"), actor: .system)
        _ = try await bank.identity.signUp(
            SignUpRequest(email: "long@example.com", password: String(repeating: "p", count: 128), firstName: "A", lastName: "B"), actor: .system)
        #expect(try await bank.logIn("long@example.com", password: String(repeating: "p", count: 128)).user.email == "long@example.com")
    }

    @Test func namesMustBeNonBlankShortAndFreeOfControlCharacters() async {
        #expect(await signUpFields(first: "\t") == ["first_name"])
        #expect(await signUpFields(last: String(repeating: "x", count: 101)) == ["last_name"])
        #expect(await signUpFields(first: "Ada\u{0007}") == ["first_name"])
    }

    @Test func badPhoneNumbersAreRefused() async {
        #expect(await signUpFields(phone: "12345") == ["phone"])
        #expect(await signUpFields(phone: "555-CALL-NOW") == ["phone"])
    }

    @Test func duplicateEmailInAnyCaseIsEmailTaken() async throws {
        let first = try await bank.signUp("ada@example.com")
        let error = await #expect(throws: IdentityError.self) { try await bank.signUp("ADA@Example.com", first: "Eve") }
        #expect(error?.code == "email_taken")
        #expect(error?.kind == .conflict)
        let count = try await bank.database.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM users") }
        #expect(count == 1)
        #expect(try await bank.identity.user(first.user.id).firstName == "Ada")
        #expect(try await bank.auditActions() == ["user.signup"])
    }

    @Test func theDatabaseHoldsNeitherThePasswordNorAnyRefreshTokenInClear() async throws {
        let signedUp = try await bank.signUp()
        let loggedIn = try await bank.logIn()
        let refreshed = try await bank.identity.refresh(loggedIn.refreshToken, actor: .system)
        let secrets = [TestBank.password, signedUp.refreshToken, loggedIn.refreshToken, refreshed.refreshToken]
        let contents = try await bank.storedBytes()
        // Control: the scan does see what is stored in clear.
        #expect(contents.range(of: Data("ada@example.com".utf8)) != nil)
        #expect(contents.range(of: Data("$argon2id$".utf8)) != nil)
        for secret in secrets {
            #expect(contents.range(of: Data(secret.utf8)) == nil, "found \(secret.prefix(6))… in the database")
        }
    }

    @Test func profileUpdateTrimsNamesClearsPhoneAndValidates() async throws {
        let session = try await bank.identity.signUp(
            SignUpRequest(email: "ada@example.com", password: TestBank.password, firstName: "Ada", lastName: "Lovelace", phone: "5550100123"),
            actor: .system)
        let updated = try await bank.identity.updateProfile(session.user.id, ProfileUpdate(firstName: " Augusta ", phone: .some(nil)), actor: .system)
        #expect(updated.firstName == "Augusta" && updated.lastName == "Lovelace" && updated.phone == nil)
        let error = await #expect(throws: ValidationError.self) {
            try await bank.identity.updateProfile(session.user.id, ProfileUpdate(lastName: " ", phone: .some("1")), actor: .system)
        }
        #expect(error?.fieldErrors.map(\.field) == ["last_name", "phone"])
        let missing = await #expect(throws: IdentityError.self) {
            try await bank.identity.updateProfile(UserID(UUID()), ProfileUpdate(firstName: "X"), actor: .system)
        }
        #expect(missing?.code == "user_not_found")
        #expect(try await bank.identity.user(session.user.id).firstName == "Augusta")
    }
}
