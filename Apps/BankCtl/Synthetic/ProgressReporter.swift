import Foundation
import Synchronization

/// Progress of a long run: a bar with count, rate and ETA on a terminal, a plain line every few seconds otherwise.
final class ProgressReporter: Sendable {
    private let total: Int
    private let unit: String
    private let done = Atomic<Int>(0)
    private let started = ContinuousClock.now
    private let isTerminal = isatty(STDOUT_FILENO) == 1

    init(total: Int, unit: String) {
        self.total = total
        self.unit = unit
    }

    /// Counts `count` more units done.
    func add(_ count: Int) { done.add(count, ordering: .relaxed) }

    /// How many units are done.
    var count: Int { done.load(ordering: .relaxed) }

    /// Units per second so far.
    var rate: Double {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(count) / seconds : 0
    }

    /// Reports until the task is cancelled: every 0.25 s on a terminal, every 5 s otherwise.
    func run() async {
        let interval: Duration = isTerminal ? .milliseconds(250) : .seconds(5)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            report()
        }
    }

    /// Prints the current state once (and a newline after the bar when `final`).
    func report(final: Bool = false) {
        let count = self.count
        let rate = self.rate
        let fraction = total > 0 ? min(1, Double(count) / Double(total)) : 1
        let eta = rate > 0 ? Int(Double(max(0, total - count)) / rate) : 0
        let clock = "\(eta / 60):\(String(format: "%02d", eta % 60))"
        let text = "\(count.formatted())/\(total.formatted()) \(unit) · \(Int(rate).formatted())/s · ETA \(clock)"
        if isTerminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            print("\r[\(bar)] \(text)   ", terminator: final ? "\n" : "")
            fflush(nil)  // all output streams: `stdout` itself is a C global Swift 6 will not touch
        } else {
            print("  \(Int(fraction * 100))% \(text)")
        }
    }
}
