public import BankCore
public import GRDB
import Foundation

/// Typed identifiers are stored as lowercase UUID text, readable in the SQLite shell.
extension Identifier: SQLExpressible {}
extension Identifier: StatementBinding {}
extension Identifier: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { description.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Identifier? {
        String.fromDatabaseValue(dbValue).flatMap { Identifier($0) }
    }
}

/// Money is stored as integer cents.
extension Money: SQLExpressible {}
extension Money: StatementBinding {}
extension Money: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { cents.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Money? {
        Int64.fromDatabaseValue(dbValue).map { Money(cents: $0) }
    }
}

/// Makes a `LIKE` pattern that matches `text` literally anywhere (with `ESCAPE '\'`).
public func likePattern(containing text: String) -> String {
    let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
        .replacingOccurrences(of: "%", with: "\\%")
        .replacingOccurrences(of: "_", with: "\\_")
    return "%\(escaped)%"
}

/// Roles are stored as their raw value.
extension Role: SQLExpressible {}
extension Role: StatementBinding {}
extension Role: DatabaseValueConvertible {}
