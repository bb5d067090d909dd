public import BankCore
public import Foundation

/// One value bound to or read from a statement, the same on every engine: BankKit stores integers
/// (cents, counts, flags), text (ids, dates, enum cases) and blobs, nothing else.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    public var isNull: Bool { if case .null = self { true } else { false } }
}

/// A Swift value that is stored as one ``SQLValue`` and read back from it.
public protocol SQLValueConvertible: Sendable {
    /// The value to bind.
    var sqlValue: SQLValue { get }
    /// The Swift value stored as `value`, or `nil` when it is NULL or of another kind.
    init?(sqlValue value: SQLValue)
}

/// Enums stored as their raw text (account status, role, …).
extension SQLValueConvertible where Self: RawRepresentable, RawValue == String {
    public var sqlValue: SQLValue { .text(rawValue) }
    public init?(sqlValue value: SQLValue) {
        guard case .text(let text) = value else { return nil }
        self.init(rawValue: text)
    }
}

extension Int64: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self) }
    public init?(sqlValue value: SQLValue) {
        switch value {
        case .integer(let integer): self = integer
        case .real(let real): self.init(exactly: real)
        default: return nil
        }
    }
}

extension Int: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public init?(sqlValue value: SQLValue) {
        guard let integer = Int64(sqlValue: value) else { return nil }
        self.init(integer)
    }
}

extension Bool: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    public init?(sqlValue value: SQLValue) {
        guard let integer = Int64(sqlValue: value) else { return nil }
        self = integer != 0
    }
}

extension Double: SQLValueConvertible {
    public var sqlValue: SQLValue { .real(self) }
    public init?(sqlValue value: SQLValue) {
        switch value {
        case .real(let real): self = real
        case .integer(let integer): self.init(integer)
        default: return nil
        }
    }
}

extension String: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(self) }
    public init?(sqlValue value: SQLValue) {
        guard case .text(let text) = value else { return nil }
        self = text
    }
}

extension Data: SQLValueConvertible {
    public var sqlValue: SQLValue { .blob(self) }
    public init?(sqlValue value: SQLValue) {
        switch value {
        case .blob(let data): self = data
        case .text(let text): self = Data(text.utf8)
        default: return nil
        }
    }
}

/// Dates are stored as UTC text, `YYYY-MM-DD HH:MM:SS.SSS`: sortable, readable in a shell, and the
/// same on every engine. A number reads as seconds since 1970, as GRDB reads one.
extension Date: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(databaseText) }
    public init?(sqlValue value: SQLValue) {
        switch value {
        case .text(let text):
            guard let date = SQLTimestamp.parse(text) else { return nil }
            self = date
        case .integer(let seconds): self.init(timeIntervalSince1970: Double(seconds))
        case .real(let seconds): self.init(timeIntervalSince1970: seconds)
        case .null, .blob: return nil
        }
    }
}

/// UUIDs are stored as lowercase text.
extension UUID: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(lowercasedText) }
    public init?(sqlValue value: SQLValue) {
        guard case .text(let text) = value, let uuid = UUID(text: text) else { return nil }
        self = uuid
    }
}

/// Typed identifiers are stored as lowercase UUID text.
extension Identifier: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(description) }
    public init?(sqlValue value: SQLValue) {
        guard let uuid = UUID(sqlValue: value) else { return nil }
        self.init(uuid)
    }
}

/// Money is stored as integer cents.
extension Money: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(cents) }
    public init?(sqlValue value: SQLValue) {
        guard let cents = Int64(sqlValue: value) else { return nil }
        self.init(cents: cents)
    }
}

extension Role: SQLValueConvertible {}

extension Optional where Wrapped: SQLValueConvertible {
    /// The wrapped value's ``SQLValue``, or `.null`: for ``SQLArguments/init(_:)`` on hot paths, where an
    /// array literal of existentials costs more than binding the values does.
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// The values bound to one statement's `?` placeholders, in order.
public struct SQLArguments: Sendable, ExpressibleByArrayLiteral {
    public var values: [SQLValue]

    public init(_ values: [SQLValue] = []) { self.values = values }

    public init(arrayLiteral elements: (any SQLValueConvertible)?...) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    public static func + (lhs: SQLArguments, rhs: SQLArguments) -> SQLArguments { SQLArguments(lhs.values + rhs.values) }
    public static func += (lhs: inout SQLArguments, rhs: SQLArguments) { lhs.values += rhs.values }
}

extension Date {
    /// The text a date is stored as (`YYYY-MM-DD HH:MM:SS.SSS`, UTC), formatted by arithmetic:
    /// Foundation's ICU formatter was a measurable share of every money movement.
    public var databaseText: String { utcText(dateSeparator: " ", milliseconds: true, suffix: "") }

    /// RFC 3339 UTC with milliseconds (`2026-11-22T10:15:00.123Z`), as the audit log stores `at`.
    public var rfc3339Milliseconds: String { utcText(dateSeparator: "T", milliseconds: true, suffix: "Z") }
}

/// Parses stored dates by arithmetic rather than `sscanf`: statements decode thousands of timestamps per request.
public enum SQLTimestamp {
    /// The date of `YYYY-MM-DD HH:MM:SS` (or `T` between date and time) with optional `.SSS` and `Z`,
    /// read as UTC; `nil` for anything else.
    public static func parse(_ text: String) -> Date? {
        var utf8 = text.utf8.makeIterator()
        func number(_ digits: Int) -> Int? {
            var result = 0
            for _ in 0..<digits {
                guard let byte = utf8.next(), byte >= 48, byte <= 57 else { return nil }
                result = result * 10 + Int(byte - 48)
            }
            return result
        }
        func expect(_ character: UInt8) -> Bool { utf8.next() == character }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
            let separator = utf8.next(), separator == 32 || separator == 84,
            let hour = number(2), expect(58), let minute = number(2), expect(58), let second = number(2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var milliseconds = 0
        var next = utf8.next()
        if next == 46 {
            guard let fraction = number(3) else { return nil }
            milliseconds = fraction
            next = utf8.next()
        }
        if next == 90 { next = utf8.next() }
        guard next == nil else { return nil }
        // Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + Double(milliseconds) / 1_000)
    }
}
