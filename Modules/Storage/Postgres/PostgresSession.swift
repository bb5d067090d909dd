import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// One PostgreSQL connection inside one transaction, as a ``SQLDatabase``.
///
/// Services run synchronously inside their transaction closures, so each statement waits for its
/// result here, on a thread of the engine's own pool, never on an event loop.
final class PostgresSession: SQLDatabase {
    let connection: PostgresConnection
    let logger: Logger
    let isReadOnly: Bool
    private(set) var changedRowCount = 0

    init(connection: PostgresConnection, logger: Logger, isReadOnly: Bool) {
        self.connection = connection
        self.logger = logger
        self.isReadOnly = isReadOnly
    }

    var dialect: SQLDialect { .postgres }

    func execute(_ sql: String, _ arguments: SQLArguments) throws {
        let result = try run(sql, arguments)
        changedRowCount = result.metadata.rows ?? 0
    }

    /// postgres-nio speaks only the extended protocol, one statement per message: the script is split
    /// into its statements first (see ``SQLScript``).
    func executeScript(_ sql: String) throws {
        for statement in SQLScript.statements(of: sql) { try execute(statement, []) }
    }

    func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
        let result = try run(sql, arguments)
        changedRowCount = result.metadata.rows ?? 0
        guard let first = result.rows.first else { return }
        let columns = SQLColumns(first.map(\.columnName))
        for row in result.rows {
            try body(SQLRow(columns: columns, values: row.map(Self.value(of:))))
        }
    }

    private func run(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQueryResult {
        do {
            return try connection.query(Self.query(sql, arguments), logger: logger).wait()
        } catch let error as PSQLError {
            throw PostgresError(error)
        }
    }

    // MARK: - Binding and decoding

    /// `sql` with its `?` placeholders numbered as PostgreSQL expects, and its arguments bound. - Throws:
    /// when the arguments do not match the placeholders one for one (PostgreSQL itself ignores extra ones).
    static func query(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQuery {
        let (text, placeholderCount) = placeholders.numbered(sql)
        guard placeholderCount == arguments.values.count else {
            throw PostgresError(sqlState: nil, message: "wrong number of statement arguments: \(arguments.values.count) for \(placeholderCount)")
        }
        var bindings = PostgresBindings(capacity: arguments.values.count)
        for value in arguments.values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let integer): bindings.append(integer)
            case .real(let real): bindings.append(real)
            case .text(let text): bindings.append(text)
            case .blob(let data): bindings.append(ByteBuffer(bytes: data))
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }

    private static let placeholders = PlaceholderCache()

    /// A result cell as the engine-neutral value BankKit reads: integers, text, bytes.
    static func value(of cell: PostgresCell) -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid:
            return (try? cell.decode(Int64.self)).map(SQLValue.integer) ?? .null
        case .bool:
            return (try? cell.decode(Bool.self)).map { .integer($0 ? 1 : 0) } ?? .null
        case .float4, .float8:
            return (try? cell.decode(Double.self)).map(SQLValue.real) ?? .null
        case .numeric:
            // SUM of a BIGINT column is NUMERIC in PostgreSQL; money sums are whole cents.
            guard let decimal = try? cell.decode(Decimal.self) else { return .null }
            let text = "\(decimal)"
            if let integer = Int64(text) { return .integer(integer) }
            return Double(text).map(SQLValue.real) ?? .text(text)
        case .bytea:
            return (try? cell.decode(ByteBuffer.self)).map { .blob(Data($0.readableBytesView)) } ?? .null
        default:
            return (try? cell.decode(String.self)).map(SQLValue.text) ?? .null
        }
    }

    // MARK: - Errors

    /// The SQLSTATE of a PostgreSQL error, when `error` is one.
    static func sqlState(of error: any Error) -> String? {
        (error as? PostgresError)?.sqlState ?? (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// Whether running the whole transaction again may succeed: a deadlock or a serialization failure.
    static func isRetryable(_ error: any Error) -> Bool {
        ["40001", "40P01"].contains(sqlState(of: error))
    }
}

/// A failure reported by PostgreSQL or its connection, readable in logs and tests: postgres-nio's own
/// error prints a generic text unless reflected, and its reflection carries the query and its values.
/// This keeps the server's SQLSTATE, message and detail, or the connection's error code, and no values.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// The SQLSTATE (`23505`), for errors the server sent.
    public let sqlState: String?
    /// What went wrong.
    public let message: String

    init(sqlState: String?, message: String) {
        self.sqlState = sqlState
        self.message = message
    }

    init(_ error: PSQLError) {
        if let info = error.serverInfo {
            sqlState = info[.sqlState]
            message = [info[.message], info[.detail]].compactMap { $0 }.joined(separator: " ")
        } else {
            sqlState = nil
            message = "connection: \(error.code)" + (error.underlying.map { " (\($0))" } ?? "")
        }
    }

    public var description: String { "PostgreSQL " + (sqlState.map { "\($0): " } ?? "") + message }
}

/// The constraint a PostgreSQL error reports.
func postgresConstraint(of error: any Error) -> SQLConstraint? {
    switch PostgresSession.sqlState(of: error) {
    case "23505": .unique
    case "23514": .check
    case "23503": .foreignKey
    case "23502": .notNull
    default: nil
    }
}

/// Splits SQL text into statements at the `;` outside quotes, dollar-quoted bodies (`$$ … $$`,
/// `$tag$ … $tag$`) and comments.
enum SQLScript {
    static func statements(of script: String) -> [String] {
        let characters = Array(script)
        var statements: [String] = []
        var current = ""
        var index = 0
        func flush() {
            let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty { statements.append(statement) }
            current = ""
        }
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "'", "\"":
                // A quoted string or identifier; a doubled quote inside it is an escaped quote and is copied the same way.
                current.append(character)
                index += 1
                while index < characters.count {
                    current.append(characters[index])
                    index += 1
                    if characters[index - 1] == character { break }
                }
            case "-" where index + 1 < characters.count && characters[index + 1] == "-":
                while index < characters.count && characters[index] != "\n" {
                    current.append(characters[index])
                    index += 1
                }
            case "$":
                // A dollar quote's tag: `$` + letters, digits or `_` + `$`.
                var end = index + 1
                while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" { end += 1 }
                guard end < characters.count, characters[end] == "$" else {
                    current.append(character)
                    index += 1
                    continue
                }
                let tag = String(characters[index...end])
                current += tag
                index = end + 1
                while index < characters.count {
                    if characters[index] == "$", index + tag.count <= characters.count, String(characters[index..<index + tag.count]) == tag {
                        current += tag
                        index += tag.count
                        break
                    }
                    current.append(characters[index])
                    index += 1
                }
            case ";":
                flush()
                index += 1
            default:
                current.append(character)
                index += 1
            }
        }
        flush()
        return statements
    }
}

/// `?` placeholders rewritten as `$1`, `$2`, …, once per distinct SQL text.
final class PlaceholderCache: Sendable {
    private let cache = Mutex<[String: (text: String, count: Int)]>([:])

    /// The numbered text, and how many placeholders it has.
    func numbered(_ sql: String) -> (text: String, count: Int) {
        if let cached = cache.withLock({ $0[sql] }) { return cached }
        let numbered = Self.number(sql)
        cache.withLock { if $0.count < 4_096 { $0[sql] = numbered } }
        return numbered
    }

    /// Numbers the `?` outside quoted text and identifiers.
    static func number(_ sql: String) -> (text: String, count: Int) {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var index = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                index += 1
                result += "$\(index)"
            } else {
                result.append(character)
            }
        }
        return (result, index)
    }
}
