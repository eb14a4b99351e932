#if canImport(Glibc)
import Glibc
#endif
import LinuxHost
import Logging

/// Maps every process of the host to its container in one pass over /proc.
///
/// Per process it reads only `stat`, and the `ns/pid` link when no runtime claims the
/// process (to find unnamed PID-namespace containers). Cgroup paths come from one walk of a
/// cgroup hierarchy (`CgroupTreeIndex`), with `/proc/PID/cgroup` as the fallback. The full
/// picture (status, every namespace, every cgroup, command line) is read for each
/// container's init process, or for every process when `includeProcesses` is set.
public final class InventoryScanner {
    public let options: InventoryOptions
    private let procfs: Procfs
    private let logger: Logger
    /// The runtime rule each cgroup path matched, for the paths of this scan and the previous
    /// one: a host has few distinct paths at a time, but every container that comes and goes
    /// adds its own, so paths no scan saw since the last one are forgotten (2,000 churned
    /// containers grew a never-pruned memo by their 2,000 paths).
    private var pathMatches: [String: CgroupPathMatch?] = [:]
    private var previousPathMatches: [String: CgroupPathMatch?] = [:]
    /// Each distinct /proc/PID/cgroup content of the current scan, parsed and classified once.
    /// The processes of a host share a few dozen cgroup sets, and parsing one (an array and
    /// strings per line) plus matching its paths cost about as much CPU as the kernel spends
    /// producing it (docs/performance.md). Keyed by the bytes, not a String, so contents that
    /// differ only in invalid or canonically equivalent UTF-8 stay apart.
    private var cgroupSets: [FileBytes: (cgroups: ProcessCgroups, match: CgroupPathMatch?)] = [:]
    /// The cgroup mounts, re-parsed only when the mount table changes (scanners that are
    /// reused, as top's, would otherwise spend a sixth of a scan on mountinfo).
    private var mountInfoWatch: MountInfoWatch?
    private var layout: CgroupLayout?
    /// What was read of each container's init process, kept while that process lives: its
    /// namespaces, cgroups and NSpid do not change, and re-reading them was a fifth of a scan.
    private var initDetails: [ContainerKey: InitProcessDetails] = [:]
    /// The pid namespace of each process read in earlier scans: it is fixed for a process's
    /// life, and the readlinks of every host process were 4 % of top's samples.
    private var pidNamespaces: [ProcessIdentity: UInt64] = [:]

    public init(options: InventoryOptions = InventoryOptions(), logger: Logger = Logger(label: "periscope.inventory")) {
        self.options = options
        self.procfs = Procfs(root: options.procRoot)
        self.logger = logger
    }

