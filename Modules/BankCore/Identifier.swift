public import Foundation

/// A typed UUID: `Identifier<UserTag>` and `Identifier<AccountTag>` cannot be mixed up.
///
/// Encoded as the lowercase UUID string.
public struct Identifier<Tag>: Hashable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible {
    /// The underlying UUID.
    public let uuid: UUID

    /// Wraps an existing UUID.
    public init(_ uuid: UUID) { self.uuid = uuid }

    /// Parses a UUID string (any case); `nil` when it is not one.
    public init?(_ description: String) {
        guard let uuid = UUID(text: description) else { return nil }
        self.uuid = uuid
    }

    /// The lowercase UUID string, as stored and as sent over the API.
    public var description: String { uuid.lowercasedText }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        guard let uuid = UUID(text: string) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a UUID: \(string)")
        }
        self.uuid = uuid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Tag of ``UserID``.
public enum UserTag {}
/// Tag of ``AccountID``.
public enum AccountTag {}
/// Tag of ``TransactionID``.
public enum TransactionTag {}
/// Tag of ``TransferID``.
public enum TransferTag {}
/// Tag of ``SessionID``.
public enum SessionTag {}
/// Tag of ``CardID``.
public enum CardTag {}

/// Identifies a user (member, employee or admin).
public typealias UserID = Identifier<UserTag>
/// Identifies a ledger account.
public typealias AccountID = Identifier<AccountTag>
/// Identifies one account's transaction (posted or declined).
public typealias TransactionID = Identifier<TransactionTag>
/// Identifies a transfer between two accounts.
public typealias TransferID = Identifier<TransferTag>
/// Identifies a login session (a refresh-token family).
public typealias SessionID = Identifier<SessionTag>
/// Identifies a debit card.
public typealias CardID = Identifier<CardTag>

extension UUID {
    /// The lowercase UUID string (`0f8fad5b-d9cb-469f-a165-70867728950e`), written by hand: Foundation's
    /// `uuidString` formats through `snprintf`, and every id bound to a statement or encoded in a
    /// response passes through here.
    public var lowercasedText: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                let digits: StaticString = "0123456789abcdef"
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    text[position] = digits.utf8Start[Int(bytes[index] >> 4)]
                    text[position + 1] = digits.utf8Start[Int(bytes[index] & 0x0F)]
                    position += 2
                }
                return position
            }
        }
    }

    /// The UUID in `text` (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits of any case), read by
    /// hand: it accepts what `UUID(uuidString:)` accepts but a sign where a digit belongs. That one
    /// goes through `sscanf` and cost more than a microsecond for every id of every row a statement
    /// or listing decodes.
    public init?(text: String) {
        var text = text
        guard let uuid = text.withUTF8({ bytes -> uuid_t? in
            guard bytes.count == 36 else { return nil }
            var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let parsed = withUnsafeMutableBytes(of: &uuid) { output -> Bool in
                func nibble(_ byte: UInt8) -> UInt8? {
                    switch byte {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
                    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
                    default: nil
                    }
                }
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        guard bytes[position] == UInt8(ascii: "-") else { return false }
                        position += 1
                    }
                    guard let high = nibble(bytes[position]), let low = nibble(bytes[position + 1]) else { return false }
                    output[index] = high << 4 | low
                    position += 2
                }
                return true
            }
            return parsed ? uuid : nil
        }) else { return nil }
        self.init(uuid: uuid)
    }
}
