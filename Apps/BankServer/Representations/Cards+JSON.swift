import BankCore
import Cards

extension Card {
    /// The masked card: never more than the last four digits.
    var json: JSON {
        .object([
            ("id", .string(id.description)), ("account_id", .string(accountID.description)), ("last_four", .string(lastFour)),
            ("brand", .string(brand)), ("expiry_month", .integer(Int64(expiryMonth))), ("expiry_year", .integer(Int64(expiryYear))),
            ("status", .string(status.rawValue)), ("cardholder_name", .string(cardholderName)), ("created_at", .time(createdAt)),
        ])
    }
}

extension IssuedCard {
    /// The one response that carries the full PAN and the CVV.
    var json: JSON { .object([("card", card.json), ("pan", .string(pan)), ("cvv", .string(cvv))]) }

    /// What an idempotent replay of the issuance answers: the card, without PAN or CVV, which are never stored.
    var replayJSON: JSON { .object([("card", card.json), ("pan", .null), ("cvv", .null)]) }
}

extension RevealedCard {
    var json: JSON {
        .object([("pan", .string(pan)), ("expiry_month", .integer(Int64(expiryMonth))), ("expiry_year", .integer(Int64(expiryYear)))])
    }
}
