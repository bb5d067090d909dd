import Foundation
public import Storage

/// Where tests keep their data: a fresh SQLite file per test bank by default, or, when
/// `BANKKIT_TEST_DATABASE_URL` names a PostgreSQL server, a fresh schema on it per test bank.
/// The same tests run on both engines (`make test` runs them twice).
public enum TestDatabase {
    /// The PostgreSQL server tests run against, if any.
    public static let postgresURL: String? = ProcessInfo.processInfo.environment["BANKKIT_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Whether tests run on PostgreSQL.
    public static var isPostgres: Bool { postgresURL != nil }

    /// Whether tests run on SQLite (for tests of SQLite's own files and pragmas).
    public static var isSQLite: Bool { postgresURL == nil }

    /// A URL of a new, empty schema on the test server; `nil` on SQLite.
    public static func freshPostgresURL() -> String? {
        guard let base = postgresURL else { return nil }
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return base + (base.contains("?") ? "&" : "?") + "search_path=" + schema
    }

    /// Opens a fresh database for `modules`: `directory/bank.sqlite`, or a new schema on the test server.
    public static func open(modules: [any BankModule], auditKey: [UInt8], directory: String) throws -> BankDatabase {
        if let url = freshPostgresURL() {
            return try BankDatabase(url: url, modules: modules, auditKey: auditKey, connections: 2)
        }
        return try BankDatabase(path: directory + "/bank.sqlite", modules: modules, auditKey: auditKey)
    }

    /// The names of the tables `database` holds, sorted.
    public static func tables(in db: any SQLDatabase) throws -> [String] {
        switch db.dialect {
        case .sqlite: try db.values(String.self, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        case .postgres:
            try db.values(String.self, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name")
        }
    }

    /// The bytes of every value stored in `db`'s tables: what a reader of PostgreSQL's files could find,
    /// to prove what is and is not stored.
    public static func storedBytes(in db: any SQLDatabase) throws -> [UInt8] {
        try tables(in: db).flatMap { try storedBytes(ofTable: $0, in: db) }
    }

    /// The bytes of every value in `table`: text as UTF-8, blobs as they are, numbers as their digits,
    /// each value followed by a zero byte.
    public static func storedBytes(ofTable table: String, in db: any SQLDatabase) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try db.forEachRow("SELECT * FROM \(table)", []) { row in
            for index in 0..<row.count {
                switch row.value(at: index) {
                case .null: break
                case .integer(let integer): bytes += Array(String(integer).utf8)
                case .real(let real): bytes += Array(String(real).utf8)
                case .text(let text): bytes += Array(text.utf8)
                case .blob(let data): bytes += Array(data)
                }
                bytes.append(0)
            }
        }
        return bytes
    }

    /// Every row of `table` as text, in a stable order: two equal dumps mean nothing was written.
    public static func rows(of table: String, in db: any SQLDatabase) throws -> [String] {
        try db.rows("SELECT * FROM \(table)").map { row in
            (0..<row.count).map { "\(row.value(at: $0))" }.joined(separator: "|")
        }.sorted()
    }
}