    /// Scans the host. Never throws for a single process: vanished processes are counted,
    /// unreadable ones become warnings.
    public func scan() throws(HostReadError) -> InventorySnapshot {
        cgroupSets.removeAll(keepingCapacity: true)
        swap(&pathMatches, &previousPathMatches)
        pathMatches.removeAll(keepingCapacity: true)
        var warnings: [InventoryWarning] = []
        let hostNamespaces = readHostNamespaces(warnings: &warnings)
        let layout = currentLayout()
        if layout?.isNamespaceRootUnknown == true, seesTheHostsProcesses {
            warnings.append(Self.privateCgroupNamespaceWarning)
        }
        let treeIndex = buildTreeIndex(layout)
        let pids = try procfs.processIDs()
        var processes: [InventoryProcess] = []
        processes.reserveCapacity(pids.count)
        var matches: [ContainerKey: CgroupPathMatch] = [:]
        var vanished = 0
        var namespaceDeniedPIDs: [Int32] = []
        var seenPIDNamespaces: [ProcessIdentity: UInt64] = [:]
        defer { pidNamespaces = seenPIDNamespaces }

        for pid in pids {
            let task = TaskID(pid: pid)
            do {
                let stat = try procfs.stat(task)
                let match: CgroupPathMatch?
                if let path = treeIndex?.pathByPID[pid] {
                    match = classify(path: path)
                } else {
                    match = try readCgroups(task, isExited: stat.state == .zombie || stat.state.rawValue == "X").match
                }
                var pidNamespace: UInt64?
                let identity = ProcessIdentity(pid: pid, startTimeTicks: stat.startTimeTicks)
                if let known = pidNamespaces[identity], match == nil || options.includeProcesses {
                    pidNamespace = known
                    seenPIDNamespaces[identity] = known
                } else if match == nil || options.includeProcesses {
                    do {
                        pidNamespace = try procfs.namespaceInode(task, .pid)
                        seenPIDNamespaces[identity] = pidNamespace
                    } catch  where error.isPermissionDenied {
                        namespaceDeniedPIDs.append(pid)
                    } catch  where error.isVanished {
                        // A zombie keeps its /proc directory but loses its namespace links.
                    }
                }
                let key: ContainerKey
                if let match {
                    key = match.key
                    matches[key] = matches[key] ?? match
                } else if let pidNamespace, let hostPID = hostNamespaces[.pid], pidNamespace != hostPID {
                    key = ContainerKey(runtime: .pidNamespace, id: "pidns-\(pidNamespace)")
                } else {
                    key = .host
                }
                var process = InventoryProcess(
                    pid: pid, startTimeTicks: stat.startTimeTicks, parentPID: stat.parentPID, comm: stat.comm,
                    state: stat.state, container: key, pidNamespace: pidNamespace,
                    userTimeTicks: stat.userTimeTicks, systemTimeTicks: stat.systemTimeTicks)
                if options.includeProcesses {
                    process.namespacePIDs = try procfs.status(task).namespacePIDs
                    process.commandLine = try procfs.commandLine(task)
                }
                processes.append(process)
            } catch  where error.isVanished && !procfs.processExists(pid) {
                vanished += 1
            } catch {
                warnings.append(InventoryWarning(pid: pid, message: error.description))
            }
        }
        if !namespaceDeniedPIDs.isEmpty {
            warnings.append(Self.namespacePermissionWarning(deniedPIDs: namespaceDeniedPIDs, total: pids.count))
        }

        let grouped = Dictionary(grouping: processes, by: \.container)
        var runtimeMetadata = loadRuntimeMetadata(for: Set(grouped.keys), warnings: &warnings)
        var containers: [Container] = []
        let hostCgroups = (try? procfs.cgroups(TaskID(pid: 1))).map { layout?.hostView(of: $0) ?? $0 }
        var host = describeHost(namespaces: hostNamespaces, members: grouped[.host] ?? [], cgroups: hostCgroups)
        for (key, members) in grouped where !key.isHost {
            let container = describe(
                key, members: members, match: matches[key], metadata: runtimeMetadata.removeValue(forKey: key),
                hostNamespaces: hostNamespaces, vanished: &vanished)
            containers.append(container)
        }
        host.hostname = HostSystem.hostname
        initDetails = initDetails.filter { grouped[$0.key] != nil }
        containers.sort { ($0.runtime.rawValue, $0.displayName, $0.id) < ($1.runtime.rawValue, $1.displayName, $1.id) }
        return InventorySnapshot(
            hostname: HostSystem.hostname, kernelRelease: HostSystem.kernelRelease,
            cgroupMode: layout?.mode ?? .unified, host: host, containers: containers,
            processes: processes,
            vanishedProcessCount: vanished, scannedProcessCount: pids.count, warnings: warnings)
    }

    private func currentLayout() -> CgroupLayout? {
        let path = "\(options.procRoot)/self/mountinfo"
        if mountInfoWatch?.path != path { mountInfoWatch = try? MountInfoWatch(path: path) }
        guard let watch = mountInfoWatch else {
            layout = try? CgroupLayout.read(mountInfoPath: path, reader: procfs.reader)
            return layout
        }
        if let text = try? watch.textIfChanged(reader: procfs.reader) {
            layout = CgroupLayout.fromMountInfo(text).resolvingCgroupNamespace(
                procRoot: options.procRoot, reader: procfs.reader)
        }
        return layout
    }

