public import BankCore
public import GRDB
public import Foundation

/// Typed identifiers are stored as lowercase UUID text, readable in the SQLite shell.
extension Identifier: SQLExpressible {}
extension Identifier: StatementBinding {}
extension Identifier: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { description.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Identifier? {
        String.fromDatabaseValue(dbValue).flatMap { Identifier($0) }
    }
}

/// Money is stored as integer cents.
extension Money: SQLExpressible {}
extension Money: StatementBinding {}
extension Money: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { cents.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Money? {
        Int64.fromDatabaseValue(dbValue).map { Money(cents: $0) }
    }
}

extension DatabaseError {
    /// Whether this is a UNIQUE or PRIMARY KEY violation.
    public var isUniqueViolation: Bool {
        extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE || extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
    }

    /// Whether this is a CHECK constraint violation.
    public var isCheckViolation: Bool { extendedResultCode == .SQLITE_CONSTRAINT_CHECK }
}

/// Makes a `LIKE` pattern that matches `text` literally anywhere (with `ESCAPE '\'`).
public func likePattern(containing text: String) -> String {
    let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
        .replacingOccurrences(of: "%", with: "\\%")
        .replacingOccurrences(of: "_", with: "\\_")
    return "%\(escaped)%"
}

/// Roles are stored as their raw value.
extension Role: SQLExpressible {}
extension Role: StatementBinding {}
extension Role: DatabaseValueConvertible {}

extension Row {
    /// The date stored in `column` as GRDB writes dates (`YYYY-MM-DD HH:MM:SS.SSS`, UTC), parsed by
    /// arithmetic rather than `sscanf`: statements decode thousands of timestamps per request, and
    /// GRDB's general parser was most of that cost. Anything else falls back to GRDB's decoding.
    public func timestamp(_ column: String) -> Date {
        let value: DatabaseValue = self[column]
        if case .string(let text) = value.storage, let date = Self.parseTimestamp(text) { return date }
        return Date.fromDatabaseValue(value) ?? Date(timeIntervalSince1970: 0)
    }

    /// ``timestamp(_:)`` by column position.
    public func timestamp(atIndex index: Int) -> Date {
        let value: DatabaseValue = self[index]
        if case .string(let text) = value.storage, let date = Self.parseTimestamp(text) { return date }
        return Date.fromDatabaseValue(value) ?? Date(timeIntervalSince1970: 0)
    }

    /// The UUID stored as text at `index`, or `nil` for NULL. Decoding an `Identifier` through GRDB's
    /// generic path looked up `Optional<Identifier<Tag>>`'s type metadata at run time for every value,
    /// the largest cost of decoding a transaction; callers wrap the UUID in their concrete id type.
    public func uuid(atIndex index: Int) -> UUID? {
        let value: DatabaseValue = self[index]
        guard case .string(let text) = value.storage else { return nil }
        return UUID(text: text)
    }

    /// The optional form of ``timestamp(_:)``.
    public func optionalTimestamp(_ column: String) -> Date? {
        let value: DatabaseValue = self[column]
        return value.isNull ? nil : timestamp(column)
    }

    /// ``timestamp(_:)``'s parser, for tests.
    public static func parseTimestampForTesting(_ text: String) -> Date? { parseTimestamp(text) }

    static func parseTimestamp(_ text: String) -> Date? {
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
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2), expect(32),
            let hour = number(2), expect(58), let minute = number(2), expect(58), let second = number(2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var milliseconds = 0
        switch utf8.next() {
        case nil: break
        case 46?:
            guard let fraction = number(3), utf8.next() == nil else { return nil }
            milliseconds = fraction
        default: return nil
        }
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

extension Date {
    /// The text GRDB stores a date as (`YYYY-MM-DD HH:MM:SS.SSS`, UTC), formatted by arithmetic:
    /// binding a `Date` makes GRDB call Foundation's ICU date formatter, a measurable share of every
    /// money movement. Same text, so SQL comparisons and GRDB's own decoding still agree.
    public var databaseText: String { utcText(dateSeparator: " ", milliseconds: true, suffix: "") }

    /// RFC 3339 UTC with milliseconds (`2026-11-22T10:15:00.123Z`), as the audit log stores `at`.
    public var rfc3339Milliseconds: String { utcText(dateSeparator: "T", milliseconds: true, suffix: "Z") }
}
