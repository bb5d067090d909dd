import BankCore
import BankRuntime
import Configuration
import Hummingbird
import Ledger
import Logging
import ServiceLifecycle
import Storage
import WebClient

/// Builds the whole server from configuration: opens the bank and wires the router.
func buildApplication(reader: ConfigReader) async throws -> some ApplicationProtocol {
    let bank = try await Bank.open(config: reader)
    return try buildApplication(bank: bank)
}

/// Builds the server around an opened bank (tests open it themselves to inspect the database).
func buildApplication(bank: Bank, clock: BankClock = .live) throws -> some ApplicationProtocol {
    var logger = Logger(label: "bank-server", metadataProvider: RequestLogMetadata.provider)
    logger.logLevel = Logger.Level(rawValue: bank.settings.logLevel) ?? .info
    let router = try buildRouter(bank: bank, clock: clock)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(bank.settings.host, port: bank.settings.port), serverName: nil),
        // Services stop in reverse order, after the HTTP server: the periodic tasks before the database closes.
        services: [
            MemoryTrimmer(), DatabaseCloser(database: bank.database),
            PeriodicTask.housekeeper(database: bank.database, clock: clock, logger: logger),
            PeriodicTask.balanceCheckpointer(ledger: bank.ledger, logger: logger),
        ],
        logger: logger)
}

/// The composition root of the HTTP API: middleware, then one controller per module.
func buildRouter(bank: Bank, clock: BankClock = .live) throws -> Router<BankRequestContext> {
    let router = Router(context: BankRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ProblemMiddleware())
    // The web client: files are looked up only for what no route answers (`/`, `/app/…`). `no-cache`
    // makes the browser revalidate by ETag, so a new release is picked up on the next load.
    if let webRoot = WebClient.rootFolder {
        router.add(
            middleware: FileMiddleware(
                webRoot, cacheControl: CacheControl([(MediaType(type: .any), [.noCache])]), searchForIndexHtml: true,
                logger: Logger(label: "web-client")))
    }

    let rateLimiter = RateLimiter(enabled: bank.settings.rateLimitEnabled, database: bank.database, now: clock.now)
    let idempotency = IdempotentResponder(database: bank.database, clock: clock)
    MetaController(database: bank.database, openAPIDocument: try MetaController.loadDocument()).addRoutes(to: router)
    AuthController(identity: bank.identity, rateLimiter: rateLimiter).addRoutes(to: router)
    ProfileController(identity: bank.identity).addRoutes(to: router)
    AccountsController(identity: bank.identity, ledger: bank.ledger, idempotency: idempotency).addRoutes(to: router)
    TransactionsController(identity: bank.identity, ledger: bank.ledger, cards: bank.cards, rateLimiter: rateLimiter, idempotency: idempotency)
        .addRoutes(to: router)
    TransfersController(identity: bank.identity, transfers: bank.transfers, rateLimiter: rateLimiter, idempotency: idempotency).addRoutes(to: router)
    CardsController(identity: bank.identity, cards: bank.cards, rateLimiter: rateLimiter, idempotency: idempotency).addRoutes(to: router)
    StatementsController(identity: bank.identity, statements: bank.statements).addRoutes(to: router)
    ServiceRequestsController(identity: bank.identity, requests: bank.requests, cards: bank.cards).addRoutes(to: router)
    EmployeeController(identity: bank.identity, requests: bank.requests).addRoutes(to: router)
    AdminController(identity: bank.identity, admin: bank.admin).addRoutes(to: router)
    // Last: router middleware added after the routes wraps only the not-found path.
    router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
    return router
}

/// Closes the database after the HTTP server has drained (services stop in reverse order).
struct DatabaseCloser: Service, CustomStringConvertible {
    let database: BankDatabase
    /// ServiceLifecycle logs services by description: name it, and print nothing of what it holds.
    var description: String { "DatabaseCloser" }

    func run() async throws {
        try? await gracefulShutdown()
        try database.close()
    }
}

/// Runs `work` at start and every `interval` until shutdown, handing each run what the previous one returned. A
/// failed run is logged and the next one starts from the same state: nothing here is needed for correctness.
struct PeriodicTask<State: Sendable>: Service, CustomStringConvertible {
    /// ServiceLifecycle logs services by description.
    let description: String
    let interval: Duration
    let logger: Logger
    let initial: State
    let work: @Sendable (State) async throws -> State

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var state = initial
            while true {
                do {
                    state = try await work(state)
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("\(description) failed", metadata: ["error": "\(type(of: error))"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}

extension PeriodicTask where State == Void {
    /// Purges expired rate-limit counters and idempotency records every hour.
    static func housekeeper(database: BankDatabase, clock: BankClock, logger: Logger) -> Self {
        PeriodicTask(description: "Housekeeper", interval: .seconds(3600), logger: logger, initial: ()) {
            let purged = try await database.purgeExpired(at: clock.now())
            logger.debug("purged", metadata: ["rate_limits": "\(purged.rateLimits)", "idempotency_records": "\(purged.idempotencyRecords)"])
        }
    }
}

extension PeriodicTask where State == Int64 {
    /// Keeps balance checkpoints close behind the ledger (see `LedgerService.advanceBalanceCheckpoints`), so that a
    /// balance report sums a few seconds of postings rather than an account's whole history. The first pass
    /// checkpoints every member account; each later one the accounts posted to since (the state: the last
    /// posting seen).
    static func balanceCheckpointer(ledger: LedgerService, logger: Logger) -> Self {
        PeriodicTask(description: "BalanceCheckpointer", interval: .seconds(5), logger: logger, initial: 0) { position in
            try await ledger.advanceBalanceCheckpoints(after: position)
        }
    }
}
