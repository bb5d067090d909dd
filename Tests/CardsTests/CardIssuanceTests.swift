import BankCore
import BankTestSupport
import Cards
import Foundation
import Ledger
import Storage
import Testing

@Suite struct CardIssuanceTests {
    @Test func issuedCardHasALuhnValidPANUnderTheDemoBINAndAOneTimeCVV() async throws {
        let bank = try TestBank()
        let account = try await bank.openAccount()

        let issued = try await bank.cards.issue(for: account.id, holder: "Ada Lovelace", in: bank.mine, actor: .system)

        #expect(issued.pan.count == 16)
        #expect(issued.pan.hasPrefix("400000"))
        #expect(PAN.isValid(issued.pan))
        #expect(issued.cvv.count == 3 && issued.cvv.allSatisfy(\.isNumber))
        #expect(issued.card.lastFour == String(issued.pan.suffix(4)))
        #expect(issued.card.cardholderName == "ADA LOVELACE")
        #expect(issued.card.status == .active)
        #expect(issued.card.expiryYear == 2029)
        #expect(issued.card.expiryMonth == 11)
        #expect(try await bank.soundnessProblems() == [])
    }

    /// Eight issues at once on one account (on PostgreSQL, eight transactions at once): one card, seven `card_exists`.
    @Test func concurrentIssuesOnOneAccountGiveOneCard() async throws {
        let bank = try TestBank()
        let account = try await bank.openAccount()
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do {
                        _ = try await bank.cards.issue(for: account.id, holder: "Ada", in: bank.mine, actor: .system)
                        return "issued"
                    } catch let error as CardError {
                        return error.code
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.sorted() == (["issued"] + Array(repeating: "card_exists", count: 7)).sorted(), "\(outcomes)")
        #expect(try await bank.cards.cards(of: account.id, in: bank.mine).count == 1)
    }

    @Test func luhnCheckAcceptsValidNumbersAndRejectsOthers() {
        #expect(PAN.isValid("4000000000000002"))
        #expect(!PAN.isValid("4000000000000003"))
        #expect(!PAN.isValid("400000000000000"))
        #expect(!PAN.isValid("40000000000000a2"))
        for _ in 0..<200 { #expect(PAN.isValid(PAN.generate())) }
    }

    @Test func databaseHoldsNoIssuedPANInClearAndHasNoPlaceForACVV() async throws {
        let bank = try TestBank()
        var pans: [String] = []
        for _ in 0..<5 {
            let account = try await bank.openAccount()
            let issued = try await bank.cards.issue(for: account.id, holder: "Ada Lovelace", in: bank.mine, actor: .system)
            _ = try await bank.cards.reveal(issued.card.id, in: bank.mine, actor: .system)
            pans.append(issued.pan)
        }
        let bytes = try await bank.rawBytes()
        for pan in pans {
            #expect(!bytes.contains(utf8: pan))
            #expect(!bytes.contains(utf8: String(pan.prefix(12))))
        }
        let columns = try await bank.database.read { db in
            switch db.dialect {
            case .sqlite: try db.values(String.self, "SELECT name FROM pragma_table_info('cards')")
            case .postgres:
                try db.values(
                    String.self,
                    "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'cards'")
            }
        }
        #expect(columns.contains("pan_ciphertext"))
        #expect(!columns.contains { $0.localizedCaseInsensitiveContains("cvv") || $0.localizedCaseInsensitiveContains("cvc") })
        let issueDetails = try await bank.database.read { db in
            try db.values(String.self, "SELECT details FROM audit_log WHERE action IN ('card.issued', 'card.revealed')")
        }
        #expect(issueDetails.count == 10)
        #expect(issueDetails.allSatisfy { !$0.contains("pan") && !$0.contains("cvv") })
    }

    @Test func anAccountHasOneLiveCardAtATime() async throws {
        let bank = try TestBank()
        let account = try await bank.openAccount()
        let first = try await bank.cards.issue(for: account.id, holder: "Ada", in: bank.mine, actor: .system)

        await #expect { try await bank.cards.issue(for: account.id, holder: "Ada", in: bank.mine, actor: .system) } throws: { error in
            (error as? CardError)?.code == "card_exists"
        }
        _ = try await bank.cards.freeze(first.card.id, in: bank.mine, actor: .system)
        await #expect { try await bank.cards.issue(for: account.id, holder: "Ada", in: bank.mine, actor: .system) } throws: { error in
            (error as? CardError)?.code == "card_exists"
        }
        _ = try await bank.cards.cancel(first.card.id, in: bank.mine, actor: .system)
        let second = try await bank.cards.issue(for: account.id, holder: "Ada", in: bank.mine, actor: .system)

        #expect(second.pan != first.pan)
        let listed = try await bank.cards.cards(of: account.id, in: bank.mine)
        #expect(listed.map(\.id) == [second.card.id, first.card.id])
        #expect(listed.map(\.status) == [.active, .cancelled])
    }

    @Test func anotherMemberSeesNeitherTheCardsNorTheAccount() async throws {
        let bank = try TestBank()
        let account = try await bank.openAccount()
        let issued = try await bank.cards.issue(for: account.id, holder: "Ada", in: bank.mine, actor: .system)
        let theirs = OwnerScope.owner(bank.stranger)

        await #expect { try await bank.cards.cards(of: account.id, in: theirs) } throws: { ($0 as? LedgerError)?.code == "account_not_found" }
        await #expect { try await bank.cards.issue(for: account.id, holder: "Eve", in: theirs, actor: .system) } throws: {
            ($0 as? LedgerError)?.code == "account_not_found"
        }
        for attempt in [
            { _ = try await bank.cards.freeze(issued.card.id, in: theirs, actor: .system) },
            { _ = try await bank.cards.unfreeze(issued.card.id, in: theirs, actor: .system) },
            { _ = try await bank.cards.reveal(issued.card.id, in: theirs, actor: .system) },
        ] as [@Sendable () async throws -> Void] {
            await #expect { try await attempt() } throws: { ($0 as? CardError)?.code == "card_not_found" }
        }
        #expect(try await bank.cards.card(issued.card.id, in: bank.mine).status == .active)
    }

    @Test func aCancelledCardCannotBeUnfrozen() async throws {
        let bank = try TestBank()
        let account = try await bank.openAccount()
        let issued = try await bank.cards.issue(for: account.id, holder: "Ada", in: bank.mine, actor: .system)
        _ = try await bank.cards.cancel(issued.card.id, in: bank.mine, actor: .system)

        await #expect { try await bank.cards.unfreeze(issued.card.id, in: bank.mine, actor: .system) } throws: {
            ($0 as? CardError)?.code == "invalid_card_state"
        }
    }

    @Test func cannotIssueOnAClosedAccount() async throws {
        let bank = try TestBank()
        let account = try await bank.openAccount()
        _ = try await bank.ledger.close(account.id, in: bank.mine, actor: .system)

        await #expect { try await bank.cards.issue(for: account.id, holder: "Ada", in: bank.mine, actor: .system) } throws: {
            ($0 as? LedgerError)?.code == "account_closed"
        }
        #expect(try await bank.integer("SELECT COUNT(*) FROM cards") == 0)
    }
}
