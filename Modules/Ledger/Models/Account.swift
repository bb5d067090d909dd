public import BankCore
public import Foundation
import Storage

/// The kinds of member account.
public enum AccountType: String, Sendable, Codable, CaseIterable {
    case checking
    case savings
}

/// Whether an account can move money.
public enum AccountStatus: String, Sendable, Codable, CaseIterable {
    /// Credits and debits allowed.
    case open
    /// No money moves until unfrozen.
    case frozen
    /// Closed at zero balance, for good.
    case closed
}

/// A member's account.
public struct Account: Sendable, Hashable {
    public let id: AccountID
    /// The unique 10-digit account number.
    public let number: String
    public let ownerID: UserID
    public let type: AccountType
    public let nickname: String?
    public let status: AccountStatus
    /// The posted balance, cached on the account row and kept equal to the sum of its postings.
    public let balance: Money
    /// What can be spent now: the posted balance (there are no holds yet).
    public var available: Money { balance }
    /// The daily debit limit, when one is set.
    public let dailyDebitLimit: Money?
    public let createdAt: Date
}

/// A system account that money enters from and leaves to (`external:cash`, `external:card-network`).
public enum SystemAccount: String, Sendable, CaseIterable {
    /// Cash deposits and withdrawals.
    case cash = "external:cash"
    /// Card purchases.
    case cardNetwork = "external:card-network"

    /// The fixed id the ledger migration gives it.
    public var id: AccountID {
        switch self {
        case .cash: AccountID("00000000-0000-0000-0000-00000000ca5d")!
        case .cardNetwork: AccountID("00000000-0000-0000-0000-0000000ca4d0")!
        }
    }
}

/// What another member may learn about an account from its number: enough to confirm a transfer target.
public struct AccountLookup: Sendable, Hashable {
    public let id: AccountID
    public let number: String
    public let type: AccountType
    public let ownerID: UserID
}

/// An account's cached balance next to the balance re-derived from its postings.
public struct BalanceReport: Sendable, Hashable {
    public let accountID: AccountID
    public let balance: Money
    public let available: Money
    /// The sum of the account's postings.
    public let computedBalance: Money
    /// Whether cached and computed agree.
    public var matches: Bool { balance == computedBalance }
}

struct AccountRecord: Sendable {
    /// The columns an account is read with.
    static let columns =
        "id, number, system_code, owner_id, account_type, nickname, status, balance_cents, daily_debit_limit_cents, created_at, closed_at"

    var id: AccountID
    var number: String?
    var systemCode: String?
    var ownerId: UserID?
    var accountType: String
    var nickname: String?
    var status: AccountStatus
    var balanceCents: Int64
    var dailyDebitLimitCents: Int64?
    var createdAt: Date
    var closedAt: Date?

    var isSystem: Bool { systemCode != nil }

    /// Decoded by hand: the account row is read on every money movement and balance request, and
    /// Codable decoding was a measurable share of that path.
    init(row: SQLRow) {
        id = row["id"]
        number = row["number"]
        systemCode = row["system_code"]
        ownerId = row["owner_id"]
        accountType = row["account_type"]
        nickname = row["nickname"]
        status = AccountStatus(rawValue: row["status"]) ?? .closed
        balanceCents = row["balance_cents"]
        dailyDebitLimitCents = row["daily_debit_limit_cents"]
        createdAt = row.timestamp("created_at")
        closedAt = row.optionalTimestamp("closed_at")
    }

    init(
        id: AccountID, number: String?, systemCode: String?, ownerId: UserID?, accountType: String, nickname: String?, status: AccountStatus,
        balanceCents: Int64, dailyDebitLimitCents: Int64?, createdAt: Date, closedAt: Date?
    ) {
        self.id = id
        self.number = number
        self.systemCode = systemCode
        self.ownerId = ownerId
        self.accountType = accountType
        self.nickname = nickname
        self.status = status
        self.balanceCents = balanceCents
        self.dailyDebitLimitCents = dailyDebitLimitCents
        self.createdAt = createdAt
        self.closedAt = closedAt
    }

    /// Inserts this account.
    func insert(in db: any SQLDatabase) throws {
        try db.execute(
            "INSERT INTO accounts (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [id, number, systemCode, ownerId, accountType, nickname, status.rawValue, balanceCents, dailyDebitLimitCents, createdAt, closedAt])
    }

    /// The public view of a member account; `nil` for system accounts.
    var account: Account? {
        guard let number, let ownerId, let type = AccountType(rawValue: accountType) else { return nil }
        return Account(
            id: id, number: number, ownerID: ownerId, type: type, nickname: nickname, status: status,
            balance: Money(cents: balanceCents), dailyDebitLimit: dailyDebitLimitCents.map(Money.init(cents:)), createdAt: createdAt)
    }
}
