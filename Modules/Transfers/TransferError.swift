public import BankCore

/// A failure of a transfer that is Transfers' own (the Ledger's failures pass through as `LedgerError`).
public struct TransferError: BankError, Equatable {
    /// The stable codes of Transfers failures; more may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let value: String
        let kind: ErrorKind
        public var description: String { value }

        /// Source and target are the same account (422).
        public static let sameAccount = Code(value: "same_account", kind: .invalid)
        /// No such transfer, or the caller is party to neither side (404).
        public static let transferNotFound = Code(value: "transfer_not_found", kind: .notFound)
    }

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
