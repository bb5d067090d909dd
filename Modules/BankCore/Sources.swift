public import Foundation
import Synchronization

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

/// A clock that only moves when told to: for tests and simulations (lockout expiry, token expiry, statements).
public final class ManualClock: Sendable {
    private let current: Mutex<Date>

    /// Creates a clock stopped at `start`.
    public init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) { current = Mutex(start) }

    /// The current instant.
    public var now: Date { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by interval: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(interval) } }

    /// Sets the clock.
    public func set(_ date: Date) { current.withLock { $0 = date } }

    /// A ``BankClock`` reading this clock.
    public var clock: BankClock { BankClock { [self] in self.now } }
}

/// Simulated time for one task and the work it awaits: tools that create history (demo and
/// synthetic seeding) run many callers at once, each at its own date, through one clock.
public enum SimulatedTime {
    /// The instant the current task is acting at, when it is simulating.
    @TaskLocal public static var now: Date?

    /// A clock that reads the current task's simulated instant, or the system clock outside a simulation.
    public static let clock = BankClock { SimulatedTime.now ?? Date() }
}
