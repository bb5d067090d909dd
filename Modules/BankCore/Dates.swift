public import Foundation

extension Date {
    /// RFC 3339 UTC with `Z` and whole seconds (`2026-11-22T10:15:00Z`), as the API writes times:
    /// the same text as `formatted(.iso8601)`, without Foundation's formatter (a statement writes thousands).
    public var rfc3339: String { utcText(dateSeparator: "T", milliseconds: false, suffix: "Z") }

    /// `YYYY-MM-DD` `dateSeparator` `HH:MM:SS[.SSS]` `suffix` in UTC, by arithmetic. With milliseconds
    /// the instant is rounded to the nearest millisecond; without, the seconds are truncated, as
    /// Foundation's ISO 8601 style does.
    package func utcText(dateSeparator: Unicode.Scalar, milliseconds: Bool, suffix: StaticString) -> String {
        let totalMilliseconds = milliseconds ? Int((timeIntervalSince1970 * 1000).rounded()) : Int(timeIntervalSince1970.rounded(.down)) * 1000
        let fraction = ((totalMilliseconds % 1000) + 1000) % 1000
        let totalSeconds = (totalMilliseconds - fraction) / 1000
        let secondsOfDay = ((totalSeconds % 86_400) + 86_400) % 86_400
        let days = (totalSeconds - secondsOfDay) / 86_400
        // Civil date of a day count from 1970-01-01 (Howard Hinnant's civil_from_days).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return String(unsafeUninitializedCapacity: 32 + suffix.utf8CodeUnitCount) { text in
            var position = 0
            func put(_ byte: UInt8) {
                text[position] = byte
                position += 1
            }
            func put(_ value: Int, digits: Int) {
                var divisor = 1
                for _ in 1..<digits { divisor *= 10 }
                while divisor > 0 {
                    put(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                    divisor /= 10
                }
            }
            put(year, digits: max(4, String(year).count))
            put(UInt8(ascii: "-"))
            put(month, digits: 2)
            put(UInt8(ascii: "-"))
            put(day, digits: 2)
            put(UInt8(dateSeparator.value))
            put(secondsOfDay / 3600, digits: 2)
            put(UInt8(ascii: ":"))
            put(secondsOfDay / 60 % 60, digits: 2)
            put(UInt8(ascii: ":"))
            put(secondsOfDay % 60, digits: 2)
            if milliseconds {
                put(UInt8(ascii: "."))
                put(fraction, digits: 3)
            }
            for index in 0..<suffix.utf8CodeUnitCount { put(suffix.utf8Start[index]) }
            return position
        }
    }
}

extension Calendar {
    /// The Gregorian calendar in UTC: days, months and statements are UTC throughout the bank.
    public static let utcGregorian: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
