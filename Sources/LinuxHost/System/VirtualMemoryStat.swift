/// Paging and OOM counters from /proc/vmstat (counters since boot).
public struct VirtualMemoryStat: Sendable, Equatable, Codable {
    /// Pages swapped in (`pswpin`), vmstat's `si` once multiplied by the page size.
    public var swappedInPages: UInt64 = 0
    /// Pages swapped out (`pswpout`), vmstat's `so`.
    public var swappedOutPages: UInt64 = 0
    /// KiB paged in from disk (`pgpgin`, in 1 KiB units despite its name).
    public var pagedInKilobytes: UInt64 = 0
    /// KiB paged out to disk (`pgpgout`).
    public var pagedOutKilobytes: UInt64 = 0
    /// `pgfault`: page faults, minor and major.
    public var pageFaults: UInt64 = 0
    /// `pgmajfault`: faults that needed I/O.
    public var majorPageFaults: UInt64 = 0
    /// Processes killed by the OOM killer (`oom_kill`, 4.13+); nil on older kernels.
    public var oomKills: UInt64?

    /// An empty value that the parsers fill in.
    public init() {}

    /// Parses /proc/vmstat.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> VirtualMemoryStat {
        var stat = VirtualMemoryStat()
        FlatKeyedFile.forEachEntry(bytes) { scanner, key, value in
            guard
                scanner.bytes[key.lowerBound] == UInt8(ascii: "p") || scanner.bytes[key.lowerBound] == UInt8(ascii: "o")
            else { return }
            if scanner.matches(key, "pswpin") {
                stat.swappedInPages = value
            } else if scanner.matches(key, "pswpout") {
                stat.swappedOutPages = value
            } else if scanner.matches(key, "pgpgin") {
                stat.pagedInKilobytes = value
            } else if scanner.matches(key, "pgpgout") {
                stat.pagedOutKilobytes = value
            } else if scanner.matches(key, "pgfault") {
                stat.pageFaults = value
            } else if scanner.matches(key, "pgmajfault") {
                stat.majorPageFaults = value
            } else if scanner.matches(key, "oom_kill") {
                stat.oomKills = value
            }
        }
        return stat
    }
}
