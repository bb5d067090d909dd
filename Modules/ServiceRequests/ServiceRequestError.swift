public import BankCore

/// A failure of a service-request use case, with a stable ``code``.
public struct ServiceRequestError: BankError, Equatable {
    /// The stable codes of service-request failures; more may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let value: String
        let kind: ErrorKind
        public var description: String { value }

        /// No such request, or not visible to the caller (404).
        public static let requestNotFound = Code(value: "service_request_not_found", kind: .notFound)
        /// The request is not in a state that allows this transition (409).
        public static let invalidTransition = Code(value: "invalid_transition", kind: .conflict)
        /// An employee may not decide a request they filed themselves (403).
        public static let ownRequest = Code(value: "own_request", kind: .forbidden)
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
