import Sodium

/// Primary account numbers: 16 digits under the demo BIN 400000, Luhn-valid.
public enum PAN {
    /// The demo issuer identification number.
    public static let bin = "400000"

    /// A new random PAN: the BIN, 9 random digits and the Luhn check digit.
    public static func generate() -> String {
        let body = bin + SecureRandom.digits(9)
        return body + String(checkDigit(for: body))
    }

    /// Whether `pan` is 16 digits and passes the Luhn check.
    public static func isValid(_ pan: String) -> Bool {
        guard pan.count == 16, pan.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return checkDigit(for: String(pan.dropLast())) == Int(String(pan.last!))
    }

    /// The Luhn check digit that completes `body`.
    static func checkDigit(for body: String) -> Int {
        var sum = 0
        for (index, character) in body.reversed().enumerated() {
            var digit = Int(String(character))!
            if index % 2 == 0 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return (10 - sum % 10) % 10
    }
}
