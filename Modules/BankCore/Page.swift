import Foundation

/// One page of a newest-first list, with the cursor of the next page.
public struct Page<Element: Sendable>: Sendable {
    /// The items of this page, newest first.
    public let data: [Element]
    /// Whether another page follows.
    public let hasMore: Bool
    /// The opaque cursor of the next page, when there is one.
    public let nextCursor: Cursor?

    /// Creates a page.
    public init(data: [Element], hasMore: Bool, nextCursor: Cursor?) {
        self.data = data
        self.hasMore = hasMore
        self.nextCursor = nextCursor
    }

    /// Builds a page from `limit + 1` fetched rows: the extra row only says that more follow.
    public static func from<Row>(rows: [Row], limit: Int, position: (Row) -> Int64, transform: (Row) throws -> Element) rethrows -> Page {
        let hasMore = rows.count > limit
        let pageRows = hasMore ? Array(rows.prefix(limit)) : rows
        let cursor = hasMore ? pageRows.last.map { Cursor(position: position($0)) } : nil
        return Page(data: try pageRows.map(transform), hasMore: hasMore, nextCursor: cursor)
    }

    /// The same page with its items transformed.
    public func map<T>(_ transform: (Element) throws -> T) rethrows -> Page<T> {
        Page<T>(data: try data.map(transform), hasMore: hasMore, nextCursor: nextCursor)
    }
}

/// An opaque position in a newest-first list: the sequence number of the last item seen.
public struct Cursor: Sendable, Hashable, CustomStringConvertible {
    /// Items strictly older than this position come next.
    public let position: Int64

    /// Creates a cursor at a position.
    public init(position: Int64) { self.position = position }

    /// Parses the opaque form; `nil` when it was not made by ``description``.
    public init?(opaque: String) {
        var base64 = opaque.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("p:"), let position = Int64(text.dropFirst(2)), position > 0
        else { return nil }
        self.position = position
    }

    /// The opaque, URL-safe form handed to clients.
    public var description: String {
        Data("p:\(position)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// What a caller asks of a list: how many items and from where.
public struct PageRequest: Sendable, Hashable {
    /// The default page size.
    public static let defaultLimit = 50
    /// The largest page size.
    public static let maximumLimit = 200

    /// How many items, 1...200.
    public let limit: Int
    /// Where to continue, or `nil` for the newest items.
    public let cursor: Cursor?

    /// Creates a page request; the limit is clamped to 1...200.
    public init(limit: Int = PageRequest.defaultLimit, cursor: Cursor? = nil) {
        self.limit = min(max(limit, 1), PageRequest.maximumLimit)
        self.cursor = cursor
    }
}
