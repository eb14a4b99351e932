import LinuxHost

/// A cgroup's CPU use between two samples, in the units `docker stats`, `top` and
/// cAdvisor dashboards use.
package struct CgroupCPURates: Sendable, Equatable, Codable {
    /// CPUs kept busy on average: Δusage (ns) / Δt (ns). 1.0 is one core fully used.
    package var usageCores: CounterRate?
    /// User-mode CPU in cores (10 ms steps on v1: `cpuacct.stat` counts ticks).
    package var userCores: CounterRate?
    /// Kernel-mode CPU in cores.
    package var systemCores: CounterRate?
    /// usageCores / host CPUs × 100: `top`'s view with all CPUs as 100%.
    package var percentOfHost: Double?
    /// usageCores × 100, as `docker stats` shows it (Δcontainer / Δsystem × online CPUs × 100,
    /// which equals this when both are read at the same instants).
    package var dockerStatsPercent: Double?
    /// usageCores / (quota / period) × 100; nil when uncapped.
    package var percentOfCap: Double?
    /// The cap in CPUs (quota / period); nil when uncapped.
    package var capCores: Double?
    /// Periods per second in which the cgroup had runnable tasks (10/s with the default 100 ms period).
    package var periodsPerSecond: CounterRate?
    /// Δnr_throttled / Δnr_periods × 100: the share of active periods cut short by the quota.
    package var throttledPercentOfPeriods: Double?
    /// Seconds of throttling per second: how long runnable tasks waited for the next period.
    package var throttledSecondsPerSecond: CounterRate?

    /// An empty value that the parsers fill in.
    package init() {}

    /// Rates between two samples of the same cgroup; `hostCPUCount` is the online CPUs.
    package init(old: CgroupCounters, new: CgroupCounters, rates: RateCalculator, hostCPUCount: Int) {
        let oldCPU = old.cpu, newCPU = new.cpu
        usageCores = rates.rate(from: oldCPU?.usageNanoseconds, to: newCPU?.usageNanoseconds, scale: 1e-9)
        userCores = rates.rate(from: oldCPU?.userNanoseconds, to: newCPU?.userNanoseconds, scale: 1e-9)
        systemCores = rates.rate(from: oldCPU?.systemNanoseconds, to: newCPU?.systemNanoseconds, scale: 1e-9)
        if let cores = usageCores?.perSecond {
            dockerStatsPercent = cores * 100
            if hostCPUCount > 0 { percentOfHost = cores / Double(hostCPUCount) * 100 }
        }
        capCores = new.cpuLimits?.capCores
        if let cores = usageCores?.perSecond, let capCores, capCores > 0 { percentOfCap = cores / capCores * 100 }
        periodsPerSecond = rates.rate(from: oldCPU?.periods, to: newCPU?.periods)
        if let oldPeriods = oldCPU?.periods, let newPeriods = newCPU?.periods,
            let oldThrottled = oldCPU?.throttledPeriods, let newThrottled = newCPU?.throttledPeriods
        {
            let periods = RateCalculator.increase(from: oldPeriods, to: newPeriods).amount
            let throttled = RateCalculator.increase(from: oldThrottled, to: newThrottled).amount
            throttledPercentOfPeriods = periods > 0 ? min(Double(throttled) / Double(periods) * 100, 100) : 0
        }
        throttledSecondsPerSecond = rates.rate(
            from: oldCPU?.throttledNanoseconds, to: newCPU?.throttledNanoseconds, scale: 1e-9)
    }
}
