/// Reads the host's counters (/proc/stat, loadavg, meminfo, vmstat, diskstats, net/dev,
/// net/snmp, pressure) under a proc root, keeping each file open between samples.
///
/// `procRoot` is "/proc" on a live host and a fixture directory in tests. Network counters
/// take an optional PID: `/proc/PID/net/...` shows that process's network namespace.
/// Not thread-safe.
public final class HostCounterReader {
    /// The proc filesystem read.
    public let procRoot: String
    /// The open descriptors and the buffer.
    public let cache: CgroupFileCache
    private let statPath, loadAveragePath, memoryInfoPath, vmstatPath, diskstatsPath: String
    private var previousCPUStat: HostCPUStat?
    private var previousDisks: [DiskStats] = []

    /// Creates it with its own descriptors and buffer unless given some.
    public init(procRoot: String = "/proc", cache: CgroupFileCache = CgroupFileCache()) {
        self.procRoot = procRoot
        self.cache = cache
        statPath = procRoot + "/stat"
        loadAveragePath = procRoot + "/loadavg"
        memoryInfoPath = procRoot + "/meminfo"
        vmstatPath = procRoot + "/vmstat"
        diskstatsPath = procRoot + "/diskstats"
    }

    /// /proc/stat.
    public func cpuStat() throws(HostReadError) -> HostCPUStat {
        let path = statPath
        let previous = previousCPUStat
        let stat = try cache.withContents(of: path) { bytes throws(HostReadError) in
            try HostCPUStat.parse(bytes, path: path, reusing: previous)
        }
        previousCPUStat = stat
        return stat
    }

    /// /proc/loadavg.
    public func loadAverage() throws(HostReadError) -> LoadAverage {
        let path = loadAveragePath
        return try cache.withContents(of: path) { bytes throws(HostReadError) in
            try LoadAverage.parse(bytes, path: path)
        }
    }

    /// /proc/meminfo.
    public func memoryInfo() throws(HostReadError) -> MemoryInfo {
        let path = memoryInfoPath
        return try cache.withContents(of: path) { bytes throws(HostReadError) in try MemoryInfo.parse(bytes, path: path)
        }
    }

    /// /proc/vmstat.
    public func virtualMemoryStat() throws(HostReadError) -> VirtualMemoryStat {
        try cache.withContents(of: vmstatPath) { VirtualMemoryStat.parse($0) }
    }

    /// /proc/diskstats: every block device, partitions included (filter by name to match iostat).
    public func diskStats() throws(HostReadError) -> [DiskStats] {
        let path = diskstatsPath
        let previous = previousDisks
        let disks = try cache.withContents(of: path) { bytes throws(HostReadError) in
            try DiskStats.parseAll(bytes, path: path, reusing: previous)
        }
        previousDisks = disks
        return disks
    }

    /// net/dev of the host, or of `pid`'s network namespace.
    public func networkDevices(pid: Int32? = nil) throws(HostReadError) -> [NetworkDeviceStats] {
        let path = netPath(pid, "dev")
        return try cache.withContents(of: path) { bytes throws(HostReadError) in
            try NetworkDeviceStats.parseAll(bytes, path: path)
        }
    }

    /// The Tcp line of net/snmp for the host, or for `pid`'s network namespace.
    public func tcpCounters(pid: Int32? = nil) throws(HostReadError) -> TCPCounters {
        let path = netPath(pid, "snmp")
        return try cache.withContents(of: path) { bytes throws(HostReadError) in
            try TCPCounters.parse(bytes, path: path)
        }
    }

    /// The resources /proc/pressure reports on.
    public enum PressureResource: String, Sendable, CaseIterable {
        case cpu, memory, io
    }

    /// Host PSI for `resource`; nil on kernels without PSI (before 4.20, or `psi=0`).
    public func pressure(_ resource: PressureResource) throws(HostReadError) -> PressureStall? {
        let path = procRoot + "/pressure/" + resource.rawValue
        do {
            return try cache.withContentsIfPresent(of: path) { bytes throws(HostReadError) in
                try PressureStall.parse(bytes, path: path)
            }
        } catch  where error.isUnsupported || error.isCgroupRemoved {
            // No /proc/pressure at all (kernel built without PSI) reads as ENOENT on the directory.
            return nil
        }
    }

    private func netPath(_ pid: Int32?, _ file: String) -> String {
        if let pid { return "\(procRoot)/\(pid)/net/\(file)" }
        return procRoot + "/net/" + file
    }
}
