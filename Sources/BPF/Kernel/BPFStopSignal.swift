#if canImport(Glibc)
import Glibc
#endif
import LinuxHost
import Synchronization

/// Turns SIGINT, SIGTERM and SIGHUP into a flag the read loop polls, so a BPF tool stopped by
/// Ctrl-C or `kill` prints what it aggregated and closes its programs, perf events and maps
/// (SIGKILL needs no handler: the kernel closes the descriptors, which detaches everything).
package enum BPFStopSignal {
    private static let requested = Atomic<Bool>(false)

    /// The signals that end a run cleanly.
    package static let stopSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Whether a stop was requested since `install()`.
    package static var isRequested: Bool { requested.load(ordering: .acquiring) }

    /// Installs the handlers; returns the previous ones for `uninstall`.
    package static func install() -> [Int32: sighandler_t?] {
        requested.store(false, ordering: .releasing)
        var previous: [Int32: sighandler_t?] = [:]
        for number in stopSignals {
            previous[number] = signal(number) { _ in BPFStopSignal.requested.store(true, ordering: .releasing) }
        }
        return previous
    }

    /// Restores the handlers `install()` replaced.
    package static func uninstall(_ previous: [Int32: sighandler_t?]) {
        for (number, handler) in previous { signal(number, handler ?? SIG_DFL) }
    }

    /// CLOCK_MONOTONIC, ns: what read loops measure their intervals with.
    package static func monotonicNanoseconds() -> UInt64 { SystemClock.monotonic.nanoseconds() }

    /// Runs `body` every `pollNanoseconds` until `nanoseconds` (nil: forever) have passed on
    /// the monotonic clock or a stop is requested, and once more at the end: the time spent
    /// in `body` counts against the duration, so a run of -d 60 lasts 60 s.
    package static func poll<Failure: Error>(
        forNanoseconds nanoseconds: UInt64?, every pollNanoseconds: UInt64, _ body: () throws(Failure) -> Void
    ) throws(Failure) {
        let deadline = nanoseconds.map { monotonicNanoseconds() &+ $0 } ?? .max
        repeat {
            let now = monotonicNanoseconds()
            sleep(nanoseconds: min(pollNanoseconds, deadline > now ? deadline - now : 0))
            try body()
        } while monotonicNanoseconds() < deadline && !isRequested
    }

    /// Sleeps up to `nanoseconds`, waking early (within 50 ms) when a stop is requested.
    package static func sleep(nanoseconds: UInt64) {
        var remaining = nanoseconds
        while remaining > 0 && !isRequested {
            let step = min(remaining, 50_000_000)
            var request = timespec(tv_sec: 0, tv_nsec: Int(step))
            _ = nanosleep(&request, nil)
            remaining -= step
        }
    }
}
