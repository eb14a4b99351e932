/// Where the cgroup hierarchies are mounted, and how to turn a task's cgroup membership
/// into a directory: one API over cgroup v1, v2 and hybrid hosts.
public struct CgroupLayout: Sendable, Equatable {
    /// How the host mounts cgroups.
    public enum Mode: String, Sendable, Codable {
        /// Only v1 hierarchies (possibly with an empty v2 mount beside, as runc uses for PSI).
        case legacy
        /// v1 controllers plus a v2 hierarchy that also has members (systemd's "hybrid").
        case hybrid
        /// Only cgroup v2.
        case unified
    }

    /// A mounted hierarchy.
    public struct Hierarchy: Sendable, Equatable {
        /// v1 controllers (`cpu`, `cpuacct`, `name=systemd`); empty for v2.
        public var controllers: [String]
        /// Where it is mounted, relative to the filesystem root Periscope reads.
        public var mountPoint: String
        /// The cgroup that is the root of this mount (not "/" inside a cgroup namespace).
        public var mountRoot: String
        public var isUnified: Bool { controllers.isEmpty }
    }

    public var hierarchies: [Hierarchy]

    public init(hierarchies: [Hierarchy]) { self.hierarchies = hierarchies }

    /// Reads the layout from a mountinfo file. `sysRoot` prefixes mount points so fixture
    /// trees can stand in for the real /sys/fs/cgroup.
    public static func read(
        mountInfoPath: String = "/proc/self/mountinfo", rootPrefix: String = "",
        reader: KernelFileReader = KernelFileReader()
    ) throws(HostReadError) -> CgroupLayout {
        let text = try reader.string(of: mountInfoPath)
        return fromMountInfo(text, rootPrefix: rootPrefix)
    }

    /// Builds the layout from mountinfo text. A hierarchy mounted twice keeps its first mount.
    public static func fromMountInfo(_ text: String, rootPrefix: String = "") -> CgroupLayout {
        var hierarchies: [Hierarchy] = []
        var seenControllers = Set<[String]>()
        for entry in MountInfoEntry.parseAll(text) {
            let controllers: [String]
            switch entry.filesystemType {
            case "cgroup2":
                controllers = []
            case "cgroup":
                controllers = entry.superOptions.filter { option in
                    option.hasPrefix("name=") || CgroupLayout.v1ControllerNames.contains(option)
                }.sorted()
            default:
                continue
            }
            guard seenControllers.insert(controllers).inserted else { continue }
            hierarchies.append(Hierarchy(controllers: controllers, mountPoint: rootPrefix + entry.mountPoint, mountRoot: entry.root))
        }
        return CgroupLayout(hierarchies: hierarchies)
    }

    /// The v1 controller names the kernel knows (mount options that are not controllers,
    /// such as `rw` or `nsdelegate`, are ignored).
    public static let v1ControllerNames: Set<String> = [
        "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "net_prio",
        "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc",
    ]

    /// The v2 hierarchy, if mounted.
    public var unified: Hierarchy? { hierarchies.first(where: \.isUnified) }

    /// Legacy, hybrid or unified, judged by which hierarchies hold controllers.
    public var mode: Mode {
        let hasV1Controllers = hierarchies.contains { !$0.isUnified && $0.controllers.contains { !$0.hasPrefix("name=") } }
        if !hasV1Controllers { return .unified }
        return unified == nil ? .legacy : .hybrid
    }

    /// The hierarchy that serves `controller`: a v1 hierarchy that has it, else v2.
    public func hierarchy(forController controller: String) -> Hierarchy? {
        hierarchies.first { $0.controllers.contains(controller) } ?? unified
    }

    /// The directory of a task's cgroup for `controller`, e.g. ("cpu", /docker/ID) ->
    /// /sys/fs/cgroup/cpu/docker/ID. Nil when that hierarchy is not mounted.
    public func directory(forController controller: String, of cgroups: ProcessCgroups) -> String? {
        if let v1 = hierarchies.first(where: { $0.controllers.contains(controller) }),
           let membership = cgroups.memberships.first(where: { hierarchy(of: $0) == v1 }) {
            return Self.join(v1, membership.path)
        }
        guard let unified, let path = cgroups.unifiedPath else { return nil }
        return Self.join(unified, path)
    }

    /// The mounted hierarchy a line of /proc/PID/cgroup belongs to (same controller set, or v2).
    public func hierarchy(of membership: CgroupMembership) -> Hierarchy? {
        if membership.isUnified { return unified }
        let controllers = membership.controllers.sorted()
        return hierarchies.first { !$0.isUnified && $0.controllers == controllers }
    }

    /// The directory in the v2 hierarchy, if both the mount and the membership exist.
    public func unifiedDirectory(of cgroups: ProcessCgroups) -> String? {
        guard let unified, let path = cgroups.unifiedPath else { return nil }
        return Self.join(unified, path)
    }

    /// Joins a cgroup path to the mount point, removing the mount root prefix (a mount of a
    /// sub-tree, as inside a container, exposes only paths below its root).
    public static func join(_ hierarchy: Hierarchy, _ cgroupPath: String) -> String {
        var relative = cgroupPath
        if hierarchy.mountRoot != "/", relative.hasPrefix(hierarchy.mountRoot) {
            relative = String(relative.dropFirst(hierarchy.mountRoot.count))
        }
        if relative.isEmpty || relative == "/" { return hierarchy.mountPoint }
        return hierarchy.mountPoint + (relative.hasPrefix("/") ? relative : "/" + relative)
    }
}
