public import BankCore
import Foundation
public import Identity
public import Ledger
public import ServiceRequests
public import Storage

/// The admin's read-only view of the whole bank: users, accounts, transactions, requests, the audit
/// log and its verification, and health figures. It has no method that writes anything.
public struct AdminService: Sendable {
    let database: BankDatabase
    let identity: IdentityService
    let ledger: LedgerService
    let requests: ServiceRequestService

    /// Creates the view over the services of one bank.
    public init(database: BankDatabase, identity: IdentityService, ledger: LedgerService, requests: ServiceRequestService) {
        self.database = database
        self.identity = identity
        self.ledger = ledger
        self.requests = requests
    }

    /// All users, newest first.
    public func users(page: PageRequest) async throws -> Page<User> { try await identity.users(page: page) }

    /// One user. - Throws: `user_not_found`.
    public func user(_ id: UserID) async throws -> User { try await identity.user(id) }

    /// All member accounts, newest first.
    public func accounts(page: PageRequest) async throws -> Page<Account> { try await ledger.allAccounts(page: page) }

    /// One account. - Throws: `account_not_found`.
    public func account(_ id: AccountID) async throws -> Account { try await ledger.account(id, in: .any) }

    /// One account's cached and computed balance.
    public func balance(_ id: AccountID) async throws -> BalanceReport { try await ledger.balance(id, in: .any) }

    /// One account's transactions.
    public func transactions(of id: AccountID, filter: TransactionFilter, page: PageRequest) async throws -> Page<Transaction> {
        try await ledger.transactions(of: id, in: .any, filter: filter, page: page)
    }

    /// Transactions across all accounts.
    public func transactions(filter: TransactionFilter, page: PageRequest) async throws -> Page<Transaction> {
        try await ledger.allTransactions(filter: filter, page: page)
    }

    /// One transaction. - Throws: `transaction_not_found`.
    public func transaction(_ id: TransactionID) async throws -> Transaction { try await ledger.transaction(id, of: nil, in: .any) }

    /// All service requests, optionally of one status.
    public func serviceRequests(status: ServiceRequestStatus?, page: PageRequest) async throws -> Page<ServiceRequest> {
        try await requests.requests(in: .any, status: status, page: page)
    }

    /// The audit log, newest first.
    public func auditLog(filter: AuditFilter, page: PageRequest) async throws -> Page<AuditEntry> {
        try await database.read { db in try database.audit.list(db, filter: filter, page: page) }
    }

    /// Walks the audit chain.
    public func verifyAuditLog() async throws -> AuditVerification { try await database.verifyAuditChain() }

    /// The figures of the admin dashboard, with the ledger check.
    public func stats() async throws -> BankStats {
        BankStats(
            users: try await identity.stats(), ledger: try await ledger.stats(), pendingRequests: try await requests.pendingCount(),
            integrity: try await ledger.verifyIntegrity())
    }
}

/// The admin dashboard's figures.
public struct BankStats: Sendable {
    public let users: UserStats
    public let ledger: LedgerStats
    public let pendingRequests: Int
    public let integrity: LedgerIntegrity
}
