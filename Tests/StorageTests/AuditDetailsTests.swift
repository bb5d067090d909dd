import Foundation
import Testing

@testable import Storage

/// The audit log writes each row's details as JSON by hand: it must be valid JSON, equal to the input, keys sorted.
@Suite struct AuditDetailsTests {
    @Test(arguments: [
        [:],
        ["amount_cents": "5000", "transaction_id": "abc"],
        ["quote": "say \"hi\"", "backslash": #"C:\path"#, "newline": "a\nb\r\tc", "control": "\u{01}\u{1f}", "unicode": "café €😀 <b>"],
        ["z": "last", "a": "first", "m": "middle"],
    ])
    func detailsAreValidJSONEqualToTheInputWithSortedKeys(details: [String: String]) throws {
        let text = AuditLog.canonicalDetails(details)
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        #expect(decoded == details)
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]).keys
        #expect(keys.count == details.count)
        let positions = details.keys.sorted().map { key in text.range(of: "\"\(key)\":")!.lowerBound }
        #expect(positions == positions.sorted())
    }
}
