#if canImport(Glibc)
import Glibc
#endif
import ContainerInventory
import LinuxHost

/// Which container a task counted by a BPF program belongs to, from what the kernel side
/// recorded: its cgroup v2 id, and its process (or thread) id.
///
/// The cgroup id comes first: it is the inode of the task's directory in the unified
/// hierarchy, which outlives the task, so a short-lived process is still attributed after it
/// exits. Each container's unified directory and the directories below it are indexed by
/// inode. A task in no container cgroup is resolved through /proc (its process's entry in the
/// inventory), which also covers pure cgroup v1 hosts, where every task has the root's id; a
/// task that exited there is reported as exited.
package final class TaskContainerResolver {
    /// Where a task was found.
    package enum Owner: Hashable, Sendable {
        case container(Container)
        /// The task exited before it could be resolved, outside any known container cgroup.
        case exited

        package static func == (lhs: Owner, rhs: Owner) -> Bool { lhs.key == rhs.key }
        package func hash(into hasher: inout Hasher) { hasher.combine(key) }

        /// The container's key; nil for an exited task.
        package var key: ContainerKey? {
            if case .container(let container) = self { return container.key }
            return nil
        }

        /// The container's name (`host` for host processes), or `(exited)`.
        package var displayName: String {
            if case .container(let container) = self { return container.displayName }
            return "(exited)"
        }
    }

    let scanner: InventoryScanner
    let procfs: Procfs
    let layout: CgroupLayout?
    package private(set) var snapshot: InventorySnapshot
    var containerByPID: [Int32: ContainerKey] = [:]
    var containerByCgroupID: [UInt64: ContainerKey] = [:]
    /// Whether containers live in the unified hierarchy (v2 or hybrid with runc's `0::` path):
    /// then a cgroup id outside every container is the host's.
    var unifiedHoldsContainers = false
    var ownerByProcess: [Int32: Owner] = [:]
    /// Cgroup ids a rescan was already spent on.
    var checkedCgroupIDs: Set<UInt64> = []
    var lastRescanSeconds = TaskContainerResolver.monotonicSeconds()

    package init(scanner: InventoryScanner) throws(HostReadError) {
        self.scanner = scanner
        self.procfs = Procfs(root: scanner.options.procRoot)
        self.layout = try? CgroupLayout.read(mountInfoPath: "\(scanner.options.procRoot)/self/mountinfo")
        self.snapshot = try scanner.scan()
        index()
    }

    /// The owner of a task with this cgroup id and process (or thread) id. Rescans the
    /// inventory at most once per call of `beginRound()` when something is new.
    package func owner(cgroupID: UInt64, id: Int32, idIsThread: Bool) -> Owner {
        if let key = containerByCgroupID[cgroupID], !key.isHost {
            return .container(snapshot.container(key) ?? snapshot.host)
        }
        if !idIsThread, let known = ownerByProcess[id] { return known }
        // A cgroup id never seen before may be a new container's: rescan once for it. Ids that
        // stay unknown (the host's own cgroups) are remembered, or every read would rescan.
        if cgroupID != 0, containerByCgroupID[cgroupID] == nil, !rescanned, checkedCgroupIDs.insert(cgroupID).inserted {
            rescan()
            if let key = containerByCgroupID[cgroupID], !key.isHost {
                return .container(snapshot.container(key) ?? snapshot.host)
            }
        }
        var pid = id
        if idIsThread {
            guard let status = try? procfs.status(TaskID(pid: id)) else { return fallback(cgroupID) }
            pid = status.threadGroupID == 0 ? id : status.threadGroupID
        } else if !procfs.processExists(pid) {
            return fallback(cgroupID)
        }
        // New processes appear every second on a busy host: rescan for them at most every 10 s.
        if containerByPID[pid] == nil && !rescanned && Self.monotonicSeconds() - lastRescanSeconds >= 10 { rescan() }
        guard let key = containerByPID[pid] else { return fallback(cgroupID) }
        let owner = Owner.container(snapshot.container(key) ?? snapshot.host)
        ownerByProcess[pid] = owner
        return owner
    }

    /// The container key of a task (`ContainerKey.host` for the host's), nil for an exited one:
    /// `owner(...)`'s answer without looking the container up, for callers that only key by it
    /// (the agent's histograms, every key every interval).
    package func containerKey(cgroupID: UInt64, id: Int32, idIsThread: Bool) -> ContainerKey? {
        if let key = containerByCgroupID[cgroupID], !key.isHost { return key }
        return owner(cgroupID: cgroupID, id: id, idIsThread: idIsThread).key
    }

    var rescanned = false

    /// Allows one more inventory rescan (call once per read of the map).
    package func beginRound() { rescanned = false }

    private func fallback(_ cgroupID: UInt64) -> Owner {
        unifiedHoldsContainers && cgroupID != 0 ? .container(snapshot.host) : .exited
    }

    private func rescan() {
        rescanned = true
        lastRescanSeconds = Self.monotonicSeconds()
        guard let fresh = try? scanner.scan() else { return }
        snapshot = fresh
        index()
    }

    static func monotonicSeconds() -> Double { SystemClock.monotonic.seconds() }

    private func index() {
        containerByPID = Dictionary(
            snapshot.processes.map { ($0.pid, $0.container) }, uniquingKeysWith: { first, _ in first })
        ownerByProcess.removeAll(keepingCapacity: true)
        guard let layout else { return }
        var byCgroupID: [UInt64: ContainerKey] = [:]
        for container in snapshot.containers {
            guard let cgroups = container.cgroups, let directory = layout.unifiedDirectory(of: cgroups),
                cgroups.unifiedPath.map({ $0 != "/" }) ?? false
            else { continue }
            Self.indexDirectory(directory, as: container.key, depth: 0, into: &byCgroupID)
        }
        unifiedHoldsContainers = !byCgroupID.isEmpty
        containerByCgroupID = byCgroupID
    }

    /// Maps the inode of `directory` and of its subdirectories (a container's own sub-cgroups)
    /// to `key`; bounded in depth, directories are not followed through links.
    static func indexDirectory(
        _ directory: String, as key: ContainerKey, depth: Int, into map: inout [UInt64: ContainerKey]
    ) {
        var info = stat()
        guard depth <= 4, lstat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return }
        map[UInt64(info.st_ino)] = key
        for name in DirectoryEntries.names(in: directory, .directories) ?? [] {
            indexDirectory("\(directory)/\(name)", as: key, depth: depth + 1, into: &map)
        }
    }
}
