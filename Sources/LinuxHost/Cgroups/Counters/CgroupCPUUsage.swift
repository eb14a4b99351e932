/// CPU time a cgroup used and how often the CFS bandwidth limit stopped it, in one shape
/// for cgroup v1 (`cpu.stat` + `cpuacct.usage` + `cpuacct.stat`) and v2 (`cpu.stat`).
///
/// Every field is a monotonically increasing counter (until the cgroup is recreated).
/// A field is nil when the file that carries it was absent (v1 `cpuacct` not mounted).
public struct CgroupCPUUsage: Sendable, Equatable, Codable {
    /// Total CPU time of the cgroup's tasks (v1 `cpuacct.usage`, v2 `usage_usec` × 1000).
    public var usageNanoseconds: UInt64?
    /// User time. v1 `cpuacct.stat` counts USER_HZ ticks, so this moves in 10 ms steps there.
    public var userNanoseconds: UInt64?
    /// System time, with the same tick granularity on v1 as `userNanoseconds`.
    public var systemNanoseconds: UInt64?
    /// CFS enforcement periods that elapsed while the cgroup had runnable tasks (`nr_periods`).
    public var periods: UInt64?
    /// Periods in which the cgroup ran out of quota (`nr_throttled`).
    public var throttledPeriods: UInt64?
    /// Time its tasks waited for the next period (v1 `throttled_time` ns, v2 `throttled_usec` × 1000).
    public var throttledNanoseconds: UInt64?

    /// Creates a value from its fields.
    public init(
        usageNanoseconds: UInt64? = nil, userNanoseconds: UInt64? = nil, systemNanoseconds: UInt64? = nil,
        periods: UInt64? = nil, throttledPeriods: UInt64? = nil, throttledNanoseconds: UInt64? = nil
    ) {
        self.usageNanoseconds = usageNanoseconds
        self.userNanoseconds = userNanoseconds
        self.systemNanoseconds = systemNanoseconds
        self.periods = periods
        self.throttledPeriods = throttledPeriods
        self.throttledNanoseconds = throttledNanoseconds
    }

    /// Parses v1 `cpu.stat` (`nr_periods`, `nr_throttled`, `throttled_time` in ns) into `self`.
    public mutating func parseV1CPUStat(_ bytes: UnsafeRawBufferPointer) {
        FlatKeyedFile.forEachEntry(bytes) { scanner, key, value in
            if scanner.matches(key, "nr_periods") {
                periods = value
            } else if scanner.matches(key, "nr_throttled") {
                throttledPeriods = value
            } else if scanner.matches(key, "throttled_time") {
                throttledNanoseconds = value
            }
        }
    }

    /// Parses v1 `cpuacct.stat` (`user`/`system` in USER_HZ ticks) into `self`.
    public mutating func parseV1CPUAcctStat(
        _ bytes: UnsafeRawBufferPointer, ticksPerSecond: Int = HostSystem.clockTicksPerSecond
    ) {
        let nanosecondsPerTick = UInt64(1_000_000_000 / max(ticksPerSecond, 1))
        FlatKeyedFile.forEachEntry(bytes) { scanner, key, value in
            if scanner.matches(key, "user") {
                userNanoseconds = value &* nanosecondsPerTick
            } else if scanner.matches(key, "system") {
                systemNanoseconds = value &* nanosecondsPerTick
            }
        }
    }

    /// Parses v2 `cpu.stat` (all times in µs) into `self`.
    ///
    /// On a v1 host the cgroup2 directory runc creates has a `cpu.stat` with only the usage
    /// lines (the cpu controller is bound to v1): the throttling fields then stay nil.
    public mutating func parseV2CPUStat(_ bytes: UnsafeRawBufferPointer) {
        FlatKeyedFile.forEachEntry(bytes) { scanner, key, value in
            if scanner.matches(key, "usage_usec") {
                usageNanoseconds = value &* 1000
            } else if scanner.matches(key, "user_usec") {
                userNanoseconds = value &* 1000
            } else if scanner.matches(key, "system_usec") {
                systemNanoseconds = value &* 1000
            } else if scanner.matches(key, "nr_periods") {
                periods = value
            } else if scanner.matches(key, "nr_throttled") {
                throttledPeriods = value
            } else if scanner.matches(key, "throttled_usec") {
                throttledNanoseconds = value &* 1000
            }
        }
    }
}
