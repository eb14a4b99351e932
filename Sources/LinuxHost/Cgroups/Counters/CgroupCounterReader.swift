/// Reads a cgroup's counters (CPU, memory, block I/O, PIDs, PSI) from v1 or v2 files
/// through descriptors kept open between samples.
///
/// ```swift
/// let reader = CgroupCounterReader()
/// let files = CgroupCounterFiles(CgroupDirectories(layout: layout, cgroups: cgroupsOfInit))
/// let counters = try reader.read(files)   // again each interval
/// ```
/// A file this kernel or cgroup lacks leaves its field nil. When the cgroup is removed the
/// read throws an error whose `isCgroupRemoved` is true; call `forget(_:)` then.
/// Not thread-safe (it owns one buffer and the descriptors).
public final class CgroupCounterReader {
    /// The open descriptors and the read buffer.
    public let cache: CgroupFileCache
    /// USER_HZ, the unit of v1 `cpuacct.stat`.
    public let ticksPerSecond: Int

    /// Creates it with its own descriptors and buffer unless given some.
    public init(cache: CgroupFileCache = CgroupFileCache(), ticksPerSecond: Int = HostSystem.clockTicksPerSecond) {
        self.cache = cache
        self.ticksPerSecond = ticksPerSecond
    }

    /// Reads every counter of the cgroup whose files are `files`.
    public func read(_ files: CgroupCounterFiles) throws(HostReadError) -> CgroupCounters {
        var counters = CgroupCounters()
        counters.cpu = try readCPU(files)
        counters.cpuLimits = try readCPULimits(files)
        if let path = files.cpusetCPUs {
            counters.cpuset = try cache.withContentsIfPresent(of: path) { bytes throws(HostReadError) in
                try CPUList.parse(bytes, path: path)
            }
        }
        counters.memory = try readMemory(files)
        try readBlockIO(files, into: &counters)
        counters.pids = try readPIDs(files)
        counters.cpuPressure = try pressure(files.cpuPressure)
        counters.memoryPressure = try pressure(files.memoryPressure)
        counters.ioPressure = try pressure(files.ioPressure)
        return counters
    }

    /// Closes the descriptors of a removed cgroup.
    public func forget(_ files: CgroupCounterFiles) {
        let directories = files.directories
        for path in [
            directories.cpu?.path, directories.cpuacct?.path, directories.cpuset?.path, directories.memory?.path,
            directories.io?.path, directories.pids?.path, directories.unified
        ].compactMap({ $0 }) {
            cache.forget(directory: path)
        }
    }

    private func readCPU(_ files: CgroupCounterFiles) throws(HostReadError) -> CgroupCPUUsage? {
        var usage = CgroupCPUUsage()
        var found = false
        if let path = files.cpuStat {
            let isUnified = files.cpuStatIsUnified
            found =
                try cache.withContentsIfPresent(of: path) { bytes in
                    if isUnified { usage.parseV2CPUStat(bytes) } else { usage.parseV1CPUStat(bytes) }
                    return true
                } ?? false
        }
        if let path = files.cpuacctUsage,
            let total = try cache.withContentsIfPresent(
                of: path, { bytes throws(HostReadError) in try SingleValueFile.parse(bytes, path: path) })
        {
            usage.usageNanoseconds = total
            found = true
        }
        if let path = files.cpuacctStat {
            let ticks = ticksPerSecond
            found =
                try cache.withContentsIfPresent(of: path) { bytes in
                    usage.parseV1CPUAcctStat(bytes, ticksPerSecond: ticks); return true
                } ?? false || found
        }
        return found ? usage : nil
    }

    private func readCPULimits(_ files: CgroupCounterFiles) throws(HostReadError) -> CgroupCPULimits? {
        var limits = CgroupCPULimits()
        var found = false
        if let path = files.cpuMax,
            let max = try cache.withContentsIfPresent(
                of: path, { bytes throws(HostReadError) in try CgroupCPULimits.parseV2CPUMax(bytes, path: path) })
        {
            limits.quotaMicroseconds = max.quotaMicroseconds
            limits.periodMicroseconds = max.periodMicroseconds
            found = true
        }
        if let path = files.cpuWeight {
            limits.weight = try value(path)
            found = found || limits.weight != nil
        }
        if let path = files.cpuPeriod {
            limits.periodMicroseconds = try value(path)
            found = found || limits.periodMicroseconds != nil
        }
        if let path = files.cpuQuota {
            limits.quotaMicroseconds =
                try cache.withContentsIfPresent(of: path) { bytes throws(HostReadError) in
                    try SingleValueFile.parseLimit(bytes, path: path)
                } ?? nil
        }
        if let path = files.cpuShares {
            limits.shares = try value(path)
            found = found || limits.shares != nil
        }
        return found ? limits : nil
    }

