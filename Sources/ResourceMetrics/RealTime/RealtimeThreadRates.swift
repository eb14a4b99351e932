import LinuxHost

/// One SCHED_FIFO or SCHED_RR thread between two samples: its priority, where it may run,
/// the CPU it used and how long it waited runnable (a thread throttled by its group's RT
/// budget waits for the rest of every period).
package struct RealtimeThreadRates: Sendable, Equatable, Codable {
    /// The process (thread group) id on the host.
    package var pid: Int32
    /// The thread id on the host.
    package var tid: Int32
    /// The thread's command name.
    package var comm: String
    /// SCHED_FIFO or SCHED_RR.
    package var policy: SchedulingPolicy
    /// Its real-time priority, 1-99 (`chrt -p`).
    package var rtPriority: UInt32
    /// The CPUs it may run on (`taskset -p`); nil when unreadable.
    package var allowedCPUs: CPUList?
    /// The CPU it last ran on.
    package var lastCPU: Int32?
    /// CPUs it kept busy over the interval (1.0 = one CPU); nil the first time it is seen.
    package var cpuCores: Double?
    /// Seconds per second it waited runnable on a run queue; nil the first time it is seen.
    package var runQueueWaitSecondsPerSecond: Double?

    /// Creates a value from its fields.
    package init(
        pid: Int32, tid: Int32, comm: String, policy: SchedulingPolicy, rtPriority: UInt32, allowedCPUs: CPUList? = nil,
        lastCPU: Int32? = nil, cpuCores: Double? = nil, runQueueWaitSecondsPerSecond: Double? = nil
    ) {
        self.pid = pid
        self.tid = tid
        self.comm = comm
        self.policy = policy
        self.rtPriority = rtPriority
        self.allowedCPUs = allowedCPUs
        self.lastCPU = lastCPU
        self.cpuCores = cpuCores
        self.runQueueWaitSecondsPerSecond = runQueueWaitSecondsPerSecond
    }
}

/// A container's real-time picture: its RT budget (with its ancestors') and its RT threads.
/// What `stats` and `top`'s drill-down show.
package struct ContainerRealtime: Sendable, Equatable, Codable {
    /// The budget; nil when the cgroup could not be read.
    package var budget: CgroupRealtimeBudget?
    /// Its SCHED_FIFO/SCHED_RR threads, highest priority first.
    package var threads: [RealtimeThreadRates]
    /// Whether its init process could switch to SCHED_FIFO/SCHED_RR, and why not; nil when unknown.
    package var usability: RealtimeUsability?

    /// Creates a value from its fields.
    package init(budget: CgroupRealtimeBudget?, threads: [RealtimeThreadRates], usability: RealtimeUsability? = nil) {
        self.budget = budget
        self.threads = threads
        self.usability = usability
    }
}
