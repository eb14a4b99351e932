/// Which of a cgroup's counters to read. Every file costs a pread per sample (1-10 µs of
/// kernel time on v1, where one cgroup has ~25 files in 7 hierarchies), so a view that shows
/// a few columns, as `top` does, reads only their files.
public struct CgroupCounterSet: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Usage and throttling (`cpu.stat`, v1 `cpuacct.usage`).
    public static let cpu = CgroupCounterSet(rawValue: 1 << 0)
    /// The user/system split (v1 `cpuacct.stat`; v2 has it in `cpu.stat`).
    public static let cpuUserSystem = CgroupCounterSet(rawValue: 1 << 1)
    /// Quota, period, shares or weight.
    public static let cpuLimits = CgroupCounterSet(rawValue: 1 << 2)
    /// The CPUs the cgroup may run on.
    public static let cpuset = CgroupCounterSet(rawValue: 1 << 3)
    /// Usage, limit and `memory.stat` (for the working set).
    public static let memory = CgroupCounterSet(rawValue: 1 << 4)
    /// Limit hits, OOM and OOM-kill counts, swap.
    public static let memoryEvents = CgroupCounterSet(rawValue: 1 << 5)
    /// Bytes and operations per device.
    public static let blockIO = CgroupCounterSet(rawValue: 1 << 6)
    /// Block I/O throttling limits.
    public static let blockIOLimits = CgroupCounterSet(rawValue: 1 << 7)
    /// Tasks and their limit.
    public static let pids = CgroupCounterSet(rawValue: 1 << 8)
    /// PSI (`*.pressure`).
    public static let pressure = CgroupCounterSet(rawValue: 1 << 9)

    /// Everything: `stats`, `diagnose`.
    public static let all = CgroupCounterSet(rawValue: (1 << 10) - 1)
    /// What a one-line summary per cgroup shows (`top`): CPU with its cap, memory with its
    /// limit, block I/O bytes, PIDs.
    public static let summary: CgroupCounterSet = [.cpu, .cpuLimits, .memory, .blockIO, .pids]
}
