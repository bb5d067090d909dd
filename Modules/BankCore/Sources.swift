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

    /// Time-ordered (version 7) UUIDs: see ``Foundation/UUID/timeOrdered(at:)``.
    public static let live = IDSource { UUID.timeOrdered() }

    /// Random (version 4) UUIDs.
    public static let random = IDSource { UUID() }

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

extension UUID {
    /// A version 7 UUID (RFC 9562): the Unix time in milliseconds in the first 48 bits, then 74 random bits.
    ///
    /// IDs are primary keys: made in time order, each new row lands on the last page of its index
    /// instead of on a random one, so a group commit of a hundred transfers writes a few index pages
    /// instead of hundreds. The random bits still make IDs unguessable; access never depends on that.
    public static func timeOrdered(at date: Date = Date()) -> UUID {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var bytes = uuid_t(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { bytes in
            RandomPool.shared.fill(UnsafeMutableRawBufferPointer(rebasing: bytes[6...]))
            for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
            bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
            bytes[8] = 0x80 | (bytes[8] & 0x3F)  // RFC 9562 variant
        }
        return UUID(uuid: bytes)
    }
}

/// The kernel's random bytes, read 4 KiB at a time: one system call per 400 IDs instead of two
/// per ID (SystemRandomNumberGenerator asks for 8 bytes per call), about 4 % of a history import's samples.
/// The bytes are the kernel's CSPRNG output, each handed out once.
private final class RandomPool: Sendable {
    static let shared = RandomPool()
    private static let size = 4096
    private let state = Mutex<(bytes: [UInt8], used: Int)>(([UInt8](repeating: 0, count: RandomPool.size), RandomPool.size))

    func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        state.withLock { state in
            if state.used + buffer.count > state.bytes.count {
                state.bytes.withUnsafeMutableBytes { Self.kernelRandom($0) }
                state.used = 0
            }
            state.bytes.withUnsafeBytes { pool in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: pool[state.used..<state.used + buffer.count]))
            }
            state.used += buffer.count
        }
    }

    /// `/dev/urandom`, opened once: the kernel's CSPRNG, as `getrandom(2)` (which Swift's Glibc module does not declare).
    private static let urandom: Int32 = {
        let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        precondition(descriptor >= 0, "cannot open /dev/urandom: errno \(errno)")
        return descriptor
    }()

    /// Fills `buffer` from the kernel, which may return fewer bytes than asked when interrupted.
    private static func kernelRandom(_ buffer: UnsafeMutableRawBufferPointer) {
        var filled = 0
        while filled < buffer.count {
            let count = read(urandom, buffer.baseAddress! + filled, buffer.count - filled)
            if count > 0 { filled += count } else { precondition(count < 0 && errno == EINTR, "cannot read /dev/urandom: errno \(errno)") }
        }
    }
}
