/// The breakdown of a cgroup's memory from `memory.stat`, in one shape for v1 and v2.
///
/// v1 lines without a prefix cover the cgroup alone; Periscope reads the `total_*` lines,
/// which include descendants, as `docker stats` and cAdvisor do. v2 is always hierarchical.
public struct CgroupMemoryStat: Sendable, Equatable, Codable {
    /// Anonymous memory (v1 `total_rss`, v2 `anon`).
    public var anonymousBytes: UInt64?
    /// Page cache (v1 `total_cache`, v2 `file`), shmem included.
    public var fileBytes: UInt64?
    /// Page cache on the inactive LRU: what the kernel reclaims first, so not in the working set.
    public var inactiveFileBytes: UInt64?
    /// Page cache on the active LRU.
    public var activeFileBytes: UInt64?
    /// tmpfs and shared anonymous memory (counted in `fileBytes`, but not reclaimable without swap).
    public var shmemBytes: UInt64?
    /// Mapped files (v1 `total_mapped_file`, v2 `file_mapped`).
    public var mappedFileBytes: UInt64?
    /// Dirty page cache waiting for writeback.
    public var dirtyBytes: UInt64?
    /// Page cache under writeback.
    public var writebackBytes: UInt64?
    /// Swap used (v1 `total_swap`, present only with swap accounting); nil on v2, which has `memory.swap.current`.
    public var swapBytes: UInt64?
    /// Page faults, a counter (v1 `total_pgfault`, v2 `pgfault`).
    public var pageFaults: UInt64?
    /// Major page faults (needing I/O), a counter (v1 `total_pgmajfault`, v2 `pgmajfault`).
    public var majorPageFaults: UInt64?

    /// An empty value that the parsers fill in.
    public init() {}

    /// Parses v1 `memory.stat`, keeping the hierarchical `total_*` lines.
    public static func parseV1(_ bytes: UnsafeRawBufferPointer) -> CgroupMemoryStat {
        var stat = CgroupMemoryStat()
        FlatKeyedFile.forEachEntry(bytes) { scanner, key, value in
            // Only total_* lines: a quick test on the first byte skips the others.
            guard key.count > 6, scanner.bytes[key.lowerBound] == UInt8(ascii: "t") else { return }
            if scanner.matches(key, "total_rss") {
                stat.anonymousBytes = value
            } else if scanner.matches(key, "total_cache") {
                stat.fileBytes = value
            } else if scanner.matches(key, "total_inactive_file") {
                stat.inactiveFileBytes = value
            } else if scanner.matches(key, "total_active_file") {
                stat.activeFileBytes = value
            } else if scanner.matches(key, "total_shmem") {
                stat.shmemBytes = value
            } else if scanner.matches(key, "total_mapped_file") {
                stat.mappedFileBytes = value
            } else if scanner.matches(key, "total_dirty") {
                stat.dirtyBytes = value
            } else if scanner.matches(key, "total_writeback") {
                stat.writebackBytes = value
            } else if scanner.matches(key, "total_swap") {
                stat.swapBytes = value
            } else if scanner.matches(key, "total_pgfault") {
                stat.pageFaults = value
            } else if scanner.matches(key, "total_pgmajfault") {
                stat.majorPageFaults = value
            }
        }
        return stat
    }

    /// Parses v2 `memory.stat` (see the kernel's Documentation/admin-guide/cgroup-v2.rst).
    public static func parseV2(_ bytes: UnsafeRawBufferPointer) -> CgroupMemoryStat {
        var stat = CgroupMemoryStat()
        FlatKeyedFile.forEachEntry(bytes) { scanner, key, value in
            if scanner.matches(key, "anon") {
                stat.anonymousBytes = value
            } else if scanner.matches(key, "file") {
                stat.fileBytes = value
            } else if scanner.matches(key, "inactive_file") {
                stat.inactiveFileBytes = value
            } else if scanner.matches(key, "active_file") {
                stat.activeFileBytes = value
            } else if scanner.matches(key, "shmem") {
                stat.shmemBytes = value
            } else if scanner.matches(key, "file_mapped") {
                stat.mappedFileBytes = value
            } else if scanner.matches(key, "file_dirty") {
                stat.dirtyBytes = value
            } else if scanner.matches(key, "file_writeback") {
                stat.writebackBytes = value
            } else if scanner.matches(key, "pgfault") {
                stat.pageFaults = value
            } else if scanner.matches(key, "pgmajfault") {
                stat.majorPageFaults = value
            }
        }
        return stat
    }
}