    /// The host's namespaces: PID 1's, or kthreadd's (kernel threads always live in the
    /// initial namespaces) when PID 1 is unreadable; as a last resort our own.
    private func readHostNamespaces(warnings: inout [InventoryWarning]) -> NamespaceSet {
        if let namespaces = try? procfs.namespaces(TaskID(pid: 1)), !namespaces.isEmpty { return namespaces }
        if let kthreadd = try? procfs.stat(TaskID(pid: 2)), kthreadd.comm == "kthreadd", kthreadd.parentPID == 0,
            let namespaces = try? procfs.namespaces(TaskID(pid: 2)), !namespaces.isEmpty
        {
            return namespaces
        }
        if let own = try? procfs.namespaces(TaskID(pid: getpid())) {
            warnings.append(
                InventoryWarning(
                    pid: 1,
                    message:
                        "cannot read the host's namespaces (PID 1, kthreadd): comparing against Periscope's own instead"
                ))
            return own
        }
        return NamespaceSet()
    }

    /// Whether this process is in the initial PID namespace (`PROC_PID_INIT_INO`), as on the
    /// host or in a `--pid=host` container: only then are there processes outside its own
    /// container to place.
    private var seesTheHostsProcesses: Bool {
        let inode = try? procfs.reader.withLinkTarget(of: "\(options.procRoot)/self/ns/pid") {
            NamespaceSet.parseLinkTarget($0)
        }
        return inode == .some(0xEFFF_FFFC)
    }

    /// From a container with its own cgroup namespace, the host's processes and cgroups can be
    /// placed only where the host's cgroup tree is mounted.
    static let privateCgroupNamespaceWarning = InventoryWarning(
        pid: nil,
        message:
            "Periscope runs in a private cgroup namespace and the host's cgroup tree is not mounted: "
            + "processes outside its own container cannot be placed by cgroup; run it with --cgroupns=host "
            + "or mount the host's /sys/fs/cgroup (-v /sys/fs/cgroup:/sys/fs/cgroup:ro)")

    /// Non-root users cannot read other users' ns links; root can be refused too (a security
    /// module, or a non-dumpable PID 1 in a sandbox). Either way say which and what it costs.
    static func namespacePermissionWarning(deniedPIDs: [Int32], total: Int) -> InventoryWarning {
        let examples = deniedPIDs.prefix(5).map(String.init).joined(separator: ", ")
        let fix =
            HostSystem.isRoot
            ? "refused even to root (a security module or a non-dumpable process)"
            : "run as root (CAP_SYS_PTRACE) to read them"
        return InventoryWarning(
            pid: nil,
            message:
                "pid namespace of \(deniedPIDs.count) of \(total) processes unreadable (\(examples)): \(fix); those are placed by cgroup only",
            isMinor: HostSystem.isRoot)
    }

    /// A task's cgroups and the runtime rule they match, parsed and matched once per distinct
    /// file content (what `procfs.cgroups` plus `classify` would give).
    /// An exited task (a zombie) is not cached: its v1 lines read "/" whatever the reader's
    /// cgroup namespace, the same bytes a live task at that namespace's root gives.
    private func readCgroups(
        _ task: TaskID, isExited: Bool = false
    ) throws(HostReadError) -> (cgroups: ProcessCgroups, match: CgroupPathMatch?) {
        let path = procfs.path(task, "cgroup")
        return try procfs.reader.withContents(of: path) { bytes throws(HostReadError) in
            let read = try ProcessCgroups.parse(bytes, path: path)
            if isExited {
                let cgroups = layout?.hostView(of: read, taskHasExited: true) ?? read
                return (cgroups, classify(cgroups))
            }
            let content = FileBytes(bytes)
            if let known = cgroupSets[content] { return known }
            let cgroups = layout?.hostView(of: read) ?? read
            let parsed = (cgroups: cgroups, match: classify(cgroups))
            cgroupSets[content] = parsed
            return parsed
        }
    }

