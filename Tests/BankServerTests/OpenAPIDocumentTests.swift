import BankRuntime
import BankTestSupport
import Configuration
import Foundation
import Hummingbird
import Storage
import Testing

@testable import BankServer

/// `/openapi.json` must describe exactly the endpoints the router serves.
@Suite struct OpenAPIDocumentTests {
    @Test func documentListsEveryRouteOfTheRouterAndNoOther() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString)").path
        var overrides: [AbsoluteConfigKey: ConfigValue] = ["data.dir": .init(.string(directory), isSecret: false)]
        if let url = TestDatabase.freshPostgresURL() {
            overrides["database.url"] = .init(.string(url), isSecret: true)
            overrides["database.connections"] = .init(.int(4), isSecret: false)
        }
        let reader = try await BankConfiguration.reader(arguments: [], environment: [:], overrides: overrides)
        let bank = try await Bank.open(config: reader)
        defer { try? bank.database.close() }
        let router = try buildRouter(bank: bank)

        let served = Set(router.routes.map { route in
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            return "\(route.method.rawValue) /\(path.joined(separator: "/"))"
        })

        let document = try #require(try JSONSerialization.jsonObject(with: Data(try MetaController.loadDocument())) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })

        #expect(served.subtracting(documented).sorted() == [], "served but not documented")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
        #expect(served.count == documented.count)
    }
}
