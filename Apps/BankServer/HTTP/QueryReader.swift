import BankCore
import Foundation
import Hummingbird

/// Reads query parameters with the same strictness and field errors as request bodies.
struct QueryReader {
    private let parameters: [String: String]
    private(set) var errors: [FieldError] = []

    init(_ request: Request) {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        self.parameters = parameters
    }

    fileprivate mutating func fail(_ key: String, _ message: String) { errors.append(FieldError(field: key, message: message)) }

    /// A non-empty string parameter.
    mutating func string(_ key: String, maxLength: Int = 200) -> String? {
        guard let value = parameters[key], !value.isEmpty else { return nil }
        guard value.count <= maxLength else { fail(key, "must be at most \(maxLength) characters"); return nil }
        return value
    }

    /// An integer parameter.
    mutating func integer(_ key: String) -> Int64? {
        guard let text = string(key) else { return nil }
        guard let value = Int64(text) else { fail(key, "must be an integer"); return nil }
        return value
    }

    /// One of an enumeration's raw values.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, as: T.Type = T.self) -> T? where T.RawValue == String {
        guard let text = string(key) else { return nil }
        guard let value = T(rawValue: text) else {
            fail(key, "must be one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// A `YYYY-MM-DD` date as the start of that UTC day.
    mutating func date(_ key: String) -> Date? {
        guard let text = string(key, maxLength: 10) else { return nil }
        let parts = text.split(separator: "-")
        guard text.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            let date = DateComponents(calendar: Calendar.utcGregorian, year: year, month: month, day: day).date,
            Calendar.utcGregorian.dateComponents([.year, .month, .day], from: date) == DateComponents(year: year, month: month, day: day)
        else {
            fail(key, "must be a date as YYYY-MM-DD")
            return nil
        }
        return date
    }

    /// `limit` (1–200, default 50) and `cursor`.
    mutating func page() -> PageRequest {
        var limit = PageRequest.defaultLimit
        if let value = integer("limit") {
            if (1...Int64(PageRequest.maximumLimit)).contains(value) { limit = Int(value) } else { fail("limit", "must be between 1 and 200") }
        }
        var cursor: Cursor?
        if let text = string("cursor") {
            cursor = Cursor(opaque: text)
            if cursor == nil { fail("cursor", "is not a cursor this API returned") }
        }
        return PageRequest(limit: limit, cursor: cursor)
    }

    /// Throws the collected field errors as one 422.
    func validate() throws {
        if !errors.isEmpty { throw ValidationError(errors) }
    }
}

extension QueryReader {
    /// Records that a required parameter is missing.
    mutating func require(_ key: String) { fail(key, "is required") }
}
