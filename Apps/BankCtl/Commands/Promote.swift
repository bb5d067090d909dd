import ArgumentParser
import BankCore
import BankRuntime
import Identity
import Storage

/// `bankctl promote EMAIL --role ROLE`: the only way a role changes. Audited.
struct Promote: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Give a user the admin, employee or member role.",
        discussion: "The change is written to the audit log. The user logs in again to get a token with the new role.")

    @Argument(help: "The user's email address.")
    var email: String

    @Option(
        help: "The new role: admin, employee or member.",
        transform: { text in
            guard let role = Role(rawValue: text.lowercased()) else { throw ValidationError("role must be admin, employee or member") }
            return role
        })
    var role: Role

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let bank = try await store.openBank()
        defer { try? bank.database.close() }
        do {
            let user = try await bank.identity.setRole(email: email, to: role, actor: .system)
            print("\(user.email) is now \(user.role.rawValue).")
        } catch let error as IdentityError where error.errorCode == .userNotFound {
            throw BankCtlError("no user has the email address \(email)")
        }
    }
}

/// A failure bankctl reports as one line on standard error, exiting non-zero.
struct BankCtlError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
