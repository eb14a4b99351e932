import LinuxHost
import Reporting
import ResourceMetrics

/// The real-time lines of `stats` and of `top`'s drill-down: the RT budget chain and the
/// SCHED_FIFO/SCHED_RR threads. Plain text; callers indent and style it.
package enum RealtimeText {
    /// "100000/1000000 µs (10.0% of each CPU)"; "unlimited" for -1.
    package static func budget(runtimeMicroseconds: Int64, periodMicroseconds: UInt64) -> String {
        guard runtimeMicroseconds >= 0 else { return "unlimited" }
        let percent = periodMicroseconds > 0 ? Double(runtimeMicroseconds) / Double(periodMicroseconds) * 100 : 0
        return "\(runtimeMicroseconds)/\(periodMicroseconds) µs (\(fixed(percent, 1))% of each CPU)"
    }

    /// The budget line: the cgroup's own, its ancestors', the host's.
    package static func budgetLine(_ budget: CgroupRealtimeBudget?) -> String {
        guard let budget else { return "RT budget unreadable" }
        let host =
            budget.hostRTRuntimeMicroseconds.map {
                "host sched_rt_runtime_us "
                    + Self.budget(runtimeMicroseconds: $0, periodMicroseconds: budget.hostRTPeriodMicroseconds ?? 0)
            } ?? ""
        switch budget.groupScheduling {
        case .absentCgroupV2:
            return
                "RT group scheduling absent (cgroup v2 has no cpu.rt_runtime_us): RT threads are bounded only by the \(host.isEmpty ? "host's limit" : host)"
        case .absentKernel:
            return
                "RT group scheduling absent (kernel built without CONFIG_RT_GROUP_SCHED): RT threads are bounded only by the \(host.isEmpty ? "host's limit" : host)"
        case .present:
            guard let own = budget.own else { return "RT budget unreadable" }
            var line =
                "RT budget "
                + Self.budget(
                    runtimeMicroseconds: own.rtRuntimeMicroseconds, periodMicroseconds: own.rtPeriodMicroseconds)
            let parents = budget.levels.dropFirst().map {
                "\($0.cgroupPath) \(Self.budget(runtimeMicroseconds: $0.rtRuntimeMicroseconds, periodMicroseconds: $0.rtPeriodMicroseconds))"
            }
            if !parents.isEmpty { line += "  parents: " + parents.joined(separator: ", ") }
            if budget.ancestorsHidden { line += "  (parents not visible from here)" }
            if !host.isEmpty { line += "  \(host)" }
            return line
        }
    }

    /// One line per RT thread: "rtloop TID 4242 SCHED_FIFO 10 on CPU 1 (pinned): 0.100 cores, waited 900.0 ms/s".
    package static func threadLines(_ threads: [RealtimeThreadRates]) -> [String] {
        guard !threads.isEmpty else { return ["no SCHED_FIFO/SCHED_RR threads"] }
        return threads.map { thread in
            var line = "\(thread.comm) TID \(thread.tid) \(thread.policy) \(thread.rtPriority)"
            if let allowed = thread.allowedCPUs, allowed.count == 1 {
                line += " pinned to CPU \(allowed)"
            } else if let cpu = thread.lastCPU {
                line += " on CPU \(cpu)" + (thread.allowedCPUs.map { " (allowed \($0))" } ?? "")
            }
            if let cores = thread.cpuCores { line += ": \(fixed(cores, 3)) cores" }
            if let wait = thread.runQueueWaitSecondsPerSecond {
                line += ", waited \(fixed(wait * 1000, 1)) ms/s runnable"
            }
            return line
        }
    }
}
