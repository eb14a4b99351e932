import LinuxHost

/// Everything Periscope can say about one host PID: "who does PID 28321 belong to?".
public struct ProcessReport: Sendable, Codable {
    /// One cgroup hierarchy's path for the process, and where that is on disk.
    public struct CgroupEntry: Sendable, Codable {
        public var hierarchy: String
        public var path: String
        public var directory: String?
    }

    public var pid: Int32
    public var startTimeTicks: UInt64
    /// Seconds since the process started.
    public var ageSeconds: Double
    public var comm: String
    public var commandLine: [String]
    public var state: ProcessState
    public var parentPID: Int32
    public var threadCount: Int64
    /// The PID at each namespace level, host first; the last is the PID inside its container.
    public var namespacePIDs: [Int32]
    public var namespaces: NamespaceSet
    public var namespacesSharedWithHost: [NamespaceKind]
    public var cgroups: [CgroupEntry]
    /// The container, or the host pseudo-container.
    public var container: Container
    /// The hostname of the process's own UTS namespace.
    public var hostname: String?

    /// Reads the process and places it in `snapshot`'s containers.
    public static func build(
        pid: Int32, snapshot: InventorySnapshot, procRoot: String = "/proc"
    ) throws(HostReadError) -> ProcessReport {
        let procfs = Procfs(root: procRoot)
        let task = TaskID(pid: pid)
        let stat = try procfs.stat(task)
        let status = try procfs.status(task)
        let namespaces = try procfs.namespaces(task)
        let layout = try? CgroupLayout.read(mountInfoPath: "\(procRoot)/self/mountinfo", reader: procfs.reader)
        let read = try procfs.cgroups(task)
        let cgroups = layout?.hostView(of: read, taskHasExited: stat.state == .zombie) ?? read
        let commandLine = (try? procfs.commandLine(task)) ?? []
        let key =
            snapshot.processes.first { $0.pid == pid && $0.startTimeTicks == stat.startTimeTicks }?.container ?? .host
        let container = snapshot.container(key) ?? snapshot.host
        let shared = NamespaceKind.containerKinds.filter { kind in
            namespaces[kind] != nil && namespaces[kind] == snapshot.host.namespaces[kind]
        }
        let entries = cgroups.memberships.map { membership in
            CgroupEntry(
                hierarchy: membership.hierarchyLabel, path: membership.path,
                directory: layout?.hierarchy(of: membership).flatMap { CgroupLayout.join($0, membership.path) })
        }
        let ticks = Double(HostSystem.clockTicksPerSecond)
        return ProcessReport(
            pid: pid, startTimeTicks: stat.startTimeTicks,
            ageSeconds: max(0, HostSystem.uptimeSeconds - Double(stat.startTimeTicks) / ticks),
            comm: stat.comm, commandLine: commandLine, state: stat.state, parentPID: stat.parentPID,
            threadCount: stat.threadCount, namespacePIDs: status.namespacePIDs, namespaces: namespaces,
            namespacesSharedWithHost: shared, cgroups: entries, container: container,
            hostname: UTSHostname.read(procRoot: procRoot, pid: pid))
    }
}
