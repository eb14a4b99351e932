import LinuxHost

/// Finds the SCHED_FIFO/SCHED_RR threads of groups of processes (containers) and turns
/// pairs of samples into their CPU use and run-queue wait. Reads every thread's `stat` up to
/// its policy and rt_priority (fields 40-41, no allocation) and, for RT threads only, the whole
/// `stat`, `schedstat` and `Cpus_allowed_list`. Not thread-safe.
package final class RealtimeThreadSampler {
    private struct Previous {
        var takenAt: MonotonicInstant
        var startTimeTicks: UInt64
        var statistics: TaskSchedulerStatistics
    }
    private let procfs: Procfs
    private var previous: [String: [Int32: Previous]] = [:]

    /// Reads under `procfs`'s root.
    package init(procfs: Procfs = Procfs()) { self.procfs = procfs }

    /// The RT threads of `pids` now, with rates since the previous call for `group` (nil
    /// rates for threads not seen then). Threads that exit while being read are skipped.
    package func sample(group: String, pids: [Int32]) -> [RealtimeThreadRates] {
        var threads: [RealtimeThreadRates] = []
        var seen: [Int32: Previous] = [:]
        let old = previous[group] ?? [:]
        for pid in pids {
            guard let tids = try? procfs.threadIDs(of: pid) else { continue }
            for tid in tids {
                let task = TaskID(pid: pid, tid: tid)
                // Most threads are not RT: look at the policy alone first, parse the rest only for RT ones.
                guard let quick = try? procfs.schedulingPolicy(task), quick.policy.isRealTime,
                    let stat = try? procfs.stat(task), let policy = stat.schedulingPolicy, policy.isRealTime
                else { continue }
                var thread = RealtimeThreadRates(
                    pid: pid, tid: tid, comm: stat.comm, policy: policy, rtPriority: stat.realtimePriority ?? 0,
                    allowedCPUs: try? procfs.allowedCPUs(task), lastCPU: stat.lastCPU)
                if let statistics = try? procfs.schedulerStatistics(task) {
                    let now = MonotonicInstant.now()
                    if let before = old[tid], before.startTimeTicks == stat.startTimeTicks,
                        let rates = RateCalculator(from: before.takenAt, to: now)
                    {
                        thread.cpuCores =
                            rates.rate(from: before.statistics.runNanoseconds, to: statistics.runNanoseconds).perSecond
                            / 1e9
                        thread.runQueueWaitSecondsPerSecond =
                            rates.rate(
                                from: before.statistics.runQueueWaitNanoseconds,
                                to: statistics.runQueueWaitNanoseconds
                            ).perSecond / 1e9
                    }
                    seen[tid] = Previous(takenAt: now, startTimeTicks: stat.startTimeTicks, statistics: statistics)
                }
                threads.append(thread)
            }
        }
        previous[group] = seen
        return threads.sorted { ($0.rtPriority, -$0.tid) > ($1.rtPriority, -$1.tid) }
    }

    /// Forgets groups not in `live`.
    package func retain(only live: Set<String>) {
        for group in previous.keys where !live.contains(group) { previous[group] = nil }
    }
}
