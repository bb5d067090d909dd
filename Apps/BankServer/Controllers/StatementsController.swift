import BankCore
import Hummingbird
import Identity
import Statements

/// `/accounts/{id}/statements`, its CSV form, and `/accounts/{id}/summary`.
struct StatementsController {
    let identity: IdentityService
    let statements: StatementService

    func addRoutes(to router: Router<BankRequestContext>) {
        let group = router.group("accounts/:id").add(middleware: AuthMiddleware(identity: identity))
        group.get("statements", use: show)
        group.get("statements/{period}.csv", use: csv)
        group.get("summary", use: summary)
    }

    @Sendable func show(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        let accountID: AccountID = try context.pathID("id")
        var query = QueryReader(request)
        let year = query.integer("year")
        let month = query.integer("month")
        if year == nil { query.require("year") }
        if month == nil { query.require("month") }
        try query.validate()
        let period = try StatementPeriod(year: Int(clamping: year!), month: Int(clamping: month!))
        let header = try await statements.header(for: accountID, period: period, in: .owner(principal.userID))
        // The figures first, then the transactions a page at a time: memory stays one page deep however long the month.
        // A failure once the body has started can only cut the response short; the figures were read before it started.
        let statements = self.statements
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody { writer in
                var opening: [UInt8] = []
                JSON.object(header.jsonMembers).write(to: &opening)
                opening.removeLast()  // the object's `}`: `transactions` comes last
                opening.append(contentsOf: #","transactions":["#.utf8)
                try await writer.write(ByteBuffer(bytes: opening))
                var first = true
                try await statements.transactions(of: header) { page in
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(page.count * 600)
                    for transaction in page {
                        if !first { bytes.append(UInt8(ascii: ",")) }
                        first = false
                        transaction.json.write(to: &bytes)
                    }
                    try await writer.write(ByteBuffer(bytes: bytes))
                }
                try await writer.write(ByteBuffer(string: "]}"))
                try await writer.finish(nil)
            })
    }

    @Sendable func csv(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        let accountID: AccountID = try context.pathID("id")
        let text = context.parameters.get("period") ?? ""
        let parts = text.split(separator: "-")
        // The path holds one field, `period`: a month out of range is a bad period, not a bad `month` parameter.
        guard text.count == 7, parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
            let period = try? StatementPeriod(year: year, month: month)
        else {
            throw ValidationError(field: "period", "must be YYYY-MM, a month between 1970-01 and 9999-12")
        }
        let header = try await statements.header(for: accountID, period: period, in: .owner(principal.userID))
        let statements = self.statements
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"statement-\(header.accountNumber)-\(header.period).csv\"",
            ],
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: Statement.csvHeader))
                try await statements.transactions(of: header) { page in
                    try await writer.write(ByteBuffer(string: page.map(Statement.csvRow).joined()))
                }
                try await writer.finish(nil)
            })
    }

    @Sendable func summary(_ request: Request, context: BankRequestContext) async throws -> Response {
        let principal = try context.require(.member)
        let accountID: AccountID = try context.pathID("id")
        var query = QueryReader(request)
        let year = query.integer("year")
        if year == nil { query.require("year") }
        try query.validate()
        return .json(try await statements.summary(for: accountID, year: Int(clamping: year!), in: .owner(principal.userID)).json)
    }
}
