public import GRDB
import Foundation
import GRDBSQLite

/// SQLite through GRDB: a `Database` (a connection inside a GRDB transaction) is a ``SQLDatabase``.
/// Every statement is a GRDB cached statement, prepared once per connection.
extension Database: SQLDatabase {
    public var dialect: SQLDialect { .sqlite }

    public func execute(_ sql: String, _ arguments: SQLArguments) throws {
        let statement = try cachedStatement(sql: sql)
        try statement.bind(arguments)
        try statement.execute()
    }

    public func executeScript(_ sql: String) throws {
        try execute(sql: sql)
    }

    public func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
        let statement = try cachedStatement(sql: sql)
        try statement.bind(arguments)
        let cursor = try GRDB.Row.fetchCursor(statement)
        while let row = try cursor.next() { try body(SQLRow(row)) }
    }

    public var changedRowCount: Int { changesCount }
}

extension Statement {
    /// Binds `arguments` to the SQLite statement itself, for GRDB's `execute()` and cursors to run as bound.
    ///
    /// GRDB's `StatementArguments` would take our values through existentials and its generic, unspecialised
    /// initialiser, then through a recursive temporary binding: in a history import that was more of the
    /// writer's time than SQLite's own work. `setUncheckedArguments` with no values resets the statement,
    /// clears its bindings and marks them bound; GRDB then executes with the values bound here.
    func bind(_ arguments: SQLArguments) throws {
        guard arguments.values.count == Int(sqlite3_bind_parameter_count(sqliteStatement)) else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "wrong number of statement arguments: \(arguments.values.count)", sql: sql)
        }
        setUncheckedArguments(StatementArguments())
        for (index, value) in zip(CInt(1)..., arguments.values) {
            let code: CInt
            switch value {
            case .null: code = sqlite3_bind_null(sqliteStatement, index)
            case .integer(let integer): code = sqlite3_bind_int64(sqliteStatement, index, integer)
            case .real(let real): code = sqlite3_bind_double(sqliteStatement, index, real)
            case .text(let text):
                var text = text
                code = text.withUTF8 { sqlite3_bind_text(sqliteStatement, index, $0.baseAddress, CInt($0.count), sqliteTransient) }
            case .blob(let data):
                // An empty blob has no base address, and a null pointer would bind NULL.
                code = data.isEmpty
                    ? sqlite3_bind_zeroblob(sqliteStatement, index, 0)
                    : data.withUnsafeBytes { sqlite3_bind_blob(sqliteStatement, index, $0.baseAddress, CInt($0.count), sqliteTransient) }
            }
            guard code == SQLITE_OK else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot bind argument \(index)", sql: sql)
            }
        }
    }
}

/// SQLite's "copy this value now" destructor, which C headers spell as a cast of -1.
private let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

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
