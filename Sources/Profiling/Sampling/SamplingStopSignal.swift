#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Turns SIGINT and SIGTERM into a flag the sampling loop polls, so a profile interrupted by
/// Ctrl-C still disables its events, unmaps its buffers, closes its descriptors and writes
/// what it collected. The previous handlers are restored by `uninstall()`.
package enum SamplingStopSignal {
    private static let requested = Atomic<Bool>(false)

    /// Whether a stop was requested since `install()`.
    package static var isRequested: Bool { requested.load(ordering: .acquiring) }

    /// Installs the handlers; returns the previous ones for `uninstall`.
    package static func install() -> [Int32: sighandler_t?] {
        requested.store(false, ordering: .releasing)
        var previous: [Int32: sighandler_t?] = [:]
        for number in [SIGINT, SIGTERM] {
            previous[number] = signal(number) { _ in SamplingStopSignal.requested.store(true, ordering: .releasing) }
        }
        return previous
    }

    /// Restores the handlers `install()` replaced.
    package static func uninstall(_ previous: [Int32: sighandler_t?]) {
        for (number, handler) in previous { signal(number, handler ?? SIG_DFL) }
    }
}
