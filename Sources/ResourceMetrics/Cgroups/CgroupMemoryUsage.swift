import LinuxHost

/// A cgroup's memory at the newer sample, with the event counters turned into rates.
package struct CgroupMemoryUsage: Sendable, Equatable, Codable {
    /// Charged memory, page cache included.
    package var usageBytes: UInt64?
    /// usage − inactive_file, as `docker stats` and cAdvisor's `container_memory_working_set_bytes`.
    package var workingSetBytes: UInt64?
    /// The limit; nil when unlimited (v1 9223372036854771712, v2 "max").
    package var limitBytes: UInt64?
    /// workingSet / limit × 100; nil without a limit.
    package var workingSetPercentOfLimit: Double?
    /// Anonymous memory (RSS).
    package var anonymousBytes: UInt64?
    /// Page cache.
    package var fileBytes: UInt64?
    /// Swap used.
    package var swapBytes: UInt64?
    /// Counters at the newer sample (totals, as `docker stats` never shows them).
    package var limitHitCount: UInt64?
    /// Processes killed by the OOM killer in this cgroup so far.
    package var oomKillCount: UInt64?
    /// OOM kills between the two samples; nil unless both samples have the counter.
    package var oomKillsSinceLastSample: UInt64?
    /// Faults that needed I/O, per second.
    package var majorPageFaultsPerSecond: CounterRate?

    /// An empty value that the parsers fill in.
    package init() {}

    /// The rates from `old` to `new`.
    package init(old: CgroupCounters, new: CgroupCounters, rates: RateCalculator) {
        guard let memory = new.memory else { return }
        usageBytes = memory.usageBytes
        workingSetBytes = memory.workingSetBytes
        limitBytes = memory.limitBytes
        if let workingSetBytes, let limitBytes, limitBytes > 0 {
            workingSetPercentOfLimit = Double(workingSetBytes) / Double(limitBytes) * 100
        }
        anonymousBytes = memory.stat?.anonymousBytes
        fileBytes = memory.stat?.fileBytes
        swapBytes = memory.swapUsageBytes
        limitHitCount = memory.limitHitCount
        oomKillCount = memory.oomKillCount
        if let oldKills = old.memory?.oomKillCount, let newKills = memory.oomKillCount {
            oomKillsSinceLastSample = RateCalculator.increase(from: oldKills, to: newKills).amount
        }
        majorPageFaultsPerSecond = rates.rate(from: old.memory?.stat?.majorPageFaults, to: memory.stat?.majorPageFaults)
    }
}
