import Foundation
import Hummingbird
import NIOCore
import Storage

/// `/health`, `/ready` and `/openapi.json`.
struct MetaController {
    /// The server's version, reported by `/health`.
    static let version = "0.1.0"

    let database: BankDatabase
    let openAPIDocument: [UInt8]

    func addRoutes(to router: Router<BankRequestContext>) {
        router.get("health") { _, _ in
            Response.json(.object([("status", .string("ok")), ("version", .string(Self.version))]))
        }
        router.get("ready") { _, _ in
            await database.isReady()
                ? Response.json(.object([("status", .string("ready"))]))
                : Response.json(.object([("status", .string("unavailable"))]), status: .serviceUnavailable)
        }
        let document = openAPIDocument
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: document)))
        }
    }

    /// The OpenAPI document shipped with the server.
    static func loadDocument() throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return Array(try Data(contentsOf: url))
    }
}
