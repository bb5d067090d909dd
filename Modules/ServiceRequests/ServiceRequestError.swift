public import BankCore

/// A failure of a service-request use case, with a stable ``code``.
public struct ServiceRequestError: BankError, Equatable {
    /// The stable codes of ServiceRequestError; more may be added (see `ErrorCode`).
    public typealias Code = ErrorCode<ServiceRequestError>

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

extension ErrorCode where Domain == ServiceRequestError {
    /// No such request, or not visible to the caller (404).
    public static let requestNotFound = Self("service_request_not_found", kind: .notFound)
    /// The request is not in a state that allows this transition (409).
    public static let invalidTransition = Self("invalid_transition", kind: .conflict)
    /// An employee may not decide a request they filed themselves (403).
    public static let ownRequest = Self("own_request", kind: .forbidden)
}
