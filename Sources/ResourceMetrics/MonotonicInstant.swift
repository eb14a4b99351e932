import LinuxHost

/// A CLOCK_MONOTONIC reading in nanoseconds: the clock trace timestamps and perf samples
/// use too, so metrics line up with events. Unaffected by wall-clock steps.
public struct MonotonicInstant: Sendable, Hashable, Comparable, Codable {
    /// Nanoseconds since an arbitrary start (boot, in practice).
    public var nanoseconds: UInt64

    /// Creates a value from its fields.
    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The current CLOCK_MONOTONIC time.
    public static func now() -> MonotonicInstant {
        MonotonicInstant(nanoseconds: SystemClock.monotonic.nanoseconds())
    }

    /// Seconds from `earlier` to `self` (negative if `earlier` is later).
    public func seconds(since earlier: MonotonicInstant) -> Double {
        (Double(nanoseconds) - Double(earlier.nanoseconds)) / 1e9
    }

    /// Earlier first.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}

/// Counters read at one instant.
public struct CounterSample<Counters: Sendable>: Sendable {
    /// When the read started (CLOCK_MONOTONIC).
    public var takenAt: MonotonicInstant
    /// What was read.
    public var counters: Counters

    /// Creates a value from its fields.
    public init(takenAt: MonotonicInstant, counters: Counters) {
        self.takenAt = takenAt
        self.counters = counters
    }
}

extension CounterSample: Equatable where Counters: Equatable {}
extension CounterSample: Codable where Counters: Codable {}
