import LinuxHost

/// Everything about one cgroup between two samples: the input of `stats` and `top` rows.
public struct CgroupRates: Sendable, Equatable, Codable {
    /// Seconds between the two samples.
    public var intervalSeconds: Double
    /// CPU use, cap and throttling.
    public var cpu: CgroupCPURates
    /// Memory against the limit, OOM kills.
    public var memory: CgroupMemoryUsage
    /// Per-device I/O rates; devices new in this sample have none yet.
    public var blockIO: [CgroupBlockIORates]?
    /// Per-device throttling limits at the newer sample.
    public var blockIOLimits: [BlockIOLimits]?
    /// Tasks and their limit at the newer sample.
    public var pids: CgroupPIDCounters?
    /// The CPU cap and shares or weight at the newer sample.
    public var cpuLimits: CgroupCPULimits?
    /// Allowed CPUs at the newer sample.
    public var cpuset: CPUList?
    /// CPU stall time per second.
    public var cpuPressure: PressureRates?
    /// Memory stall time per second.
    public var memoryPressure: PressureRates?
    /// I/O stall time per second.
    public var ioPressure: PressureRates?

    /// Nil when the samples are not in time order.
    public init?(old: CounterSample<CgroupCounters>, new: CounterSample<CgroupCounters>, hostCPUCount: Int) {
        guard let rates = RateCalculator(from: old.takenAt, to: new.takenAt) else { return nil }
        let before = old.counters, after = new.counters
        intervalSeconds = rates.elapsedSeconds
        cpu = CgroupCPURates(old: before, new: after, rates: rates, hostCPUCount: hostCPUCount)
        memory = CgroupMemoryUsage(old: before, new: after, rates: rates)
        blockIO = CgroupBlockIORates.rates(old: before.blockIO, new: after.blockIO, rates: rates)
        blockIOLimits = after.blockIOLimits
        pids = after.pids
        cpuLimits = after.cpuLimits
        cpuset = after.cpuset
        cpuPressure = PressureRates(old: before.cpuPressure, new: after.cpuPressure, rates: rates)
        memoryPressure = PressureRates(old: before.memoryPressure, new: after.memoryPressure, rates: rates)
        ioPressure = PressureRates(old: before.ioPressure, new: after.ioPressure, rates: rates)
    }
}
