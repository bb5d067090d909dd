/// A unit of BankKit that owns tables: each module lists its own migrations.
///
/// The composition root lists the modules it uses; ``BankDatabase`` applies their migrations
/// in that order (after Storage's own), so a module that a deployment does not list costs nothing.
/// An integrator's own module (say, Loans) conforms the same way.
public protocol BankModule: Sendable {
    /// A short unique name (`ledger`), used in logs and errors.
    var name: String { get }
    /// Names of the modules whose tables this one expects to exist.
    var dependencies: [String] { get }
    /// This module's migrations, oldest first.
    var migrations: [SQLMigration] { get }
}

extension BankModule {
    public var dependencies: [String] { [] }
}

/// One schema change, written for each engine.
///
/// Identifiers are prefixed by the module name (`ledger.v2.reversals`) and never change once released:
/// a database records which it has applied and applies each once, in order.
public struct SQLMigration: Sendable {
    /// The migration's identifier.
    public let id: String
    /// Its statements for SQLite.
    public let sqlite: String
    /// Its statements for PostgreSQL.
    public let postgres: String

    /// A migration whose SQL differs between the engines.
    public init(_ id: String, sqlite: String, postgres: String) {
        self.id = id
        self.sqlite = sqlite
        self.postgres = postgres
    }

    /// A migration whose SQL both engines accept as written.
    public init(_ id: String, sql: String) {
        self.init(id, sqlite: sql, postgres: sql)
    }
}
