/// The SQL engine under a ``SQLDatabase``: where their dialects differ, code asks.
public enum SQLDialect: Sendable, Hashable {
    case sqlite
    case postgres

    /// `INDEXED BY index` on SQLite, where the planner needs the hint; nothing on PostgreSQL.
    public func indexedBy(_ index: String) -> String {
        self == .sqlite ? " INDEXED BY \(index)" : ""
    }

    /// ` FOR UPDATE` on PostgreSQL, which locks the rows read until the transaction ends; nothing on
    /// SQLite, where one writer already serialises every write transaction.
    public var forUpdate: String { self == .postgres ? " FOR UPDATE" : "" }

    /// ` FOR SHARE` on PostgreSQL: the rows read cannot change until the transaction ends, while other
    /// readers that share them go on; nothing on SQLite.
    public var forShare: String { self == .postgres ? " FOR SHARE" : "" }

    /// The operator of a `LIKE` that ignores ASCII case: SQLite's `LIKE` does, PostgreSQL's needs `ILIKE`.
    public var caseInsensitiveLike: String { self == .postgres ? "ILIKE" : "LIKE" }
}

/// A connection inside one transaction, on any engine: the only way BankKit's modules read and write.
///
/// SQL is written once, with `?` placeholders, in the subset both engines share; ``dialect`` covers
/// the rest. Services receive one from ``BankDatabase/write(_:)`` or ``BankDatabase/read(_:)`` and
/// must not keep it after their closure returns.
public protocol SQLDatabase: AnyObject {
    /// The engine.
    var dialect: SQLDialect { get }

    /// Runs one statement (prepared once per connection and reused).
    func execute(_ sql: String, _ arguments: SQLArguments) throws

    /// Runs several `;`-separated statements without arguments (migrations).
    func executeScript(_ sql: String) throws

    /// Runs a query and hands each row to `body` in turn; a row is valid only during its call (see ``SQLRow``).
    func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws

    /// The number of rows the last `INSERT`, `UPDATE` or `DELETE` changed.
    var changedRowCount: Int { get }
}

extension SQLDatabase {
    /// Runs one statement without arguments.
    public func execute(_ sql: String) throws { try execute(sql, []) }

    /// Every row of a query.
    public func rows(_ sql: String, _ arguments: SQLArguments = []) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try forEachRow(sql, arguments) { rows.append($0.copy()) }
        return rows
    }

    /// The first row of a query, or `nil`.
    public func row(_ sql: String, _ arguments: SQLArguments = []) throws -> SQLRow? {
        var first: SQLRow?
        try forEachRow(sql, arguments) { row in if first == nil { first = row.copy() } }
        return first
    }

    /// The first column of the first row, or `nil` when there is no row or it is NULL.
    public func value<T: SQLValueConvertible>(_ type: T.Type = T.self, _ sql: String, _ arguments: SQLArguments = []) throws -> T? {
        var first: T?
        var seen = false
        try forEachRow(sql, arguments) { row in
            if !seen { first = row[0] as T?; seen = true }
        }
        return first
    }

    /// The first column of every row, NULLs skipped.
    public func values<T: SQLValueConvertible>(_ type: T.Type = T.self, _ sql: String, _ arguments: SQLArguments = []) throws -> [T] {
        var values: [T] = []
        try forEachRow(sql, arguments) { row in if let value = row[0] as T? { values.append(value) } }
        return values
    }
}

/// What kind of constraint a failed statement broke, on any engine.
public enum SQLConstraint: Sendable, Hashable {
    case unique
    case check
    case foreignKey
    case notNull

    /// The constraint `error` reports breaking, or `nil` when it is another kind of error.
    public static func violated(by error: any Error) -> SQLConstraint? {
        sqliteConstraint(of: error) ?? postgresConstraint(of: error)
    }
}
