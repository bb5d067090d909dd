import BankCore
import BankTestSupport
import Cards
import Foundation
import Ledger
import Storage
import Testing

@Suite struct CardKeyTests {
    @Test func cardsSealedUnderAnOldKeyStillRevealAfterRotationAndNewCardsUseTheNewKey() async throws {
        let bank = try TestBank(cardKeys: [1: TestBank.key(1)])
        let first = try await bank.cards.issue(for: try await bank.openAccount().id, holder: "Ada", in: bank.mine, actor: .system)
        let rotated = try bank.cardService(keys: [1: TestBank.key(1), 2: TestBank.key(2)])

        let second = try await rotated.issue(for: try await bank.openAccount().id, holder: "Ada", in: bank.mine, actor: .system)

        #expect(try await rotated.reveal(first.card.id, in: bank.mine, actor: .system).pan == first.pan)
        #expect(try await rotated.reveal(second.card.id, in: bank.mine, actor: .system).pan == second.pan)
        let versions = try await bank.database.read { db in
            try db.values(Int.self, "SELECT key_version FROM cards ORDER BY created_at, rowid")
        }
        #expect(versions == [1, 2])
    }

    @Test func aMissingKeyVersionIsAClearErrorNotGarbage() async throws {
        let bank = try TestBank(cardKeys: [1: TestBank.key(1)])
        let issued = try await bank.cards.issue(for: try await bank.openAccount().id, holder: "Ada", in: bank.mine, actor: .system)
        let onlyNewKey = try bank.cardService(keys: [2: TestBank.key(2)])

        await #expect(throws: CardKeyError.missingVersion(1)) {
            try await onlyNewKey.reveal(issued.card.id, in: bank.mine, actor: .system)
        }
    }

    @Test func aTamperedCiphertextIsRefused() async throws {
        let bank = try TestBank()
        let issued = try await bank.cards.issue(for: try await bank.openAccount().id, holder: "Ada", in: bank.mine, actor: .system)
        let stored = try await bank.database.read { db in
            try db.value(Data.self, "SELECT pan_ciphertext FROM cards WHERE id = ?", [issued.card.id])
        }
        var ciphertext = try #require(stored)
        ciphertext[ciphertext.count - 1] ^= 0x01
        try await bank.database.write { [ciphertext] db in
            try db.execute("UPDATE cards SET pan_ciphertext = ? WHERE id = ?", [ciphertext, issued.card.id])
        }

        await #expect(throws: CardKeyError.decryptionFailed) {
            try await bank.cards.reveal(issued.card.id, in: bank.mine, actor: .system)
        }
    }

    @Test func aKeyUnderThirtyTwoBytesIsRejected() {
        #expect(throws: CardKeyError.invalidKey(version: 1)) { try CardKeyRing(keys: [1: [1, 2, 3]], indexKey: TestBank.key(42)) }
        #expect(throws: CardKeyError.noKeys) { try CardKeyRing(keys: [:], indexKey: TestBank.key(42)) }
    }

    @Test func revealIsAudited() async throws {
        let bank = try TestBank()
        let issued = try await bank.cards.issue(for: try await bank.openAccount().id, holder: "Ada", in: bank.mine, actor: .system)

        let revealed = try await bank.cards.reveal(issued.card.id, in: bank.mine, actor: .system)

        #expect(revealed.pan == issued.pan)
        #expect(revealed.expiryYear == issued.card.expiryYear)
        #expect(try await bank.integer("SELECT COUNT(*) FROM audit_log WHERE action = 'card.revealed' AND target_id = ?", [issued.card.id]) == 1)
        #expect(try await bank.soundnessProblems() == [])
    }
}
