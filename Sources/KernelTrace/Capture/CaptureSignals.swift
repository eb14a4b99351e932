#if canImport(Glibc)
import Glibc
#endif
import LinuxHost
import Synchronization

/// Turns SIGINT, SIGTERM and SIGHUP into a stop flag, and SIGUSR1 into a snapshot request,
/// which the capture loop polls: a capture interrupted by Ctrl-C or `kill` still drains its
/// buffers, writes its metadata and removes its tracefs instance. `uninstall` restores the
/// previous handlers.
public enum CaptureSignals {
    private static let stopRequested = Atomic<Bool>(false)
    private static let snapshotRequests = Atomic<Int>(0)

    /// The signals that end a capture cleanly.
    public static let stopSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    public static var isStopRequested: Bool { stopRequested.load(ordering: .acquiring) }

    /// Takes the pending snapshot requests (SIGUSR1 since the last call).
    public static func takeSnapshotRequests() -> Int { snapshotRequests.exchange(0, ordering: .acquiringAndReleasing) }

    /// Lets code other than a signal stop the loop (tests, a duration in another thread).
    public static func requestStop() { stopRequested.store(true, ordering: .releasing) }

    /// Installs the handlers; returns the previous ones for `uninstall`.
    public static func install() -> [Int32: sighandler_t?] {
        stopRequested.store(false, ordering: .releasing)
        _ = snapshotRequests.exchange(0, ordering: .acquiringAndReleasing)
        var previous: [Int32: sighandler_t?] = [:]
        for number in stopSignals {
            previous[number] = signal(number) { _ in CaptureSignals.stopRequested.store(true, ordering: .releasing) }
        }
        previous[SIGUSR1] = signal(SIGUSR1) { _ in
            _ = CaptureSignals.snapshotRequests.add(1, ordering: .acquiringAndReleasing)
        }
        return previous
    }

    public static func uninstall(_ previous: [Int32: sighandler_t?]) {
        for (number, handler) in previous { signal(number, handler ?? SIG_DFL) }
    }
}

/// CLOCK_MONOTONIC in ns: the clock tracefs stamps events with once `trace_clock` is `mono`.
public func monotonicNanoseconds() -> UInt64 { SystemClock.monotonic.nanoseconds() }

/// CLOCK_REALTIME minus CLOCK_MONOTONIC, ns.
public func realtimeOffsetNanoseconds() -> Int64 { SystemClock.realtimeOffsetNanoseconds() }
