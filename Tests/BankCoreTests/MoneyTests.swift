import BankCore
import Foundation
import Testing

@Suite struct MoneyTests {
    @Test func addingAndSubtractingAreExact() throws {
        let sum = try Money(cents: 1_234_56).adding(Money(cents: 44))
        #expect(sum == Money(cents: 1_235_00))
        let difference = try sum.subtracting(Money(cents: 1_235_01))
        #expect(difference == Money(cents: -1))
    }

    @Test func addingPastInt64MaxThrowsOverflow() {
        #expect(throws: MoneyError.overflow) { try Money(cents: .max).adding(Money(cents: 1)) }
        #expect(throws: MoneyError.overflow) { try Money(cents: .min).adding(Money(cents: -1)) }
    }

    @Test func subtractingPastInt64MinThrowsOverflow() {
        #expect(throws: MoneyError.overflow) { try Money(cents: .min).subtracting(Money(cents: 1)) }
        #expect(throws: MoneyError.overflow) { try Money(cents: .max).subtracting(Money(cents: -1)) }
    }

    @Test func arithmeticAtTheEdgesDoesNotThrow() throws {
        #expect(try Money(cents: .max - 1).adding(Money(cents: 1)) == Money(cents: .max))
        #expect(try Money(cents: .min + 1).subtracting(Money(cents: 1)) == Money(cents: .min))
    }

    @Test(arguments: [
        (Int64(1_234_56), "$1,234.56"),
        (-5, "-$0.05"),
        (0, "$0.00"),
        (7, "$0.07"),
        (100, "$1.00"),
        (99_999, "$999.99"),
        (100_000, "$1,000.00"),
        (-1_000_000_00, "-$1,000,000.00"),
        (100_000_000_000, "$1,000,000,000.00"),
        (.max, "$92,233,720,368,547,758.07"),
        (.min, "-$92,233,720,368,547,758.08"),
    ])
    func descriptionGroupsThousandsAndShowsTwoDecimals(cents: Int64, expected: String) {
        #expect(Money(cents: cents).description == expected)
    }

    @Test func validMovementIsOneCentToOneBillionDollars() {
        #expect(!Money(cents: 0).isValidMovement)
        #expect(!Money(cents: -1).isValidMovement)
        #expect(Money(cents: 1).isValidMovement)
        #expect(Money(cents: 100_000_000_000).isValidMovement)
        #expect(!Money(cents: 100_000_000_001).isValidMovement)
        #expect(Money.maximumMovement == Money(cents: 100_000_000_000))
    }

    @Test func negatedFlipsTheSignAndComparisonOrdersByCents() {
        #expect(Money(cents: 250).negated == Money(cents: -250))
        #expect(Money(cents: -250).negated == Money(cents: 250))
        #expect(Money(cents: -1) < Money.zero)
        #expect(Money(cents: 2) > Money(cents: 1))
    }

    @Test func codesAsABareIntegerOfCents() throws {
        let data = try JSONEncoder().encode(["amount": Money(cents: 1_234_56)])
        #expect(String(decoding: data, as: UTF8.self) == #"{"amount":123456}"#)
        let decoded = try JSONDecoder().decode([String: Money].self, from: Data(#"{"amount":-42}"#.utf8))
        #expect(decoded["amount"] == Money(cents: -42))
    }

    @Test func decodingAFractionalAmountFails() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([String: Money].self, from: Data(#"{"amount":12.5}"#.utf8))
        }
    }
}
