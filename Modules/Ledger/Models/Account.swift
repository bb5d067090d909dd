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

    /// Decoded by hand and by position (the row must start with ``columns``): the account row is read on every
    /// money movement and balance request; Codable decoding, then lookups by column name, were measurable shares of it.
    init(row: SQLRow) {
        id = AccountID(row.uuid(atIndex: 0)!)
        number = row[1]
        systemCode = row[2]
        ownerId = row.uuid(atIndex: 3).map(UserID.init)
        accountType = row[4]
        nickname = row[5]
        status = AccountStatus(rawValue: row[6]) ?? .closed
        balanceCents = row[7]
        dailyDebitLimitCents = row[8]
        createdAt = row.timestamp(atIndex: 9)
        closedAt = row.value(at: 10).isNull ? nil : row.timestamp(atIndex: 10)
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
