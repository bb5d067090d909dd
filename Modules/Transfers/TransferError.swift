public import BankCore

/// A failure of a transfer that is Transfers' own (the Ledger's failures pass through as `LedgerError`).
public struct TransferError: BankError, Equatable {
    /// The stable codes of TransferError; more may be added (see `ErrorCode`).
    public typealias Code = ErrorCode<TransferError>

    public let errorCode: Code
    public let detail: String

    /// Creates an error.
    public init(_ code: Code, _ detail: String) {
        self.errorCode = code
        self.detail = detail
    }

    public var code: String { errorCode.value }
    public var kind: ErrorKind { errorCode.kind }
}

extension ErrorCode where Domain == TransferError {
    /// Source and target are the same account (422).
    public static let sameAccount = Self("same_account", kind: .invalid)
    /// No such transfer, or the caller is party to neither side (404).
    public static let transferNotFound = Self("transfer_not_found", kind: .notFound)
}
