public import GRDB

/// SQLite through GRDB: a `Database` (a connection inside a GRDB transaction) is a ``SQLDatabase``.
/// Every statement is a GRDB cached statement, prepared once per connection.
extension Database: SQLDatabase {
    public var dialect: SQLDialect { .sqlite }

    public func execute(_ sql: String, _ arguments: SQLArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments.statementArguments)
    }

    public func executeScript(_ sql: String) throws {
        try execute(sql: sql)
    }

    public func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
        let cursor = try GRDB.Row.fetchCursor(
            cachedStatement(sql: sql), arguments: arguments.statementArguments)
        while let row = try cursor.next() { try body(SQLRow(row)) }
    }

    public var changedRowCount: Int { changesCount }
}

extension SQLArguments {
    /// GRDB's arguments for these values. Built from existentials on purpose: GRDB's initializer that takes a
    /// sequence of concrete values maps it with a key path, which is instantiated at run time on every call
    /// (`swift_getKeyPath`, generic metadata lookups) — about a tenth of a history import's writer time.
    var statementArguments: StatementArguments {
        StatementArguments(values.map { $0.databaseValue as (any DatabaseValueConvertible)? })
    }
}

/// The constraint a GRDB error reports.
func sqliteConstraint(of error: any Error) -> SQLConstraint? {
    guard let error = error as? DatabaseError else { return nil }
    switch error.extendedResultCode {
    case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY: return .unique
    case .SQLITE_CONSTRAINT_CHECK: return .check
    case .SQLITE_CONSTRAINT_FOREIGNKEY: return .foreignKey
    case .SQLITE_CONSTRAINT_NOTNULL: return .notNull
    default: return nil
    }
}
