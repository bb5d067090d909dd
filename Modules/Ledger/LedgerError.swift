public import BankCore

/// A failure of a Ledger use case, with a stable ``code``.
public struct LedgerError: BankError, Equatable {
    /// The stable codes of LedgerError; more may be added (see `ErrorCode`).
    public typealias Code = ErrorCode<LedgerError>

    public let errorCode: Code
    public let detail: String
    /// The stored declined transaction, for declines.
    public let transactionID: TransactionID?
    /// What was asked, for declines.
    public let requested: Money?
    /// What was available, for declines.
    public let available: Money?

    /// Creates an error.
    public init(_ code: Code, _ detail: String, transactionID: TransactionID? = nil, requested: Money? = nil, available: Money? = nil) {
        self.errorCode = code
        self.detail = detail
        self.transactionID = transactionID
        self.requested = requested
        self.available = available
    }

    public var code: String { errorCode.value }
    public var kind: ErrorKind { errorCode.kind }
    public var extensions: [String: ErrorValue] {
        var values: [String: ErrorValue] = [:]
        if let transactionID { values["transaction_id"] = .string(transactionID.description) }
        if let requested { values["requested_cents"] = .int(requested.cents) }
        if let available { values["available_cents"] = .int(available.cents) }
        return values
    }

    static func accountNotFound(_ id: AccountID) -> LedgerError { LedgerError(.accountNotFound, "No account \(id).") }
    static func accountNotFound(number: String) -> LedgerError { LedgerError(.accountNotFound, "No open account with number \(number).") }
}

extension ErrorCode where Domain == LedgerError {
    /// No such account, or not the caller's (404).
    public static let accountNotFound = Self("account_not_found", kind: .notFound)
    /// No such transaction on the account, or not the caller's (404).
    public static let transactionNotFound = Self("transaction_not_found", kind: .notFound)
    /// A debit beyond the available balance; the declined transaction is stored (422).
    public static let insufficientFunds = Self("insufficient_funds", kind: .invalid)
    /// A debit beyond the account's daily limit; the declined transaction is stored (422).
    public static let dailyLimitExceeded = Self("daily_limit_exceeded", kind: .invalid)
    /// The account is frozen (409).
    public static let accountFrozen = Self("account_frozen", kind: .conflict)
    /// The account is closed (409).
    public static let accountClosed = Self("account_closed", kind: .conflict)
    /// Only an account at zero balance can be closed (409).
    public static let balanceNotZero = Self("balance_not_zero", kind: .conflict)
    /// Only a posted withdrawal or card purchase, not yet reversed, can be reversed (422).
    public static let transactionNotReversible = Self("transaction_not_reversible", kind: .invalid)
    /// The movement would overflow a balance (422).
    public static let amountOverflow = Self("amount_overflow", kind: .invalid)
}
