
/// An exact amount of US dollars, in integer cents.
///
/// Arithmetic that would overflow `Int64` throws ``MoneyError/overflow`` instead of trapping.
public struct Money: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The amount in cents. Negative amounts exist only as signed postings and deltas.
    public let cents: Int64

    /// The largest amount a single movement may carry: $1,000,000,000.00 (1e11 cents).
    public static let maximumMovement = Money(cents: 100_000_000_000)
    /// Zero dollars.
    public static let zero = Money(cents: 0)

    /// Creates an amount of `cents` cents.
    public init(cents: Int64) { self.cents = cents }

    /// Adds two amounts. - Throws: ``MoneyError/overflow`` when the sum does not fit in `Int64`.
    public func adding(_ other: Money) throws(MoneyError) -> Money {
        let (sum, overflow) = cents.addingReportingOverflow(other.cents)
        guard !overflow else { throw .overflow }
        return Money(cents: sum)
    }

    /// Subtracts an amount. - Throws: ``MoneyError/overflow`` when the difference does not fit in `Int64`.
    public func subtracting(_ other: Money) throws(MoneyError) -> Money {
        let (difference, overflow) = cents.subtractingReportingOverflow(other.cents)
        guard !overflow else { throw .overflow }
        return Money(cents: difference)
    }

    /// The amount with its sign flipped.
    public var negated: Money { Money(cents: -cents) }

    /// Whether this is a valid amount for one credit, debit or transfer: 1 cent to ``maximumMovement``.
    public var isValidMovement: Bool { cents > 0 && cents <= Money.maximumMovement.cents }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.cents < rhs.cents }

    /// `$1,234.56`, `-$0.05`.
    public var description: String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let dollars = String(magnitude / 100)
        var grouped = ""
        for (index, character) in dollars.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        let fraction = magnitude % 100
        return "\(sign)$\(String(grouped.reversed())).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    public init(from decoder: any Decoder) throws {
        cents = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(cents)
    }
}

/// Failures of ``Money`` arithmetic.
public enum MoneyError: Error, Sendable, Equatable {
    /// The result does not fit in 64-bit cents.
    case overflow
}