    private func readMemory(_ files: CgroupCounterFiles) throws(HostReadError) -> CgroupMemoryCounters? {
        guard let usagePath = files.memoryUsage, let usage = try value(usagePath) else { return nil }
        var memory = CgroupMemoryCounters()
        memory.usageBytes = usage
        let isUnified = files.memoryIsUnified
        if let path = files.memoryLimit {
            memory.limitBytes =
                try cache.withContentsIfPresent(of: path) { bytes throws(HostReadError) in
                    isUnified
                        ? try CgroupMemoryCounters.parseV2Limit(bytes, path: path)
                        : try CgroupMemoryCounters.parseV1Limit(bytes, path: path)
                } ?? nil
        }
        if let path = files.memoryStat {
            memory.stat = try cache.withContentsIfPresent(of: path) { bytes in
                isUnified ? CgroupMemoryStat.parseV2(bytes) : CgroupMemoryStat.parseV1(bytes)
            }
        }
        if let path = files.memoryFailCount { memory.limitHitCount = try value(path) }
        if let path = files.memoryOOMControl {
            _ = try cache.withContentsIfPresent(of: path) { bytes in memory.parseV1OOMControl(bytes) }
        }
        if let path = files.memoryAndSwapUsage {
            memory.memoryAndSwapUsageBytes = try value(path)
        }
        if let path = files.memoryEvents {
            _ = try cache.withContentsIfPresent(of: path) { bytes in memory.parseV2Events(bytes) }
        }
        if let path = files.memorySwapCurrent { memory.swapUsageBytes = try value(path) }
        if !isUnified {
            // v1 has no swap file of its own: total_swap, else memsw minus usage.
            if let swap = memory.stat?.swapBytes {
                memory.swapUsageBytes = swap
            } else if let both = memory.memoryAndSwapUsageBytes {
                memory.swapUsageBytes = both > usage ? both - usage : 0
            }
        }
        return memory
    }

    private func readBlockIO(_ files: CgroupCounterFiles, into counters: inout CgroupCounters) throws(HostReadError) {
        if files.ioIsUnified {
            if let path = files.ioStat {
                counters.blockIO = try cache.withContentsIfPresent(of: path) { BlockIOCounters.parseV2($0) }
            }
            if let path = files.ioMax {
                counters.blockIOLimits = try cache.withContentsIfPresent(of: path) { BlockIOLimits.parseV2($0) }
            }
            return
        }
        var devices: [BlockIOCounters] = []
        var found = false
        if let path = files.blkioServiceBytes {
            found =
                try cache.withContentsIfPresent(of: path) {
                    BlockIOCounters.mergeV1($0, .serviceBytes, into: &devices); return true
                } ?? false
        }
        if let path = files.blkioServiced {
            found =
                try cache.withContentsIfPresent(of: path) {
                    BlockIOCounters.mergeV1($0, .serviced, into: &devices); return true
                } ?? false || found
        }
        if found { counters.blockIO = devices.sorted { $0.device < $1.device } }
        var limits: [BlockIOLimits] = []
        var foundLimits = false
        for (kind, path) in files.blkioLimits {
            foundLimits =
                try cache.withContentsIfPresent(of: path) {
                    BlockIOLimits.mergeV1($0, kind, into: &limits); return true
                } ?? false || foundLimits
        }
        if foundLimits { counters.blockIOLimits = limits.sorted { $0.device < $1.device } }
    }

    private func readPIDs(_ files: CgroupCounterFiles) throws(HostReadError) -> CgroupPIDCounters? {
        guard let currentPath = files.pidsCurrent, let current = try value(currentPath) else { return nil }
        var pids = CgroupPIDCounters(current: current)
        if let path = files.pidsMax {
            pids.limit =
                try cache.withContentsIfPresent(of: path) { bytes throws(HostReadError) in
                    try SingleValueFile.parseLimit(bytes, path: path)
                } ?? nil
        }
        return pids
    }

    private func pressure(_ path: String?) throws(HostReadError) -> PressureStall? {
        guard let path else { return nil }
        do {
            return try cache.withContentsIfPresent(of: path) { bytes throws(HostReadError) in
                try PressureStall.parse(bytes, path: path)
            }
        } catch  where error.isUnsupported {
            return nil
        }
    }

    private func value(_ path: String) throws(HostReadError) -> UInt64? {
        try cache.withContentsIfPresent(of: path) { bytes throws(HostReadError) in
            try SingleValueFile.parse(bytes, path: path)
        }
    }
}
