public import BankCore
import Foundation
import GRDB
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
        return try await database.writer.read { db in try CardRecord.filter(Column("key_version") < current).fetchCount(db) }
    }

    /// Re-seals up to `limit` cards that are under an older key version with the current one, in one
    /// write transaction (with one audit row). Run it until `remaining` is zero; an interrupted
    /// rotation resumes where it stopped, because each batch commits on its own.
    /// - Throws: ``CardKeyError`` when an old ciphertext does not open (its key is missing or it was tampered with).
    public func rekeyBatch(limit: Int = 500, actor: Actor) async throws -> RekeyProgress {
        let current = keys.currentVersion
        let now = clock.now()
        return try await database.write { db in
            let batch = try CardRecord.filter(Column("key_version") < current).order(Column("rowid")).limit(limit).fetchAll(db)
            for var record in batch {
                let sealed = keys.seal(try keys.open(record.panCiphertext, version: record.keyVersion))
                record.panCiphertext = sealed.ciphertext
                record.keyVersion = sealed.version
                record.updatedAt = now
                try record.update(db)
            }
            if !batch.isEmpty {
                try database.audit.append(
                    AuditEvent(action: "cards.rekeyed", targetType: "card_key", targetID: String(current), details: ["cards": String(batch.count)]),
                    by: actor, at: now, in: db)
            }
            return RekeyProgress(rekeyed: batch.count, remaining: try CardRecord.filter(Column("key_version") < current).fetchCount(db))
        }
    }
}
