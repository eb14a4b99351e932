import LinuxHost

/// Context switches of a group of processes (a container) between two samples, summed over
/// every thread: `/proc/PID/status` counts only its own thread, so a multi-threaded
/// process needs `/proc/PID/task/TID/status` for each.
package struct ContextSwitchRates: Sendable, Equatable, Codable {
    /// Voluntary switches per second (the task blocked: I/O, a lock, a sleep).
    package var voluntaryPerSecond: Double
    /// Involuntary switches per second (preempted while runnable): the second throttling
    /// signal of the CPU bottleneck tree ("Container Performance Analysis", DockerCon 2017,
    /// slides 45-49), rising when tasks wait for a CPU.
    package var involuntaryPerSecond: Double
    /// Threads read at the newer sample.
    package var tasks: Int
    /// Threads of the older sample gone at the newer one: their last switches are not counted.
    package var vanishedTasks: Int
    /// Threads new at the newer sample, counted from their start.
    package var newTasks: Int

    /// Creates a value from its fields.
    package init(
        voluntaryPerSecond: Double, involuntaryPerSecond: Double, tasks: Int, vanishedTasks: Int = 0, newTasks: Int = 0
    ) {
        self.voluntaryPerSecond = voluntaryPerSecond
        self.involuntaryPerSecond = involuntaryPerSecond
        self.tasks = tasks
        self.vanishedTasks = vanishedTasks
        self.newTasks = newTasks
    }
}

/// Samples the context-switch counters of every thread of groups of processes and turns
/// pairs of samples into per-group rates. Not thread-safe.
package final class ContextSwitchSampler {
    private struct Counts { var voluntary: UInt64; var involuntary: UInt64 }
    private let procfs: Procfs
    private var previous: [String: (takenAt: MonotonicInstant, counts: [Int32: Counts])] = [:]

    /// Reads under `procfs`'s root.
    package init(procfs: Procfs = Procfs()) { self.procfs = procfs }

    /// Reads every thread of `pids` now and returns the rates since the previous call for
    /// `group` (nil on the first call). Threads that exit between listing and reading are
    /// counted as vanished, never an error.
    package func rates(group: String, pids: [Int32]) -> ContextSwitchRates? {
        let takenAt = MonotonicInstant.now()
        var counts: [Int32: Counts] = [:]
        for pid in pids {
            guard let tids = try? procfs.threadIDs(of: pid) else { continue }
            for tid in tids {
                guard let status = try? procfs.status(TaskID(pid: pid, tid: tid)) else { continue }
                counts[tid] = Counts(
                    voluntary: status.voluntaryContextSwitches, involuntary: status.involuntaryContextSwitches)
            }
        }
        defer { previous[group] = (takenAt, counts) }
        guard let old = previous[group], let calculator = RateCalculator(from: old.takenAt, to: takenAt) else {
            return nil
        }
        var voluntary: UInt64 = 0, involuntary: UInt64 = 0, newTasks = 0
        for (tid, now) in counts {
            if let before = old.counts[tid] {
                voluntary &+= RateCalculator.increase(from: before.voluntary, to: now.voluntary).amount
                involuntary &+= RateCalculator.increase(from: before.involuntary, to: now.involuntary).amount
            } else {
                newTasks += 1
                voluntary &+= now.voluntary
                involuntary &+= now.involuntary
            }
        }
        let vanished = old.counts.keys.reduce(0) { $0 + (counts[$1] == nil ? 1 : 0) }
        return ContextSwitchRates(
            voluntaryPerSecond: Double(voluntary) / calculator.elapsedSeconds,
            involuntaryPerSecond: Double(involuntary) / calculator.elapsedSeconds,
            tasks: counts.count, vanishedTasks: vanished, newTasks: newTasks)
    }

    /// Forgets groups not in `live`.
    package func retain(only live: Set<String>) {
        for group in previous.keys where !live.contains(group) { previous[group] = nil }
    }
}
