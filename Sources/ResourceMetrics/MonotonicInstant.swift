import LinuxHost

/// A CLOCK_MONOTONIC reading in nanoseconds: the clock trace timestamps and perf samples
/// use too, so metrics line up with events. Unaffected by wall-clock steps.
package struct MonotonicInstant: Sendable, Hashable, Comparable, Codable {
    /// Nanoseconds since an arbitrary start (boot, in practice).
    package var nanoseconds: UInt64

    /// Creates a value from its fields.
    package init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The current CLOCK_MONOTONIC time.
    package static func now() -> MonotonicInstant {
        MonotonicInstant(nanoseconds: SystemClock.monotonic.nanoseconds())
    }

    /// Seconds from `earlier` to `self` (negative if `earlier` is later).
    package func seconds(since earlier: MonotonicInstant) -> Double {
        (Double(nanoseconds) - Double(earlier.nanoseconds)) / 1e9
    }

    /// Earlier first.
    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}

/// Counters read at one instant.
package struct CounterSample<Counters: Sendable>: Sendable {
    /// When the read started (CLOCK_MONOTONIC).
    package var takenAt: MonotonicInstant
    /// What was read.
    package var counters: Counters

    /// Creates a value from its fields.
    package init(takenAt: MonotonicInstant, counters: Counters) {
        self.takenAt = takenAt
        self.counters = counters
    }
}

extension CounterSample: Equatable where Counters: Equatable {}
extension CounterSample: Codable where Counters: Codable {}
