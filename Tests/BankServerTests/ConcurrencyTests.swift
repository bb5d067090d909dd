import BankCore
import BankRuntime
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Ledger
import Storage
import Testing

@testable import BankServer

/// Many clients over a real socket moving money at once: nothing is lost, created or half-applied.
@Suite struct ConcurrencyTests {
    struct Outcome: Sendable {
        let from: Int
        let to: Int
        let amount: Int
        let status: HTTPResponse.Status
        let code: String?
        let answeredAmount: Int?
    }

    static let members = 5
    static let accountsPerMember = 4
    static let workers = 16
    static let transfersPerWorker = 64

    // A guard against a hang (a deadlock would show here), not a speed target: those live in Benchmarks/.
    @Test(.timeLimit(.minutes(10))) func randomConcurrentTransfersConserveMoneyAndMatchTheAcknowledgedOnes() async throws {
        try await TestBank.withApp(.ahc(.http)) { api in
            var sessions: [Session] = []
            var accounts: [AccountRef] = []
            var owner: [Int] = []
            var opening: [Int] = []
            var random = SeededGenerator(seed: 20_261_122)
            for member in 0..<Self.members {
                let session = try await api.signUp("load\(member)@example.com", first: "Load", last: "Member\(member)")
                sessions.append(session)
                for _ in 0..<Self.accountsPerMember {
                    let account = try await api.openAccount(session)
                    let amount = Int.random(in: 5_000...40_000, using: &random)
                    try await api.deposit(session, account, amount)
                    accounts.append(account)
                    owner.append(member)
                    opening.append(amount)
                }
            }
            let totalDeposited = opening.reduce(0, +)
            let (allAccounts, allOwners, allSessions) = (accounts, owner, sessions)

            let outcomes = try await withThrowingTaskGroup(of: [Outcome].self) { group in
                for worker in 0..<Self.workers {
                    group.addTask {
                        var random = SeededGenerator(seed: UInt64(worker) &* 7_919 &+ 1)
                        let member = worker % Self.members
                        let own = allAccounts.indices.filter { allOwners[$0] == member }
                        var results: [Outcome] = []
                        for _ in 0..<Self.transfersPerWorker {
                            let from = own.randomElement(using: &random)!
                            var to = Int.random(in: 0..<allAccounts.count, using: &random)
                            if to == from { to = (to + 1) % allAccounts.count }
                            let amount = Int.random(in: 1...15_000, using: &random)
                            let reply = try await api.transfer(allSessions[member], from: allAccounts[from], to: allAccounts[to], cents: amount)
                            results.append(
                                Outcome(from: from, to: to, amount: amount, status: reply.status, code: reply.code,
                                        answeredAmount: reply.int("amount_cents")))
                        }
                        return results
                    }
                }
                return try await group.reduce(into: [Outcome]()) { $0 += $1 }
            }

            #expect(outcomes.count == Self.workers * Self.transfersPerWorker)
            #expect(outcomes.filter { $0.status.code >= 500 }.isEmpty, "no 5xx")
            let unexpected = outcomes.filter { !($0.status == .created || ($0.status == .unprocessableContent && $0.code == "insufficient_funds")) }
            #expect(unexpected.isEmpty, "only 201 or 422 insufficient_funds: \(unexpected.prefix(5))")
            let acknowledged = outcomes.filter { $0.status == .created }
            let declined = outcomes.filter { $0.status == .unprocessableContent }
            #expect(acknowledged.allSatisfy { $0.answeredAmount == $0.amount })
            #expect(!acknowledged.isEmpty && !declined.isEmpty, "the mix exercises both paths: \(acknowledged.count) / \(declined.count)")

            // Replay the acknowledged transfers: every balance must be exactly that.
            var expected = opening
            for outcome in acknowledged {
                expected[outcome.from] -= outcome.amount
                expected[outcome.to] += outcome.amount
            }
            var total = 0
            var declinedStored = 0
            for (index, account) in allAccounts.enumerated() {
                let session = allSessions[allOwners[index]]
                let balance = try await api.balance(session, account)
                #expect(balance == expected[index], "account \(index)")
                #expect(balance >= 0)
                total += balance
                declinedStored += try await Self.count(api, session, account, query: "status=declined")
            }
            #expect(total == totalDeposited, "money is conserved")
            #expect(declinedStored == declined.count, "every decline is stored once")
            let integrity = try await api.bank.ledger.verifyIntegrity()
            #expect(integrity.isSound, "\(integrity)")
            #expect(integrity.accountsChecked >= allAccounts.count)
            #expect(try await api.bank.database.verifyAuditChain().valid)
        }
    }

    /// The number of an account's transactions matching `query`, following cursors.
    static func count(_ api: API, _ session: Session, _ account: AccountRef, query: String) async throws -> Int {
        var count = 0
        var cursor: String?
        repeat {
            let page = try await api.call(
                .get, "/accounts/\(account.id)/transactions?\(query)&limit=200\(cursor.map { "&cursor=\($0)" } ?? "")", token: session.accessToken)
            try #require(page.status == .ok, "\(page.text)")
            count += page.list.count
            cursor = page.string("next_cursor")
        } while cursor != nil
        return count
    }

    @Test func concurrentWithdrawalsNeverOverdraw() async throws {
        try await TestBank.withApp(.ahc(.http)) { api in
            let session = try await api.signUp("race@example.com")
            let account = try await api.openAccount(session)
            try await api.deposit(session, account, 10_000)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<32 {
                    group.addTask {
                        try await api.call(
                            .post, "/accounts/\(account.id)/transactions", token: session.accessToken, json: #"{"type":"debit","amount_cents":1000}"#
                        ).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 10)
            #expect(statuses.filter { $0 == .unprocessableContent }.count == 22)
            #expect(try await api.balance(session, account) == 0)
            #expect(try await Self.count(api, session, account, query: "status=declined") == 22)
            try await api.expectSound()
        }
    }
}
