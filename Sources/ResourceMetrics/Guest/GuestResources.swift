#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// What a process inside a container really has (its cgroup's limits) next to what the
/// usual tools report from there (nproc, /proc/cpuinfo, sysconf, free): the "metrics
/// namespace" confusion of "Container Performance Analysis" (DockerCon 2017) slides 51-56, measured.
package struct GuestResources: Sendable, Codable {
    /// Signs that this process runs in a container (/.dockerenv, PID 1's cgroup not the root).
    package var containerSigns: [String]
    /// The cgroup path of this process (v1 cpu hierarchy, or v2), as /proc/self/cgroup shows it.
    package var cgroupPath: String?
    /// The CFS cap in CPUs (quota / period); nil when uncapped.
    package var cpuQuotaCores: Double?
    /// CPUs the cgroup's cpuset allows.
    package var cpusetCPUs: [Int]?
    /// The memory limit; nil when unlimited.
    package var memoryLimitBytes: UInt64?
    /// Memory the cgroup uses now (working set).
    package var memoryWorkingSetBytes: UInt64?
    /// pids.max; nil when unlimited.
    package var pidsLimit: UInt64?
    /// Tasks in the cgroup now.
    package var pidsCurrent: UInt64?
    /// CPUs this process may run on (sched_getaffinity, what `nproc` prints).
    package var affinityCPUs: Int
    /// `processor` entries of /proc/cpuinfo (the host's CPUs).
    package var cpuinfoProcessors: Int
    /// sysconf(_SC_NPROCESSORS_ONLN), what many runtimes size thread pools from.
    package var onlineCPUs: Int
    /// MemTotal of /proc/meminfo, what `free` shows as total.
    package var meminfoTotalBytes: UInt64
    /// MemAvailable of /proc/meminfo.
    package var meminfoAvailableBytes: UInt64?
    /// /proc/sys/kernel/pid_max.
    package var kernelPIDMax: UInt64?
    /// /proc/loadavg (host-wide).
    package var loadAverage: LoadAverage?
    /// Block devices listed in /proc/diskstats (the host's).
    package var diskstatsDevices: Int
    /// Interfaces in /proc/net/dev (this network namespace's own).
    package var networkInterfaces: [String]
    /// What could not be read.
    package var unreadable: [String]
    /// Whether this process could switch to SCHED_FIFO/SCHED_RR here, and why not.
    package var realtime: RealtimeUsability?

    /// Creates a value from its fields (what `read` fills in; tests build it directly).
    package init(
        containerSigns: [String] = [], cgroupPath: String? = nil, cpuQuotaCores: Double? = nil,
        cpusetCPUs: [Int]? = nil,
        memoryLimitBytes: UInt64? = nil, memoryWorkingSetBytes: UInt64? = nil, pidsLimit: UInt64? = nil,
        pidsCurrent: UInt64? = nil,
        affinityCPUs: Int, cpuinfoProcessors: Int, onlineCPUs: Int, meminfoTotalBytes: UInt64,
        meminfoAvailableBytes: UInt64? = nil,
        kernelPIDMax: UInt64? = nil, loadAverage: LoadAverage? = nil, diskstatsDevices: Int = 0,
        networkInterfaces: [String] = [],
        unreadable: [String] = []
    ) {
        self.containerSigns = containerSigns
        self.cgroupPath = cgroupPath
        self.cpuQuotaCores = cpuQuotaCores
        self.cpusetCPUs = cpusetCPUs
        self.memoryLimitBytes = memoryLimitBytes
        self.memoryWorkingSetBytes = memoryWorkingSetBytes
        self.pidsLimit = pidsLimit
        self.pidsCurrent = pidsCurrent
        self.affinityCPUs = affinityCPUs
        self.cpuinfoProcessors = cpuinfoProcessors
        self.onlineCPUs = onlineCPUs
        self.meminfoTotalBytes = meminfoTotalBytes
        self.meminfoAvailableBytes = meminfoAvailableBytes
        self.kernelPIDMax = kernelPIDMax
        self.loadAverage = loadAverage
        self.diskstatsDevices = diskstatsDevices
        self.networkInterfaces = networkInterfaces
        self.unreadable = unreadable
    }

    /// The CPUs the container can really use: the cap, bounded by its cpuset.
    package var effectiveCPUs: Double {
        let cpusetCount = Double(cpusetCPUs?.count ?? onlineCPUs)
        return min(cpuQuotaCores ?? cpusetCount, cpusetCount)
    }

    /// Reads everything from this process's point of view, under `procRoot`.
    package static func read(procRoot: String = "/proc", rootPrefix: String = "") -> GuestResources {
        let reader = KernelFileReader()
        let procfs = Procfs(root: procRoot, reader: reader)
        var unreadable: [String] = []
        var signs: [String] = []
        for marker in ["/.dockerenv", "/run/.containerenv"] where access(rootPrefix + marker, F_OK) == 0 {
            signs.append("\(marker) exists")
        }
        if let initCgroups = try? procfs.cgroups(TaskID(pid: 1)),
            let path = initCgroups.memberships.first(where: { $0.path != "/" && !$0.path.isEmpty })?.path
        {
            signs.append("PID 1's cgroup is \(path)")
        }
        var resources = GuestResources(
            containerSigns: signs, affinityCPUs: 0, cpuinfoProcessors: 0,
            onlineCPUs: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
            meminfoTotalBytes: 0, diskstatsDevices: 0, networkInterfaces: [], unreadable: [])
        var realtimeBudget: CgroupRealtimeBudget?
        do {
            let layout = try CgroupLayout.read(
                mountInfoPath: procRoot + "/self/mountinfo", rootPrefix: rootPrefix, reader: reader)
            let cgroups = layout.hostView(of: try procfs.cgroups(TaskID(pid: getpid())))
            resources.cgroupPath =
                cgroups.memberships.first { $0.controllers.contains("cpu") }?.path ?? cgroups.unifiedPath
            let counters = try CgroupCounterReader().read(
                CgroupCounterFiles(CgroupDirectories(layout: layout, cgroups: cgroups)))
            resources.cpuQuotaCores = counters.cpuLimits?.capCores
            resources.cpusetCPUs = counters.cpuset?.cpus
            resources.memoryLimitBytes = counters.memory?.limitBytes
            resources.memoryWorkingSetBytes = counters.memory?.workingSetBytes
            resources.pidsLimit = counters.pids?.limit
            resources.pidsCurrent = counters.pids?.current
            realtimeBudget = try? CgroupRealtimeBudget.read(
                layout: layout, cgroups: cgroups, procRoot: procRoot, reader: reader)
        } catch {
            unreadable.append("own cgroup: \(error)")
        }
        resources.realtime = RealtimeUsability(
            budget: realtimeBudget, limits: try? procfs.realtimeLimits(getpid()), insideContainer: !signs.isEmpty)
        if let status = try? reader.string(of: procRoot + "/self/status"),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") })
        {
            let list = Array(line.dropFirst("Cpus_allowed_list:".count).filter { !$0.isWhitespace }.utf8)
            resources.affinityCPUs =
                (try? list.withUnsafeBytes { bytes throws(HostReadError) in
                    try CPUList.parse(bytes, path: "Cpus_allowed_list")
                })?.count ?? 0
        }
        if let cpuinfo = try? reader.string(of: procRoot + "/cpuinfo") {
            resources.cpuinfoProcessors = cpuinfo.split(separator: "\n").filter { $0.hasPrefix("processor") }.count
        } else {
            unreadable.append("\(procRoot)/cpuinfo")
        }
        let host = HostCounterReader(procRoot: procRoot)
        if let memory = try? host.memoryInfo() {
            resources.meminfoTotalBytes = memory.totalBytes
            resources.meminfoAvailableBytes = memory.availableBytes
        }
        resources.loadAverage = try? host.loadAverage()
        resources.diskstatsDevices = (try? host.diskStats())?.count ?? 0
        resources.networkInterfaces = ((try? host.networkDevices()) ?? []).map(\.interface)
        resources.kernelPIDMax = (try? reader.string(of: procRoot + "/sys/kernel/pid_max")).flatMap {
            UInt64($0.filter(\.isNumber))
        }
        resources.unreadable = unreadable
        return resources
    }
}
