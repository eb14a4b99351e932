import LinuxHost

/// Everything about one cgroup between two samples: the input of `stats` and `top` rows.
package struct CgroupRates: Sendable, Equatable, Codable {
    /// Seconds between the two samples.
    package var intervalSeconds: Double
    /// CPU use, cap and throttling.
    package var cpu: CgroupCPURates
    /// Memory against the limit, OOM kills.
    package var memory: CgroupMemoryUsage
    /// Per-device I/O rates from the cgroup's blkio/io files; devices new in this sample
    /// have none yet. A disk v1 blkio does not account is missing (see `processIO`).
    package var blockIO: [CgroupBlockIORates]?
    /// The fallback when v1 blkio does not account a disk: bytes from the processes'
    /// `/proc/PID/io`, all disks together (set by `BlockIOFallback`).
    package var processIO: ProcessIORates?
    /// Per-device throttling limits at the newer sample.
    package var blockIOLimits: [BlockIOLimits]?
    /// Tasks and their limit at the newer sample.
    package var pids: CgroupPIDCounters?
    /// The CPU cap and shares or weight at the newer sample.
    package var cpuLimits: CgroupCPULimits?
    /// Allowed CPUs at the newer sample.
    package var cpuset: CPUList?
    /// CPU stall time per second.
    package var cpuPressure: PressureRates?
    /// Memory stall time per second.
    package var memoryPressure: PressureRates?
    /// I/O stall time per second.
    package var ioPressure: PressureRates?

    /// Nil when the samples are not in time order.
    package init?(old: CounterSample<CgroupCounters>, new: CounterSample<CgroupCounters>, hostCPUCount: Int) {
        guard let rates = RateCalculator(from: old.takenAt, to: new.takenAt) else { return nil }
        let before = old.counters, after = new.counters
        intervalSeconds = rates.elapsedSeconds
        cpu = CgroupCPURates(old: before, new: after, rates: rates, hostCPUCount: hostCPUCount)
        memory = CgroupMemoryUsage(old: before, new: after, rates: rates)
        blockIO = CgroupBlockIORates.rates(old: before.blockIO, new: after.blockIO, rates: rates)
        processIO = nil
        blockIOLimits = after.blockIOLimits
        pids = after.pids
        cpuLimits = after.cpuLimits
        cpuset = after.cpuset
        cpuPressure = PressureRates(old: before.cpuPressure, new: after.cpuPressure, rates: rates)
        memoryPressure = PressureRates(old: before.memoryPressure, new: after.memoryPressure, rates: rates)
        ioPressure = PressureRates(old: before.ioPressure, new: after.ioPressure, rates: rates)
    }
}

extension CgroupRates {
    /// Bytes read and written per second over all disks, and where they come from: the
    /// processes' /proc/PID/io when blkio misses a disk, else the cgroup's files.
    package var blockIOTotals: (readBytesPerSecond: Double, writtenBytesPerSecond: Double, source: String)? {
        if let processIO { return (processIO.readBytesPerSecond, processIO.writtenBytesPerSecond, processIO.source) }
        guard let blockIO else { return nil }
        return (
            blockIO.reduce(0) { $0 + $1.readBytesPerSecond.perSecond },
            blockIO.reduce(0) { $0 + $1.writtenBytesPerSecond.perSecond }, "cgroup"
        )
    }
}