    private func classify(_ cgroups: ProcessCgroups) -> CgroupPathMatch? {
        for path in cgroups.distinctPaths {
            if let match = classify(path: path) { return match }
        }
        return nil
    }

    /// The runtime rule one cgroup path matches, memoized across two scans (`pathMatches`).
    private func classify(path: String) -> CgroupPathMatch? {
        if let cached = pathMatches[path] { return cached }
        let match = previousPathMatches[path] ?? CgroupPathRules.match(path)
        pathMatches[path] = .some(match)
        return match
    }

    /// How many cgroup paths the classification memo holds (both generations), for tests.
    var memoizedPathCount: Int { Set(pathMatches.keys).union(previousPathMatches.keys).count }

    /// The cgroup index of the identity hierarchy, on the live /proc only; nil means read
    /// /proc/PID/cgroup per process.
    private func buildTreeIndex(_ layout: CgroupLayout?) -> CgroupTreeIndex? {
        guard options.indexCgroupsFromHierarchy, options.procRoot == "/proc", let hierarchy = layout?.identityHierarchy,
            hierarchy.namespaceRoot != nil
        else { return nil }
        let index = try? CgroupTreeIndex.build(
            mountPoint: hierarchy.mountPoint, mountRoot: hierarchy.mountRoot, reader: procfs.reader)
        logger.debug(
            "cgroup index: \(index?.cgroupCount ?? 0) cgroups, \(index?.pathByPID.count ?? 0) processes in \(hierarchy.mountPoint)"
        )
        return index
    }

    private func describeHost(
        namespaces: NamespaceSet, members: [InventoryProcess], cgroups: ProcessCgroups?
    ) -> Container {
        let command = (try? procfs.commandLine(TaskID(pid: 1)))?.first ?? members.first { $0.pid == 1 }?.comm
        return Container(
            key: .host, name: nil, image: nil, labels: [:], pod: nil, initPID: 1, initPIDInContainer: 1,
            initCommand: command, namespaces: namespaces, namespacesSharedWithHost: NamespaceKind.containerKinds,
            cgroups: cgroups, cgroupPath: "/", hostname: nil, networkMode: nil, processCount: members.count,
            metadataSource: .unavailable)
    }

    private func describe(
        _ key: ContainerKey, members: [InventoryProcess], match: CgroupPathMatch?, metadata: RuntimeMetadata?,
        hostNamespaces: NamespaceSet, vanished: inout Int
    ) -> Container {
        let initProcess = Self.initProcess(of: members, reportedPID: metadata?.reportedInitPID)
        let details =
            options.readInitProcesses
            ? initProcessDetails(key, initProcess, vanished: &vanished)
            : InitProcessDetails(
                identity: ProcessIdentity(pid: initProcess.pid, startTimeTicks: initProcess.startTimeTicks))
        var container = Container(
            key: key, name: metadata?.name ?? match?.nameFromPath, image: metadata?.image,
            labels: metadata?.labels ?? [:],
            pod: nil, initPID: initProcess.pid, initPIDInContainer: details.pidInContainer,
            initCommand: details.argv0 ?? initProcess.comm,
            namespaces: details.namespaces, namespacesSharedWithHost: [], cgroups: details.cgroups,
            cgroupPath: match.flatMap { match in
                details.cgroups?.distinctPaths.first { classify(path: $0)?.key == match.key }
            },
            hostname: nil, networkMode: metadata?.networkMode, processCount: members.count,
            metadataSource: metadata?.source ?? .unavailable)
        if let uid = match?.podUID {
            container.pod = PodIdentity(
                uid: uid, name: metadata?.podName, namespace: metadata?.podNamespace,
                qosClass: match?.podQoSClass, containerName: metadata?.kubernetesContainerName)
        }
        container.namespacesSharedWithHost = NamespaceKind.containerKinds.filter { kind in
            guard let mine = container.namespaces[kind] else { return false }
            return mine == hostNamespaces[kind]
        }
        if options.resolveHostnames {
            container.hostname =
                UTSHostname.read(procRoot: options.procRoot, pid: initProcess.pid) ?? metadata?.configuredHostname
        }
        return container
    }

