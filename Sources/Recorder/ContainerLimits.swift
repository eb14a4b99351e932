import LinuxHost
import Recording

/// A container's limits (CFS quota and period, shares or weight, memory and pids limits),
/// read with the general counter reader when the container appears and then rarely:
/// they change only on `docker update`.
enum ContainerLimits {
    static func read(_ directories: CgroupDirectories) -> [(RecordedMetric, UInt64?)] {
        let reader = CgroupCounterReader()
        defer { reader.cache.removeAll() }
        guard
            let counters = try? reader.read(
                CgroupCounterFiles(directories, counters: [.cpuLimits, .cpuset, .memory, .pids]))
        else { return [] }
        var limits: [(RecordedMetric, UInt64?)] = []
        if let cpu = counters.cpuLimits {
            limits.append((.cpuQuotaMicroseconds, cpu.quotaMicroseconds))
            limits.append((.cpuPeriodMicroseconds, cpu.periodMicroseconds))
            if cpu.shares != nil { limits.append((.cpuShares, cpu.shares)) }
            if cpu.weight != nil { limits.append((.cpuWeight, cpu.weight)) }
        }
        // v1 writes "no limit" as a page-rounded Int64.max; the store keeps unlimited as absent.
        let memoryLimit = counters.memory?.limitBytes.flatMap { $0 >= 1 << 62 ? nil : $0 }
        limits.append((.memoryLimitBytes, memoryLimit))
        limits.append((.pidsLimit, counters.pids?.limit))
        limits.append((.cpusetMask, counters.cpuset.flatMap(cpusetMask)))
        return limits
    }

    /// CPUs 0-62 as bits; nil for an empty list or one naming a higher CPU (the store keeps
    /// one integer; every CPU is then assumed, as when the cpuset is unknown).
    static func cpusetMask(_ list: CPUList) -> UInt64? {
        guard !list.cpus.isEmpty, list.cpus.allSatisfy({ $0 >= 0 && $0 < 63 }) else { return nil }
        return list.cpus.reduce(UInt64(0)) { $0 | (1 << UInt64($1)) }
    }
}
