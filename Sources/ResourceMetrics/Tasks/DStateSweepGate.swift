/// Decides when a D-state sweep reads every thread of the host, for `diagnose`'s window and
/// the recorder alike (one rule, two cadences).
///
/// A sweep opens every thread's `stat`: ~6 µs per thread here, 5-35 ms on a host with 1,000
/// to 6,000 threads (containerd's shims are ten threads per container). /proc/stat's
/// `procs_blocked` counts the tasks in uninterruptible sleep waiting on I/O at no cost to the
/// caller (it reads /proc/stat anyway), so a sweep runs whenever it is non-zero (or unreadable).
/// D waits that are not I/O (a mutex, an rwsem such as mmap_lock) do not show there: those
/// are found by a full sweep at least every `fullSweepEvery` opportunities.
package struct DStateSweepGate: Sendable {
    /// A full sweep runs at least once in this many opportunities, blocked tasks or not.
    package let fullSweepEvery: Int
    /// Opportunities since the last sweep; starts due, so the first opportunity sweeps.
    private var sinceLastSweep: Int

    /// A gate whose first opportunity sweeps.
    package init(fullSweepEvery: Int) {
        self.fullSweepEvery = max(1, fullSweepEvery)
        sinceLastSweep = self.fullSweepEvery
    }

    /// Whether to sweep now, given /proc/stat's `procs_blocked` (nil when it could not be
    /// read: sweep, so a failure never hides a stall). Call once per opportunity.
    package mutating func shouldSweep(blockedTasks: UInt64?) -> Bool {
        sinceLastSweep += 1
        guard (blockedTasks ?? 1) > 0 || sinceLastSweep >= fullSweepEvery else { return false }
        sinceLastSweep = 0
        return true
    }

    /// Opportunities a sweep at least every `seconds` takes at one opportunity every
    /// `intervalSeconds` (at least 1).
    package static func opportunities(everySeconds seconds: Double, intervalSeconds: Double) -> Int {
        guard seconds.isFinite, intervalSeconds > 0 else { return 1 }
        return max(1, Int((seconds / intervalSeconds).rounded(.up)))
    }
}
