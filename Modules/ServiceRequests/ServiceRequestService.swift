public import BankCore
import Foundation
public import Storage

/// Members file service requests; employees work the queue. Approval applies the request's effect
/// in the same write transaction as the state change, and nobody decides a request they filed.
public struct ServiceRequestService: Sendable {
    let database: BankDatabase
    let effects: any ServiceRequestEffects
    let clock: BankClock
    let ids: IDSource

    /// Creates the service over a database migrated with ``ServiceRequestsModule``.
    public init(database: BankDatabase, effects: any ServiceRequestEffects, clock: BankClock = .live, ids: IDSource = .live) {
        self.database = database
        self.effects = effects
        self.clock = clock
        self.ids = ids
    }

    /// Files a request for `member`. - Throws: `ValidationError`, or the effects' refusal of what it names.
    public func file(_ details: ServiceRequestDetails, member: UserID, actor: Actor) async throws -> ServiceRequest {
        var validator = Validator()
        switch details {
        case .transactionDispute(_, let reason):
            validator.check((1...500).contains(reason.trimmingCharacters(in: .whitespaces).count), "reason", "must be 1 to 500 characters")
        case .limitIncrease(_, let limit):
            validator.check(limit.isValidMovement, "daily_limit_cents", "must be between 1 and \(Money.maximumMovement.cents)")
        default: break
        }
        try validator.validate()
        let now = clock.now()
        return try await database.write { db in
            try effects.check(details, member: member, in: db)
            let record = ServiceRequestRecord(id: ids.next(), member: member, details: details, at: now)
            try record.insert(db)
            try database.audit.append(
                AuditEvent(action: "service_request.filed", targetType: "service_request", targetID: record.id.description,
                           details: ["type": details.type.rawValue]),
                by: actor, at: now, in: db)
            return try record.request()
        }
    }

    /// One request visible in `scope` (a member sees their own). - Throws: `service_request_not_found`.
    public func request(_ id: ServiceRequestID, in scope: OwnerScope) async throws -> ServiceRequest {
        try await database.read { db in try Self.record(id, in: scope, db: db).request() }
    }

    /// Requests newest first: a member's own (`.owner`) or everyone's (`.any`), optionally of one status.
    public func requests(in scope: OwnerScope, status: ServiceRequestStatus? = nil, page: PageRequest) async throws -> Page<ServiceRequest> {
        try await database.read { db in
            var conditions: [String] = []
            var arguments: SQLArguments = []
            if case .owner(let member) = scope { conditions.append("member_id = ?"); arguments += [member] }
            if let status { conditions.append("status = ?"); arguments += [status] }
            if let cursor = page.cursor { conditions.append("seq < ?"); arguments += [cursor.position] }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let records = try db.rows("SELECT * FROM service_requests \(whereClause) ORDER BY seq DESC LIMIT ?", arguments + [page.limit + 1])
                .map(ServiceRequestRecord.init(row:))
            return try Page.from(rows: records, limit: page.limit, position: { $0.seq! }) { try $0.request() }
        }
    }

    /// How many requests wait in the queue.
    public func pendingCount() async throws -> Int {
        try await database.read { db in
            try db.value(Int.self, "SELECT COUNT(*) FROM service_requests WHERE status = ?", [ServiceRequestStatus.pending]) ?? 0
        }
    }

    /// Cancels a pending request of the member's. - Throws: `service_request_not_found`, `invalid_transition`.
    public func cancel(_ id: ServiceRequestID, member: UserID, actor: Actor) async throws -> ServiceRequest {
        try await transition(id, in: .owner(member), to: .cancelled, action: "service_request.cancelled", actor: actor) { _, _ in }
    }