    /// The init process's cgroups, NSpid, namespaces and argv[0]: from the previous scan when
    /// it is the same process (pid and start time), else read now and kept if complete.
    private func initProcessDetails(
        _ key: ContainerKey, _ initProcess: InventoryProcess, vanished: inout Int
    ) -> InitProcessDetails {
        let identity = ProcessIdentity(pid: initProcess.pid, startTimeTicks: initProcess.startTimeTicks)
        if let known = initDetails[key], known.identity == identity { return known }
        let task = TaskID(pid: initProcess.pid)
        var details = InitProcessDetails(
            identity: identity, cgroups: (try? procfs.cgroups(task)).map { layout?.hostView(of: $0) ?? $0 })
        do {
            details.pidInContainer = try procfs.status(task).namespacePIDs.last
            details.namespaces = try procfs.namespaces(task)
            if let argv0 = try procfs.commandLine(task).first, !argv0.isEmpty { details.argv0 = argv0 }
            if details.cgroups != nil { initDetails[key] = details }
        } catch {
            if error.isVanished { vanished += 1 }
        }
        return details
    }

    /// The container's first process: one whose parent is outside the container (its init,
    /// or a process `docker exec` started), earliest started; the runtime's word wins when
    /// it names a member.
    static func initProcess(of members: [InventoryProcess], reportedPID: Int32?) -> InventoryProcess {
        if let reportedPID, let reported = members.first(where: { $0.pid == reportedPID }) { return reported }
        let memberPIDs = Set(members.map(\.pid))
        let roots = members.filter { !memberPIDs.contains($0.parentPID) }
        let candidates = roots.isEmpty ? members : roots
        return candidates.min { ($0.startTimeTicks, $0.pid) < ($1.startTimeTicks, $1.pid) }!
    }

    private func loadRuntimeMetadata(
        for keys: Set<ContainerKey>, warnings: inout [InventoryWarning]
    ) -> [ContainerKey: RuntimeMetadata] {
        guard options.queryRuntimes else { return [:] }
        var result: [ContainerKey: RuntimeMetadata] = [:]
        if keys.contains(where: { $0.runtime == .docker }) {
            let docker = DockerMetadata.load(socketPath: options.dockerSocket, dataRoot: options.dockerDataRoot)
            if let problem = docker.problem {
                let fallback =
                    docker.source == .stateFiles
                    ? "names read from \(options.dockerDataRoot)/containers instead" : "no names available"
                warnings.append(
                    InventoryWarning(pid: nil, message: "Docker Engine API unavailable (\(problem)); \(fallback)"))
            }
            for (id, metadata) in docker.containers { result[ContainerKey(runtime: .docker, id: id)] = metadata }
        }
        for key in keys where key.runtime == .containerd || key.runtime == .crio {
            if let metadata = OCIBundleMetadata.load(
                containerID: key.id, taskRoot: options.containerdTaskRoot,
                crioStorageRoot: options.crioStorageRoot)
            {
                result[key] = metadata
            }
        }
        if keys.contains(where: { $0.runtime == .podman }) {
            for (id, metadata) in PodmanMetadata.load(storagePath: options.podmanStorage) {
                result[ContainerKey(runtime: .podman, id: id)] = metadata
            }
        }
        return result
    }
}

/// What `describe` reads of a container's init process that stays the same for its life.
private struct InitProcessDetails {
    var identity: ProcessIdentity
    var cgroups: ProcessCgroups? = nil
    var pidInContainer: Int32?
    var namespaces = NamespaceSet()
    var argv0: String?
}

/// A file's bytes as a dictionary key: equal when the bytes are, hashed in one pass
/// (`[UInt8]` feeds the hasher a byte at a time, which showed in the scan's profile).
private struct FileBytes: Hashable {
    let bytes: [UInt8]

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = [UInt8](bytes) }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
