public import BankCore
public import Foundation
internal import Sodium

/// The append-only, hash-chained audit log: `hash = BLAKE2b_key(prev_hash ‖ canonical row)`.
///
/// Rows are appended inside the transaction of the change they record. Triggers refuse UPDATE and
/// DELETE; an edit made behind the database's back breaks the chain, and ``verify(_:)`` names the first bad row.
public struct AuditLog: Sendable {
    /// The `prev_hash` of the first row.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The PostgreSQL advisory lock that orders appends ("AUDIT" in ASCII). SQLite has one writer anyway.
    static let appendLockKey: Int64 = 0x41_55_44_49_54

    private let hasher: KeyedHash

    /// Creates the log's hasher; `key` is 16–64 bytes, or empty for an unkeyed chain.
    public init(key: [UInt8]) throws {
        hasher = try KeyedHash(key: key)
    }

    /// Appends one row for `event` done by `actor` at `at`. Call inside the write transaction of the change.
    @discardableResult
    public func append(_ event: AuditEvent, by actor: Actor, at date: Date, in db: any SQLDatabase) throws -> AuditEntry {
        // On PostgreSQL, transactions of any server append concurrently: each holds this lock from here to its
        // commit, so the row read next is the chain's true last row (READ COMMITTED reads the latest commit).
        if db.dialect == .postgres { try db.execute("SELECT pg_advisory_xact_lock(?)", [Self.appendLockKey]) }
        // The chain's last row gives both the link and the next id: the log is append-only, so ids have no gaps.
        let last = try db.row("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        let previous = last.map { $0["hash"] as String } ?? Self.genesisHash
        let id = (last.map { $0["id"] as Int64 } ?? 0) + 1
        var entry = AuditEntry(
            id: id, at: Self.timestamp(date), actorID: actor.principal?.userID.description,
            actorRole: actor.principal?.role.rawValue, action: event.action, targetType: event.targetType,
            targetID: event.targetID, ip: actor.ip, userAgent: actor.userAgent, requestID: actor.requestID,
            details: Self.canonicalDetails(event.details), prevHash: previous, hash: "")
        entry.hash = hash(of: entry)
        try db.execute(
            """
            INSERT INTO audit_log (id, at, actor_id, actor_role, action, target_type, target_id, ip, user_agent,
                request_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                entry.id, entry.at, entry.actorID, entry.actorRole, entry.action, entry.targetType, entry.targetID,
                entry.ip, entry.userAgent, entry.requestID, entry.details, entry.prevHash, entry.hash,
            ])
        return entry
    }

    /// Walks the whole chain in order; the first row whose link or hash does not match is reported.
    public func verify(_ db: any SQLDatabase) throws -> AuditVerification {
        var previous = Self.genesisHash
        var count = 0
        var firstBad: Int64?
        try db.forEachRow("SELECT * FROM audit_log ORDER BY id", []) { row in
            guard firstBad == nil else { return }
            let entry = AuditEntry(row: row)
            count += 1
            if entry.prevHash != previous || entry.hash != hash(of: entry) { firstBad = entry.id }
            previous = entry.hash
        }
        return AuditVerification(valid: firstBad == nil, entries: count, firstBadEntry: firstBad)
    }

    /// Entries newest first, filtered.
    public func list(_ db: any SQLDatabase, filter: AuditFilter, page: PageRequest) throws -> Page<AuditEntry> {
        var conditions: [String] = []
        var arguments: SQLArguments = []
        if let actor = filter.actorID { conditions.append("actor_id = ?"); arguments += [actor] }
        if let action = filter.action { conditions.append("action = ?"); arguments += [action] }
        if let from = filter.from { conditions.append("at >= ?"); arguments += [Self.timestamp(from)] }
        if let to = filter.to { conditions.append("at < ?"); arguments += [Self.timestamp(to)] }
        if let cursor = page.cursor { conditions.append("id < ?"); arguments += [cursor.position] }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try db.rows("SELECT * FROM audit_log \(whereClause) ORDER BY id DESC LIMIT ?", arguments + [page.limit + 1])
            .map(AuditEntry.init(row:))
        return Page.from(rows: rows, limit: page.limit, position: \.id) { $0 }
    }

    private func hash(of entry: AuditEntry) -> String {
        let fields: [String?] = [
            String(entry.id), entry.at, entry.actorID, entry.actorRole, entry.action, entry.targetType, entry.targetID,
            entry.ip, entry.userAgent, entry.requestID, entry.details,
        ]
        // Length-prefixed fields: no choice of values can make two different rows serialise the same.
        var canonical = Array(entry.prevHash.utf8)
        for field in fields {
            if let field {
                let bytes = Array(field.utf8)
                canonical += Array("\(bytes.count):".utf8) + bytes
            } else {
                canonical += Array("-;".utf8)
            }
        }
        return Hex.encode(hasher.hash(canonical))
    }

    /// Millisecond-precision UTC timestamp, stored as text so the hash input is exactly what is stored.
    static func timestamp(_ date: Date) -> String { date.rfc3339Milliseconds }

    /// The details as a JSON object with sorted keys. Written by hand because a JSONEncoder per audit
    /// row was a measurable share of every money movement; the chain hashes the stored text, so only
    /// its validity and determinism matter.
    static func canonicalDetails(_ details: [String: String]) -> String {
        var text = "{"
        for (index, key) in details.keys.sorted().enumerated() {
            if index > 0 { text += "," }
            text += jsonString(key) + ":" + jsonString(details[key]!)
        }
        return text + "}"
    }

    private static func jsonString(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}

/// One row of the audit log.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// Position in the chain, from 1.
    public var id: Int64
    /// RFC 3339 UTC with milliseconds.
    public var at: String
    public var actorID: String?
    public var actorRole: String?
    public var action: String
    public var targetType: String
    public var targetID: String?
    public var ip: String?
    public var userAgent: String?
    public var requestID: String?
    /// JSON object with sorted keys.
    public var details: String
    public var prevHash: String
    public var hash: String

    enum CodingKeys: String, CodingKey {
        case id, at, action, details, hash
        case actorID = "actor_id", actorRole = "actor_role", targetType = "target_type", targetID = "target_id"
        case ip, userAgent = "user_agent", requestID = "request_id", prevHash = "prev_hash"
    }
}

extension AuditEntry {
    init(row: SQLRow) {
        id = row["id"]
        at = row["at"]
        actorID = row["actor_id"]
        actorRole = row["actor_role"]
        action = row["action"]
        targetType = row["target_type"]
        targetID = row["target_id"]
        ip = row["ip"]
        userAgent = row["user_agent"]
        requestID = row["request_id"]
        details = row["details"]
        prevHash = row["prev_hash"]
        hash = row["hash"]
    }
}

/// The outcome of walking the audit chain.
public struct AuditVerification: Sendable, Hashable, Codable {
    /// Whether every row links to its predecessor and hashes to its stored hash.
    public let valid: Bool
    /// How many rows were read (up to and including the first bad one).
    public let entries: Int
    /// The id of the first row that does not verify.
    public let firstBadEntry: Int64?
}

/// Filters of an audit log listing.
public struct AuditFilter: Sendable, Hashable {
    public var actorID: String?
    public var action: String?
    public var from: Date?
    public var to: Date?

    /// Creates a filter; `nil` fields do not filter.
    public init(actorID: String? = nil, action: String? = nil, from: Date? = nil, to: Date? = nil) {
        self.actorID = actorID
        self.action = action
        self.from = from
        self.to = to
    }
}
