/// One sample of a container's counters as flat integers: what `periscope record` stores per
/// container per interval, read without allocating (`CompactCgroupReader`).
///
/// A counter whose file this cgroup lacks stays 0 and its bit stays out of `present`: a
/// reader of the record tells "not measured" from "zero" by the bit. Times are nanoseconds
/// (v1 and v2 microsecond files are scaled), sizes bytes; block I/O and network are summed
/// over devices (loopback left out), PSI keeps the `total=` counters (µs) only, which give
/// exact rates between any two samples.
public struct CompactCgroupCounters: Sendable, Equatable {
    /// Which groups of fields were read.
    public struct Fields: OptionSet, Sendable, Hashable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        /// `cpuUsageNanoseconds` (and user/system when `cpuUserSystem`).
        public static let cpuUsage = Fields(rawValue: 1 << 0)
        /// User and system split of the usage.
        public static let cpuUserSystem = Fields(rawValue: 1 << 1)
        /// CFS periods and throttling.
        public static let cpuThrottling = Fields(rawValue: 1 << 2)
        /// Memory usage.
        public static let memoryUsage = Fields(rawValue: 1 << 3)
        /// The memory.stat breakdown (inactive file, anon, file).
        public static let memoryStat = Fields(rawValue: 1 << 4)
        /// OOM kills.
        public static let oomKills = Fields(rawValue: 1 << 5)
        /// Block I/O bytes (and operations on v2, where one file has both).
        public static let blockIO = Fields(rawValue: 1 << 6)
        /// Tasks in the cgroup.
        public static let pids = Fields(rawValue: 1 << 7)
        /// PSI totals for CPU, memory and I/O.
        public static let pressure = Fields(rawValue: 1 << 8)
        /// Network counters of the container's own network namespace.
        public static let network = Fields(rawValue: 1 << 9)
        /// Block read and write operations: a second file on v1 (`blkio.throttle.io_serviced`).
        public static let blockIOOperations = Fields(rawValue: 1 << 10)

        /// Every group: what a recording keeps.
        public static let all = Fields(rawValue: (1 << 11) - 1)
    }

    /// The groups read in this sample.
    public var present: Fields = []
    /// CPU time used (v1 cpuacct or cgroup2 `usage_usec`).
    public var cpuUsageNanoseconds: UInt64 = 0
    /// CPU time in user mode.
    public var cpuUserNanoseconds: UInt64 = 0
    /// CPU time in the kernel.
    public var cpuSystemNanoseconds: UInt64 = 0
    /// CFS enforcement periods elapsed.
    public var cpuPeriods: UInt64 = 0
    /// Periods in which the cgroup was throttled.
    public var cpuThrottledPeriods: UInt64 = 0
    /// Time throttled.
    public var cpuThrottledNanoseconds: UInt64 = 0
    /// Memory charged to the cgroup (v1 `usage_in_bytes`, v2 `memory.current`).
    public var memoryUsageBytes: UInt64 = 0
    /// Inactive page cache, which the kernel reclaims first: working set = usage − this.
    public var memoryInactiveFileBytes: UInt64 = 0
    /// Anonymous memory (v1 `total_rss`, v2 `anon`).
    public var memoryAnonymousBytes: UInt64 = 0
    /// Page cache (v1 `total_cache`, v2 `file`).
    public var memoryFileBytes: UInt64 = 0
    /// Processes killed by the OOM killer in this cgroup (v1 `oom_control`, v2 `memory.events`).
    public var oomKills: UInt64 = 0
    /// Bytes read from block devices.
    public var blockReadBytes: UInt64 = 0
    /// Bytes written to block devices.
    public var blockWriteBytes: UInt64 = 0
    /// Block read operations.
    public var blockReadOperations: UInt64 = 0
    /// Block write operations.
    public var blockWriteOperations: UInt64 = 0
    /// Tasks (threads) in the cgroup.
    public var pidsCurrent: UInt64 = 0
    /// PSI `some` total for CPU, µs.
    public var cpuPressureSomeMicroseconds: UInt64 = 0
    /// PSI `some` total for memory, µs.
    public var memoryPressureSomeMicroseconds: UInt64 = 0
    /// PSI `full` total for memory, µs.
    public var memoryPressureFullMicroseconds: UInt64 = 0
    /// PSI `some` total for I/O, µs.
    public var ioPressureSomeMicroseconds: UInt64 = 0
    /// PSI `full` total for I/O, µs.
    public var ioPressureFullMicroseconds: UInt64 = 0
    /// Bytes received on the namespace's interfaces but `lo`.
    public var networkReceivedBytes: UInt64 = 0
    /// Bytes sent.
    public var networkTransmittedBytes: UInt64 = 0
    /// Packets received.
    public var networkReceivedPackets: UInt64 = 0
    /// Packets sent.
    public var networkTransmittedPackets: UInt64 = 0
    /// Received packets dropped.
    public var networkReceiveDrops: UInt64 = 0
    /// Sent packets dropped.
    public var networkTransmitDrops: UInt64 = 0
    /// Receive errors.
    public var networkReceiveErrors: UInt64 = 0
    /// Transmit errors.
    public var networkTransmitErrors: UInt64 = 0

    /// All zero, nothing present.
    public init() {}

    /// Usage minus inactive file, as `docker stats` and the kubelet count it; nil without
    /// the memory.stat breakdown.
    public var memoryWorkingSetBytes: UInt64? {
        guard present.contains(.memoryUsage), present.contains(.memoryStat) else { return nil }
        return memoryUsageBytes > memoryInactiveFileBytes ? memoryUsageBytes - memoryInactiveFileBytes : 0
    }
}
