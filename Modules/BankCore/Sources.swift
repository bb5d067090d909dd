public import Foundation

/// The source of "now" for a service; tests inject a fixed or stepping clock.
public struct BankClock: Sendable {
    /// Returns the current instant.
    public var now: @Sendable () -> Date

    /// Creates a clock from a closure.
    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    /// The system clock.
    public static let live = BankClock { Date() }
}

/// The source of new identifiers; tests may inject a deterministic one.
public struct IDSource: Sendable {
    /// Returns a new UUID.
    public var uuid: @Sendable () -> UUID

    /// Creates an ID source from a closure.
    public init(uuid: @escaping @Sendable () -> UUID) { self.uuid = uuid }

    /// Random (version 4) UUIDs.
    public static let live = IDSource { UUID() }

    /// A new typed identifier.
    public func next<Tag>(_: Tag.Type = Tag.self) -> Identifier<Tag> { Identifier(uuid()) }
}
