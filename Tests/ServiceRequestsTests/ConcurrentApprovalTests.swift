import BankCore
import BankTestSupport
import BankRuntime
import Foundation
import Ledger
import ServiceRequests
import Storage
import Testing

@Suite struct ConcurrentApprovalTests {
    /// Approves each `(request, employee)` pair concurrently; each outcome is "approved" or the error's code.
    static func approveConcurrently(_ env: RequestsBank, _ pairs: [(ServiceRequestID, Person)]) async -> [String] {
        await withTaskGroup(of: String.self) { group in
            for (request, employee) in pairs {
                group.addTask {
                    do {
                        _ = try await env.requests.approve(request, by: employee.id, note: nil, actor: employee.actor)
                        return "approved"
                    } catch {
                        return code(of: error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }.sorted()
        }
    }

    @Test func twoDisputesOfOneDebitApprovedConcurrentlyReverseItOnce() async throws {
        let env = try await RequestsBank.open()
        let ada = try await env.member()
        let first = try await env.employee("Grace")
        let second = try await env.employee("Katherine")
        let account = try await env.account(for: ada, cents: 10_000)
        let debit = try await env.withdraw(4_000, from: account.id)
        let disputes = [
            try await env.requests.file(.transactionDispute(transaction: debit.id, reason: "Not me"), member: ada.id, actor: ada.actor),
            try await env.requests.file(.transactionDispute(transaction: debit.id, reason: "Again"), member: ada.id, actor: ada.actor),
        ]

        let outcomes = await Self.approveConcurrently(env, [(disputes[0].id, first), (disputes[1].id, second)])

        #expect(outcomes == ["approved", "transaction_not_reversible"])
        #expect(try await env.integer("SELECT COUNT(*) FROM transactions WHERE reverses_transaction_id = ?", [debit.id]) == 1)
        #expect(try await env.balance(account.id) == 10_000)
        var statuses: [ServiceRequestStatus] = []
        for dispute in disputes { statuses.append(try await env.requests.request(dispute.id, in: ada.scope).status) }
        #expect(statuses.sorted { $0.rawValue < $1.rawValue } == [.completed, .pending])
        #expect(try await env.audit().filter { $0.action == "service_request.approved" }.count == 1)
        #expect(try await env.audit().filter { $0.action == "transaction.reversed" }.count == 1)
        try await env.expectSound()
    }

    @Test func oneRequestApprovedEightTimesConcurrentlySucceedsOnce() async throws {
        let env = try await RequestsBank.open()
        let ada = try await env.member()
        var employees: [Person] = []
        for index in 0..<8 { employees.append(try await env.employee("Clerk\(index)")) }
        let account = try await env.account(for: ada, cents: 10_000)
        let (_, purchase) = try await env.purchase(6_000, on: account)
        let dispute = try await env.requests.file(
            .transactionDispute(transaction: purchase.id, reason: "Charged twice"), member: ada.id, actor: ada.actor)

        let outcomes = await Self.approveConcurrently(env, employees.map { (dispute.id, $0) })

        #expect(outcomes == ["approved"] + Array(repeating: "invalid_transition", count: 7))
        #expect(try await env.integer("SELECT COUNT(*) FROM transactions WHERE reverses_transaction_id = ?", [purchase.id]) == 1)
        #expect(try await env.integer("SELECT COUNT(*) FROM transactions WHERE kind = 'reversal'") == 1)
        #expect(try await env.balance(account.id) == 10_000)
        let approved = try await env.requests.request(dispute.id, in: ada.scope)
        #expect(approved.status == .completed)
        #expect(employees.map(\.id).contains(try #require(approved.decidedBy)))
        let approvals = try await env.audit().filter { $0.action == "service_request.approved" }
        #expect(approvals.count == 1)
        #expect(approvals.first?.actorID == approved.decidedBy?.description)
        #expect(try await env.bank.ledger.verifyIntegrity().isSound)
        #expect(try await env.bank.database.verifyAuditChain().valid)
    }

    @Test func aSecondDisputeOfAnAlreadyReversedDebitFailsAndStaysPending() async throws {
        let env = try await RequestsBank.open()
        let ada = try await env.member()
        let clerk = try await env.employee()
        let account = try await env.account(for: ada, cents: 10_000)
        let debit = try await env.withdraw(2_000, from: account.id)
        let first = try await env.requests.file(.transactionDispute(transaction: debit.id, reason: "Not me"), member: ada.id, actor: ada.actor)
        let second = try await env.requests.file(.transactionDispute(transaction: debit.id, reason: "Still not me"), member: ada.id, actor: ada.actor)
        _ = try await env.requests.approve(first.id, by: clerk.id, note: nil, actor: clerk.actor)
        let world = try await env.worldState()
        let lastAudit = try await env.lastAuditID()

        let error = await #expect(throws: LedgerError.self) {
            try await env.requests.approve(second.id, by: clerk.id, note: nil, actor: clerk.actor)
        }

        #expect(error?.code == "transaction_not_reversible")
        #expect(try await env.requests.request(second.id, in: ada.scope).status == .pending)
        #expect(try await env.worldState() == world)
        #expect(try await env.audit(after: lastAudit).isEmpty)
        #expect(try await env.balance(account.id) == 10_000)
        // The stuck request can still be rejected.
        #expect(try await env.requests.reject(second.id, by: clerk.id, reason: "Already reversed", actor: clerk.actor).status == .rejected)
        try await env.expectSound()
    }
}
