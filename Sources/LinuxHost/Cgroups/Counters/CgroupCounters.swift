#if canImport(Glibc)
import Glibc
#endif

/// Everything Periscope samples from one cgroup, in one shape for v1 and v2.
///
/// A nil field means the controller is not mounted for this cgroup or the file is absent on
/// this kernel (v1 `memory.memsw.*` without swap accounting, PSI before 4.20); it never
/// means zero.
public struct CgroupCounters: Sendable, Equatable, Codable {
    /// CPU time and throttling counters.
    public var cpu: CgroupCPUUsage?
    /// The CFS cap and shares or weight.
    public var cpuLimits: CgroupCPULimits?
    /// CPUs the cgroup may run on (`cpuset.cpus`, v2 `cpuset.cpus.effective`).
    public var cpuset: CPUList?
    /// Memory use, limit and OOM events.
    public var memory: CgroupMemoryCounters?
    /// Per-device I/O counters, ordered by device number.
    public var blockIO: [BlockIOCounters]?
    /// Per-device throttling limits; empty when none is set.
    public var blockIOLimits: [BlockIOLimits]?
    /// Tasks and their limit.
    public var pids: CgroupPIDCounters?
    /// PSI for CPU from the cgroup2 directory.
    public var cpuPressure: PressureStall?
    /// PSI for memory.
    public var memoryPressure: PressureStall?
    /// PSI for I/O.
    public var ioPressure: PressureStall?

    /// An empty value that the parsers fill in.
    public init() {}
}

extension HostReadError {
    /// True when the cgroup (or process) behind the file is gone: ENOENT on open, ENODEV
    /// when reading a descriptor kept open on a removed cgroup, ESRCH for an exited task.
    public var isCgroupRemoved: Bool {
        if case .system(let code) = kind { return code == ENOENT || code == ENODEV || code == ESRCH }
        return false
    }
}

extension HostReadError {
    /// True for EOPNOTSUPP: PSI files exist but are disabled (`psi=0` on the kernel command line).
    public var isUnsupported: Bool {
        if case .system(let code) = kind { return code == EOPNOTSUPP }
        return false
    }
}
