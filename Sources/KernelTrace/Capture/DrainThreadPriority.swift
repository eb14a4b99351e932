#if canImport(Glibc)
import Glibc
#endif

/// Raises the calling thread's CPU priority (nice) while it drains trace buffers, and puts it
/// back after.
///
/// A per-CPU ring buffer that fills before it is drained drops events, and on a busy host the
/// draining thread waits behind every other runnable task: with three `dd bs=1` loops and
/// compilers on 2 CPUs, 5-27 % of the events were lost with 32 MiB buffers. At nice -10 the
/// thread is picked as soon as `poll` wakes it; it sleeps between drains, so it takes little.
/// Needs root or CAP_SYS_NICE, which tracing already needs; without it nothing changes.
/// The previous value is restored because the agent runs captures on shared threads.
///
/// On Linux the nice value belongs to a thread, and `PRIO_PROCESS` with id 0 is the calling
/// thread (setpriority(2), "Bugs"), so this touches no other thread of the process.
struct DrainThreadPriority {
    /// The nice value while draining.
    static let drainingNice: Int32 = -10

    private let previousNice: Int32?

    /// Raises the calling thread's priority (nothing when it is already that high or higher).
    static func raise() -> DrainThreadPriority {
        let current = currentNice()
        guard let current, current > drainingNice, setpriority(callingThread, 0, drainingNice) == 0 else {
            return DrainThreadPriority(previousNice: nil)
        }
        return DrainThreadPriority(previousNice: current)
    }

    /// The calling thread's nice value, nil when it cannot be read.
    static func currentNice() -> Int32? {
        errno = 0
        let nice = getpriority(callingThread, 0)
        return errno == 0 ? nice : nil
    }

    private static let callingThread = __priority_which_t(PRIO_PROCESS.rawValue)

    /// Whether the priority was raised (and will be restored).
    var wasRaised: Bool { previousNice != nil }

    /// Puts the previous nice value back; call on the thread that raised it.
    func restore() {
        guard let previousNice else { return }
        _ = setpriority(Self.callingThread, 0, previousNice)
    }
}
