import BankCore
import Foundation
import Hummingbird

extension Request {
    /// The body as strict JSON: 415 unless `application/json`, 413 over 64 KiB, 400 when malformed or nested too deep.
    mutating func jsonBody(context: BankRequestContext) async throws -> JSON {
        try await jsonBodyAndBytes(context: context).json
    }

    /// The parsed body and the bytes it came as (idempotency fingerprints the bytes).
    mutating func jsonBodyAndBytes(context: BankRequestContext) async throws -> (json: JSON, bytes: [UInt8]) {
        let bytes = try await rawBody(context: context)
        guard !bytes.isEmpty else { throw HTTPProblem.malformed("the body is empty") }
        return (try parseJSON(bytes), bytes)
    }

    /// The parsed body, or nil when there is none (for endpoints whose body is optional).
    mutating func optionalJSONBody(context: BankRequestContext) async throws -> JSON? {
        let bytes = try await rawBody(context: context)
        return bytes.isEmpty ? nil : try parseJSON(bytes)
    }

    /// The bytes as strict JSON, after checking that the media type is JSON.
    private func parseJSON(_ bytes: [UInt8]) throws -> JSON {
        // The media type without parameters: application/json, or a structured-syntax application/…+json. The plain
        // header is taken as it is (Foundation's trimming bridges through NSString, a cost on every POST).
        guard let contentType = headers[.contentType] else { throw HTTPProblem.unsupportedMediaType }
        let mediaType =
            contentType == "application/json"
            ? contentType : contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
        else { throw HTTPProblem.unsupportedMediaType }
        do {
            return try JSON.parse(bytes)
        } catch {
            throw HTTPProblem.malformed(error.message)
        }
    }

    /// The body bytes, refused with 413 past the context's limit.
    mutating func rawBody(context: BankRequestContext) async throws -> [UInt8] {
        let buffer = try await collectBody(upTo: context.maxUploadSize)
        return Array(buffer.readableBytesView)
    }
}

/// Reads the members of a JSON object body with strict types, collecting every problem as a field error.
///
/// Members not in `allowed` are refused (no mass assignment of `role`, `balance_cents`, `status`, …).
struct FieldReader {
    private let members: [(String, JSON)]
    /// Prepended to field names in errors (`details.` for a nested object).
    private let prefix: String
    private(set) var errors: [FieldError] = []

    init(_ json: JSON, allowed: Set<String>, prefix: String = "") {
        self.prefix = prefix
        guard case .object(let members) = json else {
            self.members = []
            isObject = false
            errors.append(FieldError(field: prefix.isEmpty ? "body" : String(prefix.dropLast()), message: "must be a JSON object"))
            return
        }
        self.members = members
        for (key, _) in members where !allowed.contains(key) {
            errors.append(FieldError(field: prefix + key, message: "is not a known field"))
        }
    }

    private func value(_ key: String) -> JSON? { members.first { $0.0 == key }?.1 }

    /// Once the body is not an object at all, that is the only problem worth reporting.
    private var isObject = true

    private mutating func fail(_ key: String, _ message: String) {
        if isObject { errors.append(FieldError(field: prefix + key, message: message)) }
    }

    /// A nested object member, read with its own allowed fields; its problems join this reader's.
    mutating func object(_ key: String, required: Bool = true) -> JSON? {
        switch value(key) {
        case .object?: return value(key)
        case nil, .null?:
            if required { fail(key, "is required") }
            return nil
        case let other?:
            fail(key, "must be an object, not a \(other.typeName)")
            return nil
        }
    }

    /// Adds another reader's problems (a nested object's) to this one's.
    mutating func merge(_ other: FieldReader) { errors += other.errors }

    /// A string member; `nil` (and an error if `required`) when missing or null.
    mutating func string(_ key: String, required: Bool = true, maxLength: Int = 1000) -> String? {
        switch value(key) {
        case .string(let string):
            guard string.count <= maxLength else { fail(key, "must be at most \(maxLength) characters"); return nil }
            return string
        case nil, .null?:
            if required { fail(key, "is required") }
            return nil
        case let other?:
            fail(key, "must be a string, not a \(other.typeName)")
            return nil
        }
    }

    /// For PATCH: `.none` when absent, `.some(nil)` when null, `.some(value)` when a string.
    mutating func patchString(_ key: String, maxLength: Int = 1000) -> String?? {
        switch value(key) {
        case nil: return .none
        case .null?: return .some(nil)
        default: return .some(string(key, maxLength: maxLength))
        }
    }

    /// An amount in integer cents: floats, strings and other types are refused here; the range is the domain's to check.
    mutating func cents(_ key: String, required: Bool = true) -> Money? {
        switch value(key) {
        case .integer(let cents)?: return Money(cents: cents)
        case nil, .null?:
            if required { fail(key, "is required") }
            return nil
        case .number?:
            fail(key, "must be an integer number of cents between 1 and \(Money.maximumMovement.cents)")
            return nil
        case let other?:
            fail(key, "must be an integer number of cents, not a \(other.typeName)")
            return nil
        }
    }

    /// A UUID string member.
    mutating func uuid<Tag>(_ key: String, required: Bool = true, as: Identifier<Tag>.Type = Identifier<Tag>.self) -> Identifier<Tag>? {
        guard let string = string(key, required: required, maxLength: 64) else { return nil }
        guard let id = Identifier<Tag>(string) else { fail(key, "must be a UUID"); return nil }
        return id
    }

    /// One of an enumeration's raw values.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, required: Bool = true, as: T.Type = T.self) -> T?
    where T.RawValue == String {
        guard let string = string(key, required: required, maxLength: 64) else { return nil }
        guard let value = T(rawValue: string) else {
            fail(key, "must be one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// Throws the collected field errors as one 422.
    func validate() throws {
        if !errors.isEmpty { throw ValidationError(errors) }
    }
}
