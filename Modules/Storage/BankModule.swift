public import GRDB

/// A unit of BankKit that owns tables: each module registers its own migrations.
///
/// The composition root lists the modules it uses; ``BankDatabase`` registers their migrations
/// in that order (after Storage's own), so a module that a deployment does not list costs nothing.
/// An integrator's own module (say, Loans) conforms the same way.
public protocol BankModule: Sendable {
    /// A short unique name (`ledger`), used in logs and errors.
    var name: String { get }
    /// Names of the modules whose tables this one expects to exist.
    var dependencies: [String] { get }
    /// Registers this module's migrations. Identifiers are prefixed by the module name and never change once released.
    func registerMigrations(in migrator: inout DatabaseMigrator)
}

extension BankModule {
    public var dependencies: [String] { [] }
}
