import BankCore
import BankTestSupport
import BankRuntime
import Cards
import Foundation
import Identity
import Ledger
import ServiceRequests
import Storage
import Testing

/// A member with money, a card, a purchase and one pending request of every type.
struct Scene {
    let env: RequestsBank
    let ada: Person
    let clerk: Person
    let account: Account
    let requests: [ServiceRequest]

    static func make() async throws -> Scene {
        let env = try await RequestsBank.open()
        let ada = try await env.member()
        let clerk = try await env.employee()
        let account = try await env.account(for: ada, cents: 10_000)
        let (card, purchase) = try await env.purchase(1_000, on: account)
        let empty = try await env.account(for: ada)
        var requests: [ServiceRequest] = []
        for details: ServiceRequestDetails in [
            .cardReplacement(card: card.card.id, reason: .stolen), .nameChange(firstName: "Augusta", lastName: "King"),
            .transactionDispute(transaction: purchase.id, reason: "Not me"), .accountClosure(account: empty.id),
            .limitIncrease(account: account.id, dailyLimit: Money(cents: 1)),
        ] {
            requests.append(try await env.requests.file(details, member: ada.id, actor: ada.actor))
        }
        return Scene(env: env, ada: ada, clerk: clerk, account: account, requests: requests)
    }
}

