import BankRuntime
import Hummingbird

/// `bank-server`: reads configuration (command line, environment, Config/bankkit.json, defaults),
/// builds the application and serves it until SIGTERM or SIGINT, then drains and closes the database.
@main
struct App {
    static func main() async throws {
        ProcessMemory.configure()
        let reader = try await BankConfiguration.reader()
        let app = try await buildApplication(reader: reader)
        try await app.runService()
    }
}
