import LinuxHost

/// Whether a process may switch to SCHED_FIFO/SCHED_RR, and if not exactly why and what fixes
/// it: the checks `sched_setscheduler(2)` makes, in the kernel's order, on what was read.
///
/// 1. Permission (sched(7)): CAP_SYS_NICE, or a priority up to RLIMIT_RTPRIO. Docker drops
///    CAP_SYS_NICE and leaves RLIMIT_RTPRIO at 0, so both fail by default.
/// 2. RT group scheduling (v1 `cpu.rt_runtime_us`): the task's group needs a runtime above 0,
///    and a group's runtime is bounded by its parent's. Docker's `/docker` parent has 0 unless
///    dockerd runs with `--cpu-rt-runtime`, and a container 0 unless run with `--cpu-rt-runtime`.
///    Root with every capability still gets EPERM there: the "Still blocked" of the Red Hat
///    post "Using SCHED_FIFO in Docker containers on RHEL".
package struct RealtimeUsability: Sendable, Equatable, Codable {
    /// SCHED_FIFO/SCHED_RR can be set (at some priority).
    package var usable: Bool
    /// The highest RT priority that can be set (99 with CAP_SYS_NICE); 0 when not usable.
    package var highestPriority: UInt64
    /// Why not, one sentence each; empty when usable.
    package var reasons: [String]
    /// The runtime options that remove each reason.
    package var fixes: [String]
    /// The cgroup budgets it was judged on; nil when unreadable.
    package var budget: CgroupRealtimeBudget?
    /// The capability and rlimit it was judged on; nil when unreadable.
    package var limits: ProcessRealtimeLimits?

    /// Judges `limits` and `budget`. `insideContainer` words the fixes for someone who cannot
    /// see the parent cgroups.
    package init(budget: CgroupRealtimeBudget?, limits: ProcessRealtimeLimits?, insideContainer: Bool) {
        self.budget = budget
        self.limits = limits
        var reasons: [String] = []
        var fixes: [String] = []
        var priority: UInt64 = 99
        if let limits, !limits.hasCapSysNice {
            priority = limits.priorityAllowedWithoutCapability
            if priority == 0 {
                reasons.append("CAP_SYS_NICE is missing and RLIMIT_RTPRIO is 0: sched_setscheduler fails with EPERM")
                fixes.append(
                    "docker run --cap-add SYS_NICE (any priority), or --ulimit rtprio=N (priorities up to N without the capability)"
                )
            }
        }
        if let budget, budget.groupScheduling == .present {
            let empty = budget.levelsWithoutBudget
            for level in empty {
                if level == budget.own {
                    reasons.append(
                        "no RT budget on this cgroup: \(level.cgroupPath) has cpu.rt_runtime_us 0, so RT group scheduling refuses SCHED_FIFO/SCHED_RR with EPERM, even to root"
                    )
                    fixes.append(
                        "docker run --cpu-rt-runtime=N (µs of RT time per \(level.rtPeriodMicroseconds) µs period on each CPU, e.g. 100000; at most the parent's budget)"
                    )
                } else {
                    reasons.append(
                        "no RT budget on an ancestor: \(level.cgroupPath) has cpu.rt_runtime_us 0, so no cgroup below it can have any"
                    )
                    fixes.append(
                        "dockerd --cpu-rt-runtime=N (the budget of Docker's parent cgroup, e.g. 950000), or echo N > /sys/fs/cgroup/cpu\(level.cgroupPath)/cpu.rt_runtime_us"
                    )
                }
            }
            if insideContainer, budget.ancestorsHidden, let own = budget.own, empty.contains(own) {
                // The parent is not mounted here; its path is the own path's directory (/docker for Docker's cgroupfs driver).
                let parent =
                    own.cgroupPath.lastIndex(of: "/").map { String(own.cgroupPath[..<$0]) }.flatMap {
                        $0.isEmpty ? nil : $0
                    } ?? "/"
                fixes.append(
                    "on the host: the parent cgroup (\(parent)) needs a budget first (dockerd --cpu-rt-runtime=N), or docker run --cpu-rt-runtime fails with \"invalid argument\""
                )
            }
        }
        if !reasons.isEmpty { priority = 0 }
        usable = reasons.isEmpty && (limits != nil || budget != nil)
        highestPriority = usable ? priority : 0
        if limits == nil, budget == nil {
            reasons.append("neither the cgroup's RT budget nor the process's capabilities and limits could be read")
        }
        self.reasons = reasons
        self.fixes = fixes
    }

    /// One line: "usable (priorities 1-99)" or "not usable: REASON; REASON".
    package var summary: String {
        if usable { return "SCHED_FIFO/SCHED_RR usable (priorities 1-\(highestPriority))" }
        return "SCHED_FIFO/SCHED_RR not usable: " + reasons.joined(separator: "; ")
    }
}
