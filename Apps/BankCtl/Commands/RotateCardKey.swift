import ArgumentParser
import BankCore
import BankRuntime
import Cards
import Storage

/// `bankctl rotate-card-key`: a new card key version, and every PAN re-encrypted under it.
struct RotateCardKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-card-key",
        abstract: "Add a card key version and re-encrypt every card number under it.",
        discussion: """
            Writes <data.dir>/secrets/card_key.v<N>.b64 (mode 0600), then re-encrypts the cards in batches, \
            each batch committed on its own. If a previous rotation was interrupted, this finishes it instead \
            of adding another version. Keep the old key files: cards not yet re-encrypted need them, and so \
            do backups.
            """)

    @Option(help: "Cards per transaction.")
    var batchSize = 500

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 10000") }
    }

    func run() async throws {
        var bank = try await store.openBank()
        var pending = try await bank.cards.cardsUnderOlderKeys()
        if pending > 0 {
            print("Resuming an interrupted rotation: \(pending) cards are still under an older key.")
        } else {
            try bank.database.close()
            let config = try await store.config()
            let version = try BankSecrets.addCardKeyVersion(config: config, dataDirectory: bank.settings.dataDirectory)
            bank = try await Bank.open(config: config)
            pending = try await bank.cards.cardsUnderOlderKeys()
            print("Added card key version \(version); re-encrypting \(pending) cards.")
        }
        defer { try? bank.database.close() }
        let total = pending
        var done = 0
        while pending > 0 {
            let progress = try await bank.cards.rekeyBatch(limit: batchSize, actor: .system)
            done += progress.rekeyed
            pending = progress.remaining
            print("  \(done)/\(total) cards re-encrypted")
            if progress.rekeyed == 0 { break }
        }
        print("Every card is under the current key version.")
    }
}
