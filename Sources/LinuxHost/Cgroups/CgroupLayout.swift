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
        /// The cgroup that is the root of this mount, in the host's view of the hierarchy
        /// ("/docker/ID" for a container's own mount seen from the host's cgroup namespace).
        public var mountRoot: String
        /// Where the reader's cgroup namespace root is in the host's view: "/" outside a cgroup
        /// namespace. `/proc/PID/cgroup` and mountinfo paths are relative to it. Nil when the
        /// reader is in a private cgroup namespace and the host's tree is not mounted: paths
        /// then stay relative to that namespace (see `resolvingCgroupNamespace`).
        public var namespaceRoot: String?
        public var isUnified: Bool { controllers.isEmpty }

        public init(controllers: [String], mountPoint: String, mountRoot: String, namespaceRoot: String? = "/") {
            self.controllers = controllers
            self.mountPoint = mountPoint
            self.mountRoot = mountRoot
            self.namespaceRoot = namespaceRoot
        }
    }

    public var hierarchies: [Hierarchy]

    public init(hierarchies: [Hierarchy]) { self.hierarchies = hierarchies }

    /// Reads the layout from a mountinfo file. `rootPrefix` prefixes mount points so fixture
    /// trees can stand in for the real /sys/fs/cgroup. A `PROC/self/mountinfo` path also
    /// places the reader's cgroup namespace in the host's view (`resolvingCgroupNamespace`).
    public static func read(
        mountInfoPath: String = "/proc/self/mountinfo", rootPrefix: String = "",
        reader: KernelFileReader = KernelFileReader()
    ) throws(HostReadError) -> CgroupLayout {
        let text = try reader.string(of: mountInfoPath)
        let layout = fromMountInfo(text, rootPrefix: rootPrefix)
        let suffix = "/self/mountinfo"
        guard mountInfoPath.hasSuffix(suffix) else { return layout }
        return layout.resolvingCgroupNamespace(procRoot: String(mountInfoPath.dropLast(suffix.count)), reader: reader)
    }

    /// Builds the layout from mountinfo text, keeping the mounts that are visible: a later
    /// mount at or above an earlier one's mount point hides it (a container run with
    /// `-v /sys:/sys` has its runtime's own cgroup mounts, rooted at its cgroup, listed first
    /// and hidden by the host's). A hierarchy visible at two places keeps the first.
    public static func fromMountInfo(_ text: String, rootPrefix: String = "") -> CgroupLayout {
        var visible: [(entry: MountInfoEntry, controllers: [String])] = []
        for entry in MountInfoEntry.parseAll(text) {
            visible.removeAll { isPath($0.entry.mountPoint, atOrBelow: entry.mountPoint) }
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
            visible.append((entry, controllers))
        }
        var hierarchies: [Hierarchy] = []
        var seenControllers = Set<[String]>()
        for (entry, controllers) in visible where seenControllers.insert(controllers).inserted {
            // A root above the reader's cgroup namespace ("/../..") says the namespace is private
            // and its place in the host is not known yet.
            let namespaceRoot: String? = CgroupPath.components(entry.root).first == ".." ? nil : "/"
            hierarchies.append(
                Hierarchy(
                    controllers: controllers, mountPoint: rootPrefix + entry.mountPoint,
                    mountRoot: entry.root, namespaceRoot: namespaceRoot))
        }
        return CgroupLayout(hierarchies: hierarchies)
    }

    /// Whether `path` is `ancestor` or below it, component-wise.
    static func isPath(_ path: String, atOrBelow ancestor: String) -> Bool {
        if ancestor == "/" { return true }
        return path == ancestor || path.hasPrefix(ancestor.hasSuffix("/") ? ancestor : ancestor + "/")
    }

    /// The v1 controller names the kernel knows (mount options that are not controllers,
    /// such as `rw` or `nsdelegate`, are ignored).
    public static let v1ControllerNames: Set<String> = [
        "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "net_prio",
        "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc"
    ]

    /// The v2 hierarchy, if mounted.
    public var unified: Hierarchy? { hierarchies.first(where: \.isUnified) }

    /// Legacy, hybrid or unified, judged by which hierarchies hold controllers.
    public var mode: Mode {
        let hasV1Controllers = hierarchies.contains {
            !$0.isUnified && $0.controllers.contains { !$0.hasPrefix("name=") }
        }
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
            let membership = cgroups.memberships.first(where: { hierarchy(of: $0) == v1 })
        {
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

    /// Joins a cgroup path to the mount point, removing the mount root prefix. Nil when the
    /// path is not below the mount root (a mount of a sub-tree, as a container's own, exposes
    /// only its sub-tree: the host's root cgroup is not the container's) or leaves the tree
    /// through "..".
    public static func join(_ hierarchy: Hierarchy, _ cgroupPath: String) -> String? {
        let components = CgroupPath.components(cgroupPath)
        let rootComponents = CgroupPath.components(hierarchy.mountRoot)
        guard !components.contains(".."), !rootComponents.contains(".."),
            components.starts(with: rootComponents)
        else { return nil }
        let relative = components.dropFirst(rootComponents.count)
        if relative.isEmpty { return hierarchy.mountPoint }
        return hierarchy.mountPoint + "/" + relative.joined(separator: "/")
    }
}