    /// Approves a pending request and applies its effect in the same transaction.
    /// - Throws: `service_request_not_found`, `invalid_transition`, `own_request`, or the effect's refusal (the request stays pending).
    public func approve(_ id: ServiceRequestID, by employee: UserID, note: String?, actor: Actor) async throws -> ServiceRequest {
        var validator = Validator()
        if let note { validator.check(note.count <= 500, "note", "must be at most 500 characters") }
        try validator.validate()
        return try await transition(id, in: .any, to: .completed, action: "service_request.approved", actor: actor) { record, db in
            guard record.memberId != employee else { throw ServiceRequestError(.ownRequest, "Nobody may decide a request they filed.") }
            let now = clock.now()
            let result = try effects.apply(try record.request().details, member: record.memberId, actor: actor, at: now, in: db)
            record.note = note
            record.decidedBy = employee
            record.decidedAt = now
            record.result = result.isEmpty ? nil : ServiceRequestRecord.encode(result)
        }
    }

    /// Rejects a pending request with a reason. - Throws: `ValidationError` for a missing reason, and as ``approve(_:by:note:actor:)``.
    public func reject(_ id: ServiceRequestID, by employee: UserID, reason: String, actor: Actor) async throws -> ServiceRequest {
        var validator = Validator()
        validator.check((1...500).contains(reason.trimmingCharacters(in: .whitespaces).count), "reason", "is required, 1 to 500 characters")
        try validator.validate()
        return try await transition(id, in: .any, to: .rejected, action: "service_request.rejected", actor: actor) { record, _ in
            guard record.memberId != employee else { throw ServiceRequestError(.ownRequest, "Nobody may decide a request they filed.") }
            record.rejectionReason = reason
            record.decidedBy = employee
            record.decidedAt = clock.now()
        }
    }

    /// Marks a completed request's one-time result as seen; `true` only for the first caller.
    public func claimFirstView(of id: ServiceRequestID, member: UserID) async throws -> Bool {
        let now = clock.now()
        return try await database.write { db in
            try db.execute(
                "UPDATE service_requests SET result_viewed_at = ? WHERE id = ? AND member_id = ? "
                    + "AND status = 'completed' AND result_viewed_at IS NULL",
                [now, id, member])
            return db.changedRowCount == 1
        }
    }

    private func transition(
        _ id: ServiceRequestID, in scope: OwnerScope, to status: ServiceRequestStatus, action: String, actor: Actor,
        _ change: @escaping @Sendable (inout ServiceRequestRecord, any SQLDatabase) throws -> Void
    ) async throws -> ServiceRequest {
        let now = clock.now()
        return try await database.write { db in
            // Locked until commit (PostgreSQL), so concurrent decisions of one request serialise on its row.
            var record = try Self.record(id, in: scope, db: db, forUpdate: true)
            guard record.status == .pending else {
                throw ServiceRequestError(
                    .invalidTransition, "The request is \(record.status.rawValue); only a pending request can become \(status.rawValue).")
            }
            try change(&record, db)
            record.status = status
            record.updatedAt = now
            guard try record.update(db) else { throw ServiceRequestError(.requestNotFound, "No service request \(id).") }
            var details = ["to": status.rawValue]
            if let reason = record.rejectionReason { details["reason"] = reason }
            try database.audit.append(
                AuditEvent(action: action, targetType: "service_request", targetID: id.description, details: details), by: actor, at: now, in: db)
            return try record.request()
        }
    }

    /// The request `id` if `scope` sees it; `forUpdate` locks its row for the rest of a write transaction (PostgreSQL).
    static func record(_ id: ServiceRequestID, in scope: OwnerScope, db: any SQLDatabase, forUpdate: Bool = false) throws -> ServiceRequestRecord {
        let sql = "SELECT * FROM service_requests WHERE id = ? LIMIT 1" + (forUpdate ? db.dialect.forUpdate : "")
        guard let record = try db.row(sql, [id]).map(ServiceRequestRecord.init(row:)), scope.allows(record.memberId) else {
            throw ServiceRequestError(.requestNotFound, "No service request \(id).")
        }
        return record
    }
}
