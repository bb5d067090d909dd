public import BankCore
import Foundation
import Storage

/// Progress of a key rotation.
public struct RekeyProgress: Sendable, Hashable {
    /// Cards re-sealed by this batch.
    public let rekeyed: Int
    /// Cards still sealed under an older version.
    public let remaining: Int
}

extension CardService {
    /// How many cards are sealed under a key version older than the current one.
    public func cardsUnderOlderKeys() async throws -> Int {
        let current = keys.currentVersion
        return try await database.read { db in try Self.countUnderOlderKeys(than: current, in: db) }
    }

    /// Re-seals up to `limit` cards that are under an older key version with the current one, in one
    /// write transaction (with one audit row). Run it until `remaining` is zero; an interrupted
    /// rotation resumes where it stopped, because each batch commits on its own.
    /// - Throws: ``CardKeyError`` when an old ciphertext does not open (its key is missing or it was tampered with).
    public func rekeyBatch(limit: Int = 500, actor: Actor) async throws -> RekeyProgress {
        let current = keys.currentVersion
        let now = clock.now()
        return try await database.write { db in
            // Locked until commit (PostgreSQL): each update below writes back every column it read.
            let batch = try db.rows(
                "SELECT \(CardRecord.columns) FROM cards WHERE key_version < ? ORDER BY rowid LIMIT ?" + db.dialect.forUpdate, [current, limit]
            ).map(CardRecord.init(row:))
            for var record in batch {
                let sealed = keys.seal(try keys.open(record.panCiphertext, version: record.keyVersion))
                record.panCiphertext = sealed.ciphertext
                record.keyVersion = sealed.version
                record.updatedAt = now
                guard try record.update(in: db) else { throw CardError.notFound(record.id) }
            }
            if !batch.isEmpty {
                try database.audit.append(
                    AuditEvent(action: "cards.rekeyed", targetType: "card_key", targetID: String(current), details: ["cards": String(batch.count)]),
                    by: actor, at: now, in: db)
            }
            return RekeyProgress(rekeyed: batch.count, remaining: try Self.countUnderOlderKeys(than: current, in: db))
        }
    }

    /// How many cards are sealed under a key version older than `current`.
    private static func countUnderOlderKeys(than current: Int, in db: any SQLDatabase) throws -> Int {
        try db.value(Int.self, "SELECT COUNT(*) FROM cards WHERE key_version < ?", [current]) ?? 0
    }
}
