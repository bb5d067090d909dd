import BankCore
import Foundation
import Storage

/// Failed logins of one user from one source (an IPv4 address or an IPv6 /64), for the lockout decision.
///
/// A row with `lockoutCount > 0` is a source whose failures already locked the user once: from then
/// on its failures lock only itself (see ``IdentityService/LockoutPolicy``).
struct LoginSourceRecord: Sendable {
    var userId: UserID
    var source: String
    /// Failures in a row from this source; for a source that has not caused a lock, failures of the current streak.
    var failedCount: Int
    /// How many locks this source's failures caused (the user's and then its own); > 0 makes it a known offender.
    var lockoutCount: Int
    /// When this source's own lock ends.
    var lockedUntil: Date?
    var updatedAt: Date

    /// The row of `user` and `source`, or a fresh one.
    /// - Parameter forUpdate: lock the row (on engines that lock rows) because it is about to be saved.
    static func find(user: UserID, source: String, in db: any SQLDatabase, forUpdate: Bool = false) throws -> LoginSourceRecord {
        try db.row(
            "SELECT * FROM login_sources WHERE user_id = ? AND source = ?" + (forUpdate ? db.dialect.forUpdate : ""), [user, source]
        ).map(LoginSourceRecord.init(row:))
            ?? LoginSourceRecord(userId: user, source: source, failedCount: 0, lockoutCount: 0, lockedUntil: nil, updatedAt: .distantPast)
    }

    /// Writes this row: updates the stored row of its user and source, or inserts it when there is none.
    func save(in db: any SQLDatabase) throws {
        try db.execute(
            """
            INSERT INTO login_sources (user_id, source, failed_count, lockout_count, locked_until, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id, source) DO UPDATE SET
                failed_count = excluded.failed_count, lockout_count = excluded.lockout_count,
                locked_until = excluded.locked_until, updated_at = excluded.updated_at
            """,
            [userId, source, failedCount, lockoutCount, lockedUntil, updatedAt])
    }

    /// The source a client address counts as: an IPv4 address as is, an IPv6 address by its /64 prefix
    /// (one subscriber's allocation, which an attacker can rotate through for free), `-` when unknown.
    static func source(of ip: String?) -> String {
        guard let ip = ip?.trimmingCharacters(in: .whitespaces).lowercased(), !ip.isEmpty else { return "-" }
        guard ip.contains(":") else { return ip }
        // An IPv4-mapped IPv6 address (::ffff:192.0.2.1) is the IPv4 client.
        if let last = ip.split(separator: ":").last, last.contains(".") { return String(last) }
        let address = ip.split(separator: "%", maxSplits: 1).first.map(String.init) ?? ip
        let halves = address.components(separatedBy: "::")
        let head = halves[0].split(separator: ":").map(String.init)
        let tail = halves.count > 1 ? halves[1].split(separator: ":").map(String.init) : []
        let groups = head + Array(repeating: "0", count: max(0, 8 - head.count - tail.count)) + tail
        guard groups.count == 8 else { return address }
        return groups.prefix(4).map { String(Int($0, radix: 16) ?? 0, radix: 16) }.joined(separator: ":") + "::/64"
    }
}

extension LoginSourceRecord {
    /// Decodes a row of `SELECT * FROM login_sources`.
    init(row: SQLRow) {
        self.init(
            userId: row["user_id"], source: row["source"], failedCount: row["failed_count"], lockoutCount: row["lockout_count"],
            lockedUntil: row.optionalTimestamp("locked_until"), updatedAt: row.timestamp("updated_at"))
    }
}
