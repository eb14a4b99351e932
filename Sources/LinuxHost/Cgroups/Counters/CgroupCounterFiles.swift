/// The paths of every counter file of one cgroup, built once when the cgroup is first seen
/// so that sampling it does not concatenate strings.
public struct CgroupCounterFiles: Sendable, Hashable {
    /// The directories the paths were built from.
    public let directories: CgroupDirectories
    /// The counters whose files are read; the others stay nil.
    public let counters: CgroupCounterSet

    let cpuStat: String?
    let cpuStatIsUnified: Bool
    let cpuQuota: String?
    let cpuPeriod: String?
    let cpuShares: String?
    let cpuMax: String?
    let cpuWeight: String?
    let cpuacctUsage: String?
    let cpuacctStat: String?
    let cpusetCPUs: String?
    let memoryIsUnified: Bool
    let memoryUsage: String?
    let memoryLimit: String?
    let memoryStat: String?
    let memoryFailCount: String?
    let memoryOOMControl: String?
    let memoryAndSwapUsage: String?
    let memoryEvents: String?
    let memorySwapCurrent: String?
    let ioIsUnified: Bool
    let blkioServiceBytes: String?
    let blkioServiced: String?
    let blkioLimits: [(BlockIOLimits.V1File, String)]
    let ioStat: String?
    let ioMax: String?
    let pidsCurrent: String?
    let pidsMax: String?
    let cpuPressure: String?
    let memoryPressure: String?
    let ioPressure: String?

    /// Builds the paths of `counters` once from `directories`.
    public init(_ directories: CgroupDirectories, counters: CgroupCounterSet = .all) {
        self.directories = directories
        self.counters = counters
        var wanted = CgroupCounterSet.all
        func file(_ location: CgroupDirectories.Location?, v1: String?, v2: String?) -> String? {
            guard counters.isSuperset(of: wanted), let location, let name = location.isUnified ? v2 : v1 else {
                return nil
            }
            return location.path + "/" + name
        }
        let cpu = directories.cpu
        wanted = .cpu
        cpuStat = file(cpu, v1: "cpu.stat", v2: "cpu.stat")
        cpuStatIsUnified = cpu?.isUnified ?? false
        wanted = .cpuLimits
        cpuQuota = file(cpu, v1: "cpu.cfs_quota_us", v2: nil)
        cpuPeriod = file(cpu, v1: "cpu.cfs_period_us", v2: nil)
        cpuShares = file(cpu, v1: "cpu.shares", v2: nil)
        cpuMax = file(cpu, v1: nil, v2: "cpu.max")
        cpuWeight = file(cpu, v1: nil, v2: "cpu.weight")
        wanted = .cpu
        cpuacctUsage = file(directories.cpuacct, v1: "cpuacct.usage", v2: nil)
        wanted = .cpuUserSystem
        cpuacctStat = file(directories.cpuacct, v1: "cpuacct.stat", v2: nil)
        wanted = .cpuset
        cpusetCPUs = file(directories.cpuset, v1: "cpuset.cpus", v2: "cpuset.cpus.effective")
        let memory = directories.memory
        memoryIsUnified = memory?.isUnified ?? false
        wanted = .memory
        memoryUsage = file(memory, v1: "memory.usage_in_bytes", v2: "memory.current")
        memoryLimit = file(memory, v1: "memory.limit_in_bytes", v2: "memory.max")
        memoryStat = file(memory, v1: "memory.stat", v2: "memory.stat")
        wanted = .memoryEvents
        memoryFailCount = file(memory, v1: "memory.failcnt", v2: nil)
        memoryOOMControl = file(memory, v1: "memory.oom_control", v2: nil)
        memoryAndSwapUsage = file(memory, v1: "memory.memsw.usage_in_bytes", v2: nil)
        memoryEvents = file(memory, v1: nil, v2: "memory.events")
        memorySwapCurrent = file(memory, v1: nil, v2: "memory.swap.current")
        let io = directories.io
        ioIsUnified = io?.isUnified ?? false
        wanted = .blockIO
        blkioServiceBytes = file(io, v1: "blkio.throttle.io_service_bytes", v2: nil)
        blkioServiced = file(io, v1: "blkio.throttle.io_serviced", v2: nil)
        wanted = .blockIOLimits
        blkioLimits = BlockIOLimits.V1File.allCases.compactMap { kind in
            file(io, v1: kind.fileName, v2: nil).map { (kind, $0) }
        }
        wanted = .blockIO
        ioStat = file(io, v1: nil, v2: "io.stat")
        wanted = .blockIOLimits
        ioMax = file(io, v1: nil, v2: "io.max")
        wanted = .pids
        pidsCurrent = file(directories.pids, v1: "pids.current", v2: "pids.current")
        pidsMax = file(directories.pids, v1: "pids.max", v2: "pids.max")
        let unified = counters.contains(.pressure) ? directories.unified : nil
        cpuPressure = unified.map { $0 + "/cpu.pressure" }
        memoryPressure = unified.map { $0 + "/memory.pressure" }
        ioPressure = unified.map { $0 + "/io.pressure" }
    }

    /// Equal when built from the same directories for the same counters.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.directories == rhs.directories && lhs.counters == rhs.counters
    }
    /// Hashes the directories and the counter set.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(directories)
        hasher.combine(counters)
    }
}
