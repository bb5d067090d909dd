import BankCore

extension SeededGenerator {
    /// A whole number of cents in `range`.
    mutating func cents(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &self) }
}
