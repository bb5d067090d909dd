import BankCore
import Foundation

extension JSON {
    /// A string, or null.
    static func string(_ value: String?) -> JSON { value.map { .string($0) } ?? .null }
    /// Cents, or null.
    static func cents(_ value: Money?) -> JSON { value.map { .integer($0.cents) } ?? .null }
    /// An RFC 3339 UTC time.
    static func time(_ date: Date) -> JSON { .string(date.rfc3339) }
    /// An id's string, or null.
    static func id<Tag>(_ id: Identifier<Tag>?) -> JSON { id.map { .string($0.description) } ?? .null }

    /// The list envelope of API.md: `{data, has_more, next_cursor}`.
    static func page<T>(_ page: Page<T>, _ encode: (T) -> JSON) -> JSON {
        .object([
            ("data", .array(page.data.map(encode))), ("has_more", .bool(page.hasMore)),
            ("next_cursor", .string(page.nextCursor?.description)),
        ])
    }

    /// A complete list in the list envelope.
    static func list<T>(_ items: [T], _ encode: (T) -> JSON) -> JSON {
        .object([("data", .array(items.map(encode))), ("has_more", .bool(false)), ("next_cursor", .null)])
    }
}
