public import Foundation

extension Date {
    /// RFC 3339 UTC with `Z` and whole seconds (`2026-11-22T10:15:00Z`), as the API writes times.
    public var rfc3339: String { formatted(.iso8601) }
}

extension Calendar {
    /// The Gregorian calendar in UTC: days, months and statements are UTC throughout the bank.
    public static let utcGregorian: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
