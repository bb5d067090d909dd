public import Foundation
import GRDB

/// One result row, the same type on every engine. Read columns by name or position:
/// `let id: AccountID = row["id"]`, `let note: String? = row[3]`.
///
/// Reading a non-optional type from NULL or from a value of another kind is a programming error
/// (a schema out of step with its code) and traps, as GRDB does.
public struct SQLRow: @unchecked Sendable {
    enum Storage {
        /// A GRDB row (copied when it outlives its cursor step).
        case sqlite(GRDB.Row)
        case values(SQLColumns, [SQLValue])
    }

    let storage: Storage

    init(_ row: GRDB.Row) { storage = .sqlite(row) }

    /// A row of plain values under `columns` (PostgreSQL's, say).
    package init(columns: SQLColumns, values: [SQLValue]) { storage = .values(columns, values) }

    /// The number of columns.
    public var count: Int {
        switch storage {
        case .sqlite(let row): row.count
        case .values(_, let values): values.count
        }
    }

    /// The value at `index`.
    public func value(at index: Int) -> SQLValue {
        switch storage {
        case .sqlite(let row): SQLValue(row[index] as DatabaseValue)
        case .values(_, let values): values[index]
        }
    }

    /// The value of `column` (case-insensitive), or NULL when there is no such column.
    public func value(named column: String) -> SQLValue {
        switch storage {
        case .sqlite(let row): SQLValue(row[column] as DatabaseValue? ?? .null)
        case .values(let columns, let values): columns.index(of: column).map { values[$0] } ?? .null
        }
    }

    public subscript<T: SQLValueConvertible>(_ column: String) -> T { Self.decode(value(named: column), column) }
    public subscript<T: SQLValueConvertible>(_ column: String) -> T? { Self.decodeOptional(value(named: column), column) }
    public subscript<T: SQLValueConvertible>(_ index: Int) -> T { Self.decode(value(at: index), "#\(index)") }
    public subscript<T: SQLValueConvertible>(_ index: Int) -> T? { Self.decodeOptional(value(at: index), "#\(index)") }

    /// The date in `column` (see ``SQLTimestamp``); a value that is not a date reads as 1970-01-01
    /// rather than stopping the process over one bad row.
    public func timestamp(_ column: String) -> Date { Date(sqlValue: value(named: column)) ?? Date(timeIntervalSince1970: 0) }
    /// The date at `index`, as ``timestamp(_:)``.
    public func timestamp(atIndex index: Int) -> Date { Date(sqlValue: value(at: index)) ?? Date(timeIntervalSince1970: 0) }
    /// The date in `column`, or `nil` for NULL.
    public func optionalTimestamp(_ column: String) -> Date? { value(named: column).isNull ? nil : timestamp(column) }
    /// The UUID at `index`, or `nil` for NULL: callers wrap it in their concrete id type, which is cheaper
    /// than decoding a generic `Identifier`.
    public func uuid(atIndex index: Int) -> UUID? { self[index] }

    /// An independent copy, safe to keep after the cursor that produced this row moves on.
    func copy() -> SQLRow {
        switch storage {
        case .sqlite(let row): SQLRow(row.copy())
        case .values: self
        }
    }

    private static func decode<T: SQLValueConvertible>(_ value: SQLValue, _ column: String) -> T {
        guard let decoded = T(sqlValue: value) else { fatalError("could not read \(T.self) from \(value) in column \(column)") }
        return decoded
    }

    private static func decodeOptional<T: SQLValueConvertible>(_ value: SQLValue, _ column: String) -> T? {
        if value.isNull { return nil }
        return decode(value, column) as T
    }
}

/// The column names of a result, shared by its rows.
package final class SQLColumns: Sendable {
    let names: [String]
    private let positions: [String: Int]

    package init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() where positions[name.lowercased()] == nil { positions[name.lowercased()] = index }
        self.positions = positions
    }

    func index(of column: String) -> Int? {
        if let index = names.firstIndex(of: column) { return index }
        return positions[column.lowercased()]
    }
}

extension SQLValue {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let integer): self = .integer(integer)
        case .double(let real): self = .real(real)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob(data)
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let integer): integer.databaseValue
        case .real(let real): real.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let data): data.databaseValue
        }
    }
}
