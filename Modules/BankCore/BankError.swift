/// What kind of failure a domain error is; the HTTP layer maps each kind to one status.
public enum ErrorKind: Sendable, Hashable {
    /// The input is invalid or the operation is refused by a business rule (422).
    case invalid
    /// The thing does not exist, or is not the caller's (404).
    case notFound
    /// The thing's current state does not allow the operation (409).
    case conflict
    /// The caller is not authenticated, or the credentials are wrong (401).
    case unauthenticated
    /// The caller's role may not do this (403).
    case forbidden
    /// The user is temporarily locked (423).
    case locked
    /// Too many attempts (429).
    case rateLimited
}

/// One problem with one input field.
public struct FieldError: Sendable, Hashable, Codable {
    /// The field's name as the caller sent it (`amount_cents`).
    public let field: String
    /// What is wrong with it (`must be > 0`).
    public let message: String

    /// Creates a field error.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// A scalar value attached to an error for machines to read (`transaction_id`, `available_cents`).
public enum ErrorValue: Sendable, Hashable {
    case string(String)
    case int(Int64)
    case bool(Bool)
}

/// The protocol every module's error type conforms to: a stable code and a kind the server maps in one place.
public protocol BankError: Error, Sendable, CustomStringConvertible {
    /// The stable, machine-readable code (`insufficient_funds`).
    var code: String { get }
    /// The kind of failure, which decides the HTTP status.
    var kind: ErrorKind { get }
    /// A short human title (`Insufficient funds`).
    var title: String { get }
    /// A human explanation of this occurrence.
    var detail: String { get }
    /// Per-field validation failures.
    var fieldErrors: [FieldError] { get }
    /// Extra machine-readable members of the error (`transaction_id`).
    var extensions: [String: ErrorValue] { get }
}

extension BankError {
    public var fieldErrors: [FieldError] { [] }
    public var extensions: [String: ErrorValue] { [:] }
    public var title: String {
        let words = code.split(separator: "_").map(String.init)
        guard let first = words.first else { return code }
        return ([first.prefix(1).uppercased() + first.dropFirst()] + words.dropFirst()).joined(separator: " ")
    }
    public var description: String { "\(code): \(detail)" }
}

/// A general validation failure with per-field errors, usable by any module.
public struct ValidationError: BankError {
    public let fieldErrors: [FieldError]
    public var code: String { "validation_failed" }
    public var kind: ErrorKind { .invalid }
    public var title: String { "Validation failed" }
    public var detail: String { fieldErrors.map { "\($0.field) \($0.message)" }.joined(separator: "; ") }

    /// Creates a validation error from field errors.
    public init(_ fieldErrors: [FieldError]) { self.fieldErrors = fieldErrors }

    /// A validation error about one field.
    public init(field: String, _ message: String) { self.fieldErrors = [FieldError(field: field, message: message)] }
}

/// Collects field errors while validating an input, then throws them all at once.
public struct Validator: Sendable {
    /// The errors found so far.
    public private(set) var errors: [FieldError] = []

    /// Creates an empty validator.
    public init() {}

    /// Records `message` for `field` unless `condition` holds.
    public mutating func check(_ condition: Bool, _ field: String, _ message: String) {
        if !condition { errors.append(FieldError(field: field, message: message)) }
    }

    /// Throws a ``ValidationError`` when anything was recorded.
    public func validate() throws(ValidationError) {
        if !errors.isEmpty { throw ValidationError(errors) }
    }
}

/// A stable error code of one module's error type: `ErrorCode<LedgerError>` and `ErrorCode<CardError>`
/// are different types, so each module's codes live in its own namespace (`LedgerError.Code.insufficientFunds`).
/// A struct, not an enum, so that a module can add codes without breaking callers that switch over them.
public struct ErrorCode<Domain>: Sendable, Hashable, CustomStringConvertible {
    /// The machine-readable code (`insufficient_funds`).
    public let value: String
    /// The kind of failure, which decides the HTTP status.
    public let kind: ErrorKind

    /// Declares a code.
    public init(_ value: String, kind: ErrorKind) {
        self.value = value
        self.kind = kind
    }

    public var description: String { value }
}
