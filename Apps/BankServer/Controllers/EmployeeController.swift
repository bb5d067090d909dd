import BankCore
import Hummingbird
import Identity
import ServiceRequests

/// `/employee/*`: the service-request queue, approve and reject, and unlocking users.
struct EmployeeController {
    let identity: IdentityService
    let requests: ServiceRequestService

    func addRoutes(to router: Router<BankRequestContext>) {
        let group = router.group("employee").add(middleware: AuthMiddleware(identity: identity))
        group.get("service-requests", use: queue)
        group.get("service-requests/:id", use: show)
        group.post("service-requests/:id/approve", use: approve)
        group.post("service-requests/:id/reject", use: reject)
        group.post("users/:id/unlock", use: unlock)
    }

    @Sendable func queue(_ request: Request, context: BankRequestContext) async throws -> Response {
        _ = try context.require(.employee)
        var query = QueryReader(request)
        let status = query.choice("status", as: ServiceRequestStatus.self)
        let page = query.page()
        try query.validate()
        return .json(.page(try await requests.requests(in: .any, status: status, page: page)) { $0.json })
    }

    @Sendable func show(_ request: Request, context: BankRequestContext) async throws -> Response {
        _ = try context.require(.employee)
        return .json(try await requests.request(try context.pathID("id"), in: .any).json)
    }

    @Sendable func approve(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.employee)
        var request = request
        var note: String?
        if let body = try await request.optionalJSONBody(context: context) {
            var fields = FieldReader(body, allowed: ["note"])
            note = fields.string("note", required: false, maxLength: 1000)
            try fields.validate()
        }
        return .json(try await requests.approve(try context.pathID("id"), by: principal.userID, note: note, actor: context.actor(request)).json)
    }

    @Sendable func reject(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.employee)
        var request = request
        var fields = FieldReader(try await request.jsonBody(context: context), allowed: ["reason"])
        let reason = fields.string("reason", maxLength: 1000)
        try fields.validate()
        return .json(try await requests.reject(try context.pathID("id"), by: principal.userID, reason: reason!, actor: context.actor(request)).json)
    }

    /// Employees and admins may end a lockout early.
    @Sendable func unlock(_ request: Request, context: BankRequestContext) async throws -> Response {
        _ = try context.require(.employee, .admin)
        return .json(try await identity.unlock(try context.pathID("id"), actor: context.actor(request)).adminJSON)
    }
}