@Suite struct DecisionTests {
    @Test func rejectionNeedsAReasonAndChangesNothingButTheRequest() async throws {
        let scene = try await Scene.make()
        let env = scene.env
        let world = try await env.worldState()
        for request in scene.requests {
            for blank in ["", "   "] {
                let error = await #expect(throws: ValidationError.self) {
                    try await env.requests.reject(request.id, by: scene.clerk.id, reason: blank, actor: scene.clerk.actor)
                }
                #expect(error?.fieldErrors.map(\.field) == ["reason"])
            }
            #expect(try await env.requests.request(request.id, in: scene.ada.scope).status == .pending)
            let lastAudit = try await env.lastAuditID()

            let rejected = try await env.requests.reject(request.id, by: scene.clerk.id, reason: "Not eligible", actor: scene.clerk.actor)

            #expect(rejected.status == .rejected)
            #expect(rejected.rejectionReason == "Not eligible")
            #expect(rejected.decidedBy == scene.clerk.id)
            #expect(rejected.decidedAt == env.clock.now)
            #expect(rejected.result.isEmpty)
            let rows = try await env.audit(after: lastAudit)
            #expect(rows.map(\.action) == ["service_request.rejected"])
            #expect(rows.first?.details == #"{"reason":"Not eligible","to":"rejected"}"#)
        }
        #expect(try await env.worldState() == world)
        #expect(try await env.balance(scene.account.id) == 9_000)
        try await env.expectSound()
    }

    @Test func cancellationChangesNothingButTheRequest() async throws {
        let scene = try await Scene.make()
        let env = scene.env
        let world = try await env.worldState()
        for request in scene.requests {
            let lastAudit = try await env.lastAuditID()

            let cancelled = try await env.requests.cancel(request.id, member: scene.ada.id, actor: scene.ada.actor)

            #expect(cancelled.status == .cancelled)
            #expect(cancelled.decidedBy == nil)
            #expect(cancelled.result.isEmpty)
            let rows = try await env.audit(after: lastAudit)
            #expect(rows.map(\.action) == ["service_request.cancelled"])
            #expect(rows.first?.actorID == scene.ada.id.description)
        }
        #expect(try await env.worldState() == world)
        #expect(try await env.requests.pendingCount() == 0)
        try await env.expectSound()
    }

    @Test func onlyAPendingRequestCanBeApprovedRejectedOrCancelled() async throws {
        let scene = try await Scene.make()
        let env = scene.env
        let (ada, clerk) = (scene.ada, scene.clerk)
        let name = scene.requests[1].id
        let approved = try await env.requests.approve(name, by: clerk.id, note: nil, actor: clerk.actor)
        let rejected = try await env.requests.reject(scene.requests[3].id, by: clerk.id, reason: "No", actor: clerk.actor)
        let cancelled = try await env.requests.cancel(scene.requests[4].id, member: ada.id, actor: ada.actor)
        let world = try await env.worldState()
        let lastAudit = try await env.lastAuditID()

        for decided in [approved, rejected, cancelled] {
            let attempts: [@Sendable () async throws -> ServiceRequest] = [
                { try await env.requests.approve(decided.id, by: clerk.id, note: nil, actor: clerk.actor) },
                { try await env.requests.reject(decided.id, by: clerk.id, reason: "Again", actor: clerk.actor) },
                { try await env.requests.cancel(decided.id, member: ada.id, actor: ada.actor) },
            ]
            for attempt in attempts {
                let error = await #expect(throws: ServiceRequestError.self) { try await attempt() }
                #expect(error?.code == "invalid_transition")
            }
            #expect(try await env.requests.request(decided.id, in: ada.scope) == decided)
        }
        #expect(approved.status == .completed && rejected.status == .rejected && cancelled.status == .cancelled)
        #expect(try await env.worldState() == world)
        #expect(try await env.audit(after: lastAudit).isEmpty)
        #expect(try await env.bank.identity.user(ada.id).firstName == "Augusta")
    }

    @Test func approvingTwiceIsAnInvalidTransitionAndAppliesTheEffectOnce() async throws {
        let scene = try await Scene.make()
        let env = scene.env
        let dispute = scene.requests[2].id
        _ = try await env.requests.approve(dispute, by: scene.clerk.id, note: nil, actor: scene.clerk.actor)
        let balance = try await env.balance(scene.account.id)

        let error = await #expect(throws: ServiceRequestError.self) {
            try await env.requests.approve(dispute, by: scene.clerk.id, note: nil, actor: scene.clerk.actor)
        }

        #expect(error?.code == "invalid_transition")
        #expect(balance == 10_000)
        #expect(try await env.balance(scene.account.id) == 10_000)
        #expect(try await env.integer("SELECT COUNT(*) FROM transactions WHERE kind = 'reversal'") == 1)
        #expect(try await env.audit().filter { $0.action == "service_request.approved" }.count == 1)
        try await env.expectSound()
    }

    @Test func anApprovalNoteOver500CharactersIsRefusedAndNothingChanges() async throws {
        let scene = try await Scene.make()
        let env = scene.env
        let world = try await env.worldState()

        let error = await #expect(throws: ValidationError.self) {
            try await env.requests.approve(
                scene.requests[1].id, by: scene.clerk.id, note: String(repeating: "n", count: 501), actor: scene.clerk.actor)
        }

        #expect(error?.fieldErrors.map(\.field) == ["note"])
        #expect(try await env.requests.request(scene.requests[1].id, in: .any).status == .pending)
        #expect(try await env.worldState() == world)
    }

    @Test func anotherMemberCannotSeeOrCancelARequest() async throws {
        let scene = try await Scene.make()
        let env = scene.env
        let bob = try await env.member("Bob", "Babbage")
        let request = scene.requests[1].id

        let cancel = await #expect(throws: ServiceRequestError.self) {
            try await env.requests.cancel(request, member: bob.id, actor: bob.actor)
        }
        let read = await #expect(throws: ServiceRequestError.self) { try await env.requests.request(request, in: bob.scope) }

        #expect(cancel?.code == "service_request_not_found")
        #expect(read?.code == "service_request_not_found")
        #expect(try await env.requests.request(request, in: scene.ada.scope).status == .pending)
    }

    @Test func aMemberListsOnlyTheirOwnRequestsNewestFirst() async throws {
        let scene = try await Scene.make()
        let env = scene.env
        let bob = try await env.member("Bob", "Babbage")
        let bobs = try await env.requests.file(.nameChange(firstName: "Robert", lastName: "Babbage"), member: bob.id, actor: bob.actor)

        let adas = try await env.requests.requests(in: scene.ada.scope, page: PageRequest(limit: 200))
        let bobsList = try await env.requests.requests(in: bob.scope, page: PageRequest(limit: 200))
        let everyone = try await env.requests.requests(in: .any, page: PageRequest(limit: 200))

        #expect(adas.data.map(\.id) == scene.requests.reversed().map(\.id))
        #expect(bobsList.data.map(\.id) == [bobs.id])
        #expect(everyone.data.map(\.id) == [bobs.id] + scene.requests.reversed().map(\.id))
        #expect(try await env.requests.requests(in: bob.scope, status: .completed, page: PageRequest()).data.isEmpty)
    }

    @Test func anEmployeeCannotDecideARequestTheyFiledAsAMember() async throws {
        let env = try await RequestsBank.open()
        let sam = try await env.member("Sam", "Smith")
        let other = try await env.employee()
        let filed = try await env.requests.file(.nameChange(firstName: "Samuel", lastName: "Smith"), member: sam.id, actor: sam.actor)
        _ = try await env.bank.identity.setRole(email: sam.email, to: .employee, actor: .system)
        let promoted = Person(id: sam.id, email: sam.email, role: .employee)

        let approve = await #expect(throws: ServiceRequestError.self) {
            try await env.requests.approve(filed.id, by: promoted.id, note: nil, actor: promoted.actor)
        }
        let reject = await #expect(throws: ServiceRequestError.self) {
            try await env.requests.reject(filed.id, by: promoted.id, reason: "Mine", actor: promoted.actor)
        }

        #expect(approve?.code == "own_request")
        #expect(reject?.code == "own_request")
        #expect(try await env.requests.request(filed.id, in: sam.scope).status == .pending)
        #expect(try await env.bank.identity.user(sam.id).firstName == "Sam")
        #expect(try await env.requests.approve(filed.id, by: other.id, note: nil, actor: other.actor).status == .completed)
        #expect(try await env.bank.identity.user(sam.id).firstName == "Samuel")
    }

    @Test func everyTransitionIsAuditedWithItsActor() async throws {
        let env = try await RequestsBank.open()
        let ada = try await env.member()
        let clerk = try await env.employee()
        let start = try await env.lastAuditID()
        let first = try await env.requests.file(.nameChange(firstName: "A", lastName: "B"), member: ada.id, actor: ada.actor)
        let second = try await env.requests.file(.nameChange(firstName: "C", lastName: "D"), member: ada.id, actor: ada.actor)
        let third = try await env.requests.file(.nameChange(firstName: "E", lastName: "F"), member: ada.id, actor: ada.actor)
        _ = try await env.requests.approve(first.id, by: clerk.id, note: nil, actor: clerk.actor)
        _ = try await env.requests.reject(second.id, by: clerk.id, reason: "Duplicate", actor: clerk.actor)
        _ = try await env.requests.cancel(third.id, member: ada.id, actor: ada.actor)

        let rows = try await env.audit(after: start).filter { $0.targetType == "service_request" }

        let expected: [(String, ServiceRequestID, Person)] = [
            ("service_request.filed", first.id, ada), ("service_request.filed", second.id, ada), ("service_request.filed", third.id, ada),
            ("service_request.approved", first.id, clerk), ("service_request.rejected", second.id, clerk),
            ("service_request.cancelled", third.id, ada),
        ]
        try #require(rows.count == expected.count)
        for (row, (action, id, person)) in zip(rows, expected) {
            #expect(row.action == action)
            #expect(row.targetID == id.description)
            #expect(row.actorID == person.id.description)
            #expect(row.actorRole == person.role.rawValue)
            #expect(row.at == env.clock.now.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        #expect(rows[0].details == #"{"type":"name_change"}"#)
        #expect(rows[3].details == #"{"to":"completed"}"#)
        try await env.expectSound()
    }
}
