import LinuxHost

/// The limits a `top` row shows beside its counters: the CPU cap and the memory limit.
///
/// They change only on `docker update`, so they are read when a container appears and then
/// every `TopContainerSampler.limitsRefreshSeconds`, through files opened and closed each
/// time rather than kept open and read every sample (4 files on v1, 3 on v2).
struct TopCgroupLimits: Sendable, Equatable {
    /// Quota / period in CPUs; nil when uncapped.
    var capCores: Double?
    /// The memory limit; nil when unlimited or without a memory controller.
    var memoryLimitBytes: UInt64?

    /// Reads the cap and the limit of the cgroup in `directories`; what cannot be read stays
    /// nil (a cgroup removed meanwhile fails its next counter read instead). `reader` is
    /// emptied afterwards, so no descriptor stays open.
    static func read(_ directories: CgroupDirectories, reader: CgroupCounterReader) -> TopCgroupLimits {
        defer { reader.cache.removeAll() }
        var limits = TopCgroupLimits()
        let files = CgroupCounterFiles(directories, counters: .cpuLimits)
        limits.capCores = (try? reader.read(files))?.cpuLimits?.capCores
        if let memory = directories.memory {
            let path = memory.path + (memory.isUnified ? "/memory.max" : "/memory.limit_in_bytes")
            limits.memoryLimitBytes =
                (try? reader.cache.withContentsIfPresent(of: path) { bytes throws(HostReadError) in
                    memory.isUnified
                        ? try CgroupMemoryCounters.parseV2Limit(bytes, path: path)
                        : try CgroupMemoryCounters.parseV1Limit(bytes, path: path)
                }) ?? nil
        }
        return limits
    }
}
