public import Admin
public import BankCore
public import Cards
public import Configuration
import Foundation
public import Identity
public import Ledger
public import Sodium
public import Storage
public import ServiceRequests
public import Statements
public import Transfers

/// The composed bank: the database built from the modules this deployment uses, and the services
/// built from it. `bank-server` and `bankctl` both start from here.
public struct Bank: Sendable {
    /// The modules, in migration order.
    public static let modules: [any BankModule] = [
        IdentityModule(), LedgerModule(), TransfersModule(), CardsModule(), ServiceRequestsModule(),
    ]

    public let settings: BankSettings
    public let database: BankDatabase
    public let identity: IdentityService
    public let ledger: LedgerService
    public let transfers: TransferService
    public let cards: CardService
    public let statements: StatementService
    public let requests: ServiceRequestService
    public let admin: AdminService
    /// Imports members' past transactions in bulk.
    public let history: HistoryImporter

    /// Opens the bank described by `config`: creates the data directory, loads or generates the secrets,
    /// opens and migrates the database (SQLite in the data directory, or PostgreSQL at `database.url`),
    /// and builds the services.
    /// - Throws: `StorageError.invalidDatabaseURL` for a `database.url` that is not `postgres://…`.
    public static func open(
        config: ConfigReader, clock: BankClock = .live, ids: IDSource = .live, hasher: PasswordHasher = PasswordHasher()
    ) async throws -> Bank {
        let settings = BankSettings(config: config)
        try FileManager.default.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
        let secrets = try BankSecrets.load(config: config, dataDirectory: settings.dataDirectory)
        let database =
            if let url = settings.databaseURL {
                try BankDatabase(url: url, modules: modules, auditKey: secrets.auditKey, connections: settings.databaseConnections)
            } else {
                try BankDatabase(path: settings.databasePath, modules: modules, auditKey: secrets.auditKey)
            }
        let tokens = try await TokenIssuer(secret: secrets.jwtKey, clock: clock)
        let identity = IdentityService(database: database, tokens: tokens, hasher: hasher, clock: clock, ids: ids)
        let ledger = LedgerService(database: database, clock: clock, ids: ids)
        let cards = CardService(
            database: database, keys: try CardKeyRing(keys: secrets.cardKeys, indexKey: secrets.cardIndexKey), ledger: ledger, clock: clock, ids: ids)
        let requests = ServiceRequestService(
            database: database, effects: BankServiceRequestEffects(database: database, identity: identity, ledger: ledger, cards: cards),
            clock: clock, ids: ids)
        return Bank(
            settings: settings, database: database, identity: identity, ledger: ledger,
            transfers: TransferService(database: database, ledger: ledger, clock: clock, ids: ids), cards: cards,
            statements: StatementService(database: database, ledger: ledger), requests: requests,
            admin: AdminService(database: database, identity: identity, ledger: ledger, requests: requests),
            history: HistoryImporter(database: database, ledger: ledger, clock: clock, ids: ids))
    }

    /// Every ledger invariant and the audit chain, checked together.
    public func verify() async throws -> (ledger: LedgerIntegrity, audit: AuditVerification) {
        let ledgerReport = try await ledger.verifyIntegrity()
        let auditReport = try await database.verifyAuditChain()
        return (ledgerReport, auditReport)
    }
}
