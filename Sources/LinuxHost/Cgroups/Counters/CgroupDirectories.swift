/// The directory of one cgroup in each hierarchy that holds a controller Periscope reads.
///
/// On a v1 host each controller has its own mount (here `cpu` and `cpuacct` are separate
/// mounts, elsewhere joined as `cpu,cpuacct`); on v2 all of them are the same directory.
/// runc also places every container in the cgroup2 hierarchy of a v1 host, whose
/// `*.pressure` files give per-container PSI: `unified` points there.
public struct CgroupDirectories: Sendable, Hashable, Codable {
    /// A controller's directory and the cgroup version of its files.
    public struct Location: Sendable, Hashable, Codable {
        /// The directory.
        public var path: String
        /// True for cgroup v2 file names and formats.
        public var isUnified: Bool

        /// Creates a value from its fields.
        public init(path: String, isUnified: Bool) {
            self.path = path
            self.isUnified = isUnified
        }
    }

    /// The `cpu` controller (v1 `cpu.stat`, quota, shares; v2 `cpu.*`).
    public var cpu: Location?
    /// v1 only: on v2 the `cpu` directory's `cpu.stat` has the usage.
    public var cpuacct: Location?
    /// The `cpuset` controller.
    public var cpuset: Location?
    /// The `memory` controller.
    public var memory: Location?
    /// v1 `blkio` or the v2 directory (`io.*`).
    public var io: Location?
    /// The `pids` controller.
    public var pids: Location?
    /// The cgroup2 directory, for PSI (`*.pressure`), when cgroup2 is mounted.
    public var unified: String?

    /// Creates a value from its fields.
    public init(
        cpu: Location? = nil, cpuacct: Location? = nil, cpuset: Location? = nil, memory: Location? = nil,
        io: Location? = nil, pids: Location? = nil, unified: String? = nil
    ) {
        self.cpu = cpu
        self.cpuacct = cpuacct
        self.cpuset = cpuset
        self.memory = memory
        self.io = io
        self.pids = pids
        self.unified = unified
    }

    /// The directories of a task's cgroups (from `/proc/PID/cgroup`).
    public init(layout: CgroupLayout, cgroups: ProcessCgroups) {
        func location(_ controller: String) -> Location? {
            guard let path = layout.directory(forController: controller, of: cgroups) else { return nil }
            let isV1 = layout.hierarchies.contains { $0.controllers.contains(controller) }
            return Location(path: path, isUnified: !isV1)
        }
        cpu = location("cpu")
        let cpuacctLocation = location("cpuacct")
        cpuacct = cpuacctLocation?.isUnified == false ? cpuacctLocation : nil
        cpuset = location("cpuset")
        memory = location("memory")
        io = location("blkio")
        pids = location("pids")
        unified = layout.unifiedDirectory(of: cgroups)
    }

    /// The directories of the cgroup at `cgroupPath` in every hierarchy: runtimes using the
    /// cgroupfs driver (`/docker/ID`) and systemd (`/system.slice/docker-ID.scope`) both use
    /// the same path in every hierarchy they create.
    public init(layout: CgroupLayout, cgroupPath: String) {
        var memberships: [CgroupMembership] = []
        for (index, hierarchy) in layout.hierarchies.enumerated() {
            memberships.append(
                CgroupMembership(
                    hierarchyID: hierarchy.isUnified ? 0 : index + 1, controllers: hierarchy.controllers,
                    path: cgroupPath))
        }
        self.init(layout: layout, cgroups: ProcessCgroups(memberships: memberships))
    }
}
