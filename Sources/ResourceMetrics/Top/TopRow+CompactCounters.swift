import LinuxHost

extension TopRow {
    /// Fills the numbers from a container's compact samples (`TopContainerSampler`): memory
    /// and PIDs are gauges and come from `new` alone, the rates need `old` and the clock
    /// between the two.
    ///
    /// The same numbers as `fill(rates:sample:)` gives from the general reader, but block
    /// I/O and network are rates of totals over devices and interfaces (the compact reader
    /// sums them as it parses) rather than totals of per-device rates: the two differ only
    /// in the sample where a device or an interface appears or goes away.
    mutating func fill(
        counters new: CompactCgroupCounters, since old: CompactCgroupCounters?, rates: RateCalculator?,
        limits: TopCgroupLimits
    ) {
        if new.present.contains(.memoryUsage) {
            // Without memory.stat the whole usage, as `CgroupMemoryCounters.workingSetBytes`.
            memoryWorkingSetBytes = new.memoryWorkingSetBytes ?? new.memoryUsageBytes
            memoryLimitBytes = limits.memoryLimitBytes
        }
        if new.present.contains(.pids) { pids = new.pidsCurrent }
        guard let old, let rates else { return }
        let both = old.present.intersection(new.present)
        if both.contains(.cpuUsage) {
            let cores = rates.rate(from: old.cpuUsageNanoseconds, to: new.cpuUsageNanoseconds).perSecond * 1e-9
            cpuCores = cores
            if let capCores = limits.capCores, capCores > 0 { cpuPercentOfCap = cores / capCores * 100 }
        }
        if limits.capCores != nil, both.contains(.cpuThrottling) {
            let periods = RateCalculator.increase(from: old.cpuPeriods, to: new.cpuPeriods).amount
            let throttled = RateCalculator.increase(from: old.cpuThrottledPeriods, to: new.cpuThrottledPeriods).amount
            throttledPercentOfPeriods = periods > 0 ? min(Double(throttled) / Double(periods) * 100, 100) : 0
        }
        if both.contains(.blockIO) {
            blockReadBytesPerSecond = rates.rate(from: old.blockReadBytes, to: new.blockReadBytes).perSecond
            blockWrittenBytesPerSecond = rates.rate(from: old.blockWriteBytes, to: new.blockWriteBytes).perSecond
            blockIOSource = "cgroup"
        }
        if both.contains(.network) {
            networkReceivedBytesPerSecond =
                rates.rate(from: old.networkReceivedBytes, to: new.networkReceivedBytes).perSecond
            networkTransmittedBytesPerSecond =
                rates.rate(from: old.networkTransmittedBytes, to: new.networkTransmittedBytes).perSecond
        }
    }

    /// Block I/O from the processes' `/proc/PID/io`, for a disk cgroup v1 blkio does not
    /// account (`BlockIOFallback`).
    mutating func fill(processIO: ProcessIORates) {
        blockReadBytesPerSecond = processIO.readBytesPerSecond
        blockWrittenBytesPerSecond = processIO.writtenBytesPerSecond
        blockIOSource = processIO.source
    }
}
