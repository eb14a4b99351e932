#if canImport(Glibc)
import Glibc
#endif

/// The real-time budget of a cgroup and of every ancestor Periscope can see: v1
/// `cpu.rt_runtime_us` / `cpu.rt_period_us` (RT group scheduling, CONFIG_RT_GROUP_SCHED).
///
/// With RT group scheduling a SCHED_FIFO/SCHED_RR task may only run in a group whose runtime
/// is above 0, and a group's runtime is bounded by its parent's: `sched_setscheduler` fails
/// with EPERM in a container whose cgroup (or Docker's `/docker` parent) has 0, the default.
/// On each CPU the group's RT tasks run at most `rt_runtime_us` per `rt_period_us`; then they
/// are throttled until the period ends. cgroup v2 has no RT group scheduling: RT tasks are
/// bounded only by the host-wide `/proc/sys/kernel/sched_rt_runtime_us`.
public struct CgroupRealtimeBudget: Sendable, Equatable, Codable {
    /// Whether budgets exist per cgroup here.
    public enum GroupScheduling: String, Sendable, Codable {
        /// v1 `cpu` hierarchy with `cpu.rt_runtime_us`: budgets per cgroup.
        case present
        /// The `cpu` controller is on cgroup v2, which has no RT group scheduling.
        case absentCgroupV2 = "absent-cgroup-v2"
        /// v1 `cpu` hierarchy without `cpu.rt_runtime_us`: a kernel built without CONFIG_RT_GROUP_SCHED.
        case absentKernel = "absent-kernel"
    }

    /// One cgroup's budget.
    public struct Level: Sendable, Equatable, Codable {
        /// The cgroup path in the `cpu` hierarchy (`/docker/ID`, `/docker`, `/`).
        public var cgroupPath: String
        /// RT time allowed per period on each CPU, µs; -1 is unlimited (only the root may be).
        public var rtRuntimeMicroseconds: Int64
        /// The period, µs.
        public var rtPeriodMicroseconds: UInt64

        /// Creates a value from its fields.
        public init(cgroupPath: String, rtRuntimeMicroseconds: Int64, rtPeriodMicroseconds: UInt64) {
            self.cgroupPath = cgroupPath
            self.rtRuntimeMicroseconds = rtRuntimeMicroseconds
            self.rtPeriodMicroseconds = rtPeriodMicroseconds
        }

        /// The share of each CPU this level lets RT tasks use (runtime / period); 1 when unlimited.
        public var cpuFractionPerCPU: Double {
            guard rtRuntimeMicroseconds >= 0, rtPeriodMicroseconds > 0 else { return 1 }
            return min(1, Double(rtRuntimeMicroseconds) / Double(rtPeriodMicroseconds))
        }
    }

    /// Whether budgets exist per cgroup here.
    public var groupScheduling: GroupScheduling
    /// The cgroup's own budget first, then its parent's, up to the root (or the highest
    /// cgroup visible: inside a container only its own is mounted). Empty without group scheduling.
    public var levels: [Level]
    /// True when the mount shows only part of the tree (inside a container or a cgroup
    /// namespace): the ancestors' budgets are not readable from here.
    public var ancestorsHidden: Bool
    /// `/proc/sys/kernel/sched_rt_runtime_us`: RT time per period on each CPU for the whole host; -1 unlimited.
    public var hostRTRuntimeMicroseconds: Int64?
    /// `/proc/sys/kernel/sched_rt_period_us`.
    public var hostRTPeriodMicroseconds: UInt64?

    /// Creates a value from its fields.
    public init(
        groupScheduling: GroupScheduling, levels: [Level] = [], ancestorsHidden: Bool = false,
        hostRTRuntimeMicroseconds: Int64? = nil, hostRTPeriodMicroseconds: UInt64? = nil
    ) {
        self.groupScheduling = groupScheduling
        self.levels = levels
        self.ancestorsHidden = ancestorsHidden
        self.hostRTRuntimeMicroseconds = hostRTRuntimeMicroseconds
        self.hostRTPeriodMicroseconds = hostRTPeriodMicroseconds
    }

    /// The cgroup's own budget.
    public var own: Level? { levels.first }

    /// The levels with no RT time (runtime 0), the cgroup's own first: each one alone makes
    /// `sched_setscheduler(SCHED_FIFO)` fail with EPERM below it.
    public var levelsWithoutBudget: [Level] { levels.filter { $0.rtRuntimeMicroseconds == 0 } }

    /// The share of each CPU the tightest level lets this cgroup's RT tasks use; nil without group scheduling.
    public var cpuFractionPerCPU: Double? {
        guard groupScheduling == .present, !levels.isEmpty else { return nil }
        return levels.map(\.cpuFractionPerCPU).min()
    }

    /// Reads the budget of the `cpu` cgroup of `cgroups` and its ancestors, and the host's
    /// limits under `procRoot`.
    public static func read(
        layout: CgroupLayout, cgroups: ProcessCgroups, procRoot: String = "/proc",
        reader: KernelFileReader = KernelFileReader()
    ) throws(HostReadError) -> CgroupRealtimeBudget {
        let hostRuntime = try? reader.withContents(of: procRoot + "/sys/kernel/sched_rt_runtime_us") { bytes in
            var scanner = ByteScanner(bytes)
            return scanner.readInt64()
        }
        let hostPeriod = try? reader.withContents(of: procRoot + "/sys/kernel/sched_rt_period_us") { bytes in
            var scanner = ByteScanner(bytes)
            return scanner.readUInt64()
        }
        var budget = CgroupRealtimeBudget(
            groupScheduling: .absentCgroupV2, hostRTRuntimeMicroseconds: hostRuntime ?? nil,
            hostRTPeriodMicroseconds: hostPeriod ?? nil)
        guard let hierarchy = layout.hierarchies.first(where: { $0.controllers.contains("cpu") }),
            let membership = cgroups.memberships.first(where: { layout.hierarchy(of: $0) == hierarchy }),
            let ownDirectory = CgroupLayout.join(hierarchy, membership.path)
        else { return budget }
        guard access(ownDirectory + "/cpu.rt_runtime_us", F_OK) == 0 else {
            budget.groupScheduling = .absentKernel
            return budget
        }
        budget.groupScheduling = .present
        budget.ancestorsHidden = hierarchy.mountRoot != "/"
        var path = membership.path.isEmpty ? "/" : membership.path
        // Outside the mounted part of the tree the paths are not readable here.
        while let directory = CgroupLayout.join(hierarchy, path) {
            let runtime = try readInteger(directory + "/cpu.rt_runtime_us", reader: reader)
            let period = try readInteger(directory + "/cpu.rt_period_us", reader: reader)
            budget.levels.append(
                Level(cgroupPath: path, rtRuntimeMicroseconds: runtime, rtPeriodMicroseconds: UInt64(max(0, period))))
            // Stop at the top of what is mounted: above it the paths are not readable here.
            if path == "/" || path == hierarchy.mountRoot { break }
            path = parent(of: path)
        }
        return budget
    }

    private static func readInteger(_ path: String, reader: KernelFileReader) throws(HostReadError) -> Int64 {
        try reader.withContents(of: path) { bytes throws(HostReadError) in
            var scanner = ByteScanner(bytes)
            guard let value = scanner.readInt64() else { throw HostReadError(path: path, malformed: "not a number") }
            return value
        }
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
