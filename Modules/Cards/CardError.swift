public import BankCore

/// A failure of a Cards use case, with a stable ``code``.
public struct CardError: BankError, Equatable {
    /// The stable codes of CardError; more may be added (see `ErrorCode`).
    public typealias Code = ErrorCode<CardError>

    public let errorCode: Code
    public let detail: String
    /// The stored declined transaction, for declined purchases.
    public let transactionID: TransactionID?

    /// Creates an error.
    public init(_ code: Code, _ detail: String, transactionID: TransactionID? = nil) {
        self.errorCode = code
        self.detail = detail
        self.transactionID = transactionID
    }

    public var code: String { errorCode.value }
    public var kind: ErrorKind { errorCode.kind }
    public var extensions: [String: ErrorValue] {
        transactionID.map { ["transaction_id": .string($0.description)] } ?? [:]
    }

    static func notFound(_ id: CardID) -> CardError { CardError(.cardNotFound, "No card \(id).") }
}

extension ErrorCode where Domain == CardError {
    /// No such card, or not the caller's (404).
    public static let cardNotFound = Self("card_not_found", kind: .notFound)
    /// The account already has an active or frozen card (409).
    public static let cardExists = Self("card_exists", kind: .conflict)
    /// The card is frozen or cancelled; a purchase with it is declined and stored (422).
    public static let cardInactive = Self("card_inactive", kind: .invalid)
    /// The card is past its expiry; a purchase with it is declined and stored (422).
    public static let cardExpired = Self("card_expired", kind: .invalid)
    /// The requested status change does not apply (a cancelled card cannot be unfrozen) (409).
    public static let invalidCardState = Self("invalid_card_state", kind: .conflict)
}
