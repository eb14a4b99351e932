/// A cgroup's memory use, limit and out-of-memory events, in one shape for v1 and v2.
public struct CgroupMemoryCounters: Sendable, Equatable, Codable {
    /// Charged memory, page cache included (v1 `memory.usage_in_bytes`, v2 `memory.current`).
    public var usageBytes: UInt64?
    /// The hard limit; nil when unlimited (v2 "max", v1's page-counter maximum).
    public var limitBytes: UInt64?
    /// Memory plus swap (v1 `memory.memsw.usage_in_bytes`, only with swap accounting).
    public var memoryAndSwapUsageBytes: UInt64?
    /// Swap used (v2 `memory.swap.current`; on v1 from `total_swap` in `memory.stat`).
    public var swapUsageBytes: UInt64?
    /// The breakdown from `memory.stat`.
    public var stat: CgroupMemoryStat?
    /// Times usage hit the limit (v1 `memory.failcnt`; v2 `memory.events` `max`).
    public var limitHitCount: UInt64?
    /// Times the OOM killer was invoked for this cgroup (v2 `memory.events` `oom`; nil on v1).
    public var oomCount: UInt64?
    /// Processes the OOM killer killed in this cgroup (v1 `memory.oom_control` `oom_kill`,
    /// v2 `memory.events` `oom_kill`). `docker stats` never shows it.
    public var oomKillCount: UInt64?
    /// v1 `under_oom`: the cgroup is stalled at its limit with the OOM killer disabled.
    public var isUnderOOM: Bool?

    /// An empty value that the parsers fill in.
    public init() {}

    /// The working set as `docker stats` and cAdvisor compute it: usage minus inactive page
    /// cache (clamped at zero). Unlike usage − cache, it keeps shmem, which cannot be reclaimed.
    public var workingSetBytes: UInt64? {
        guard let usageBytes else { return nil }
        let inactive = stat?.inactiveFileBytes ?? 0
        return usageBytes > inactive ? usageBytes - inactive : 0
    }

    /// v1 reports "no limit" as the page counter's maximum rounded down to pages:
    /// 9223372036854771712 with 4 KiB pages. Anything from 2^62 up is treated as unlimited,
    /// so other page sizes (64 KiB on arm64) are covered too.
    public static let v1UnlimitedThresholdBytes: UInt64 = 1 << 62

    /// Parses a v1 `memory.limit_in_bytes` (or `memsw`): nil when unlimited.
    public static func parseV1Limit(_ bytes: UnsafeRawBufferPointer, path: String) throws(HostReadError) -> UInt64? {
        let value = try SingleValueFile.parse(bytes, path: path)
        return value >= v1UnlimitedThresholdBytes ? nil : value
    }

    /// Parses v2 `memory.max`: nil for "max".
    public static func parseV2Limit(_ bytes: UnsafeRawBufferPointer, path: String) throws(HostReadError) -> UInt64? {
        try SingleValueFile.parseLimit(bytes, path: path)
    }

    /// Parses v1 `memory.oom_control` (`oom_kill_disable`, `under_oom`, `oom_kill`) into `self`.
    public mutating func parseV1OOMControl(_ bytes: UnsafeRawBufferPointer) {
        FlatKeyedFile.forEachEntry(bytes) { scanner, key, value in
            if scanner.matches(key, "oom_kill") {
                oomKillCount = value
            } else if scanner.matches(key, "under_oom") {
                isUnderOOM = value != 0
            }
        }
    }

    /// Parses v2 `memory.events` (`low`, `high`, `max`, `oom`, `oom_kill`) into `self`.
    public mutating func parseV2Events(_ bytes: UnsafeRawBufferPointer) {
        FlatKeyedFile.forEachEntry(bytes) { scanner, key, value in
            if scanner.matches(key, "max") {
                limitHitCount = value
            } else if scanner.matches(key, "oom") {
                oomCount = value
            } else if scanner.matches(key, "oom_kill") {
                oomKillCount = value
            }
        }
    }
}
