import ContainerInventory
import LinuxHost

/// Reads every thread of the host with its namespaces, cgroups and container, using the
/// inventory for container identity. Keeps what it has seen so later rescans add only new
/// threads and containers (`rescan`).
public final class StatedumpCollector {
    private let scanner: InventoryScanner
    private let procfs: Procfs
    private var seenThreads: Set<ThreadKey> = []
    private var seenContainers: Set<ContainerKey> = []
    private var seenPIDs: Set<Int32> = []

    private struct ThreadKey: Hashable {
        var tid: Int32
        var startTimeTicks: UInt64
    }

    public init(inventory: InventoryScanner) {
        self.scanner = inventory
        self.procfs = Procfs(root: inventory.options.procRoot)
    }

    /// The full dump at the start of a trace.
    public func initialDump(
        at timestampNs: UInt64
    ) throws(HostReadError) -> (statedump: RecordedStatedump, inventory: InventorySnapshot) {
        let snapshot = try scanner.scan()
        var dump = RecordedStatedump(
            takenAtNs: timestampNs, hostNamespaces: Self.namespaceDictionary(snapshot.host.namespaces))
        add(snapshot, at: timestampNs, to: &dump)
        return (dump, snapshot)
    }

    /// Threads and containers that appeared since the last dump, appended to `dump`.
    /// Returns the number of new threads.
    @discardableResult
    public func rescan(
        at timestampNs: UInt64, into dump: inout RecordedStatedump
    ) throws(HostReadError) -> (newThreads: Int, inventory: InventorySnapshot) {
        let snapshot = try scanner.scan()
        let before = dump.threads.count
        add(snapshot, at: timestampNs, to: &dump)
        return (dump.threads.count - before, snapshot)
    }

    private func add(_ snapshot: InventorySnapshot, at timestampNs: UInt64, to dump: inout RecordedStatedump) {
        for container in snapshot.containers where seenContainers.insert(container.key).inserted {
            dump.containers.append(
                RecordedContainer(
                    key: container.key, runtime: container.runtime.rawValue, id: container.id,
                    name: container.name,
                    image: container.image, pidNamespace: container.namespaces[.pid],
                    namespaces: Self.namespaceDictionary(container.namespaces),
                    cgroupPath: container.cgroupPath, firstSeenNs: timestampNs))
        }
        for process in snapshot.processes {
            seenPIDs.insert(process.pid)
            addThreads(
                of: process.pid, container: process.container.isHost ? nil : process.container,
                at: timestampNs, to: &dump)
        }
    }

    /// Reads the processes that appeared since the last scan without a full inventory scan
    /// (a few reads each): their container is the known one whose cgroup path one of their
    /// cgroup paths equals or lies under. Run right before tracing starts, it narrows the
    /// gap between the dump's listing of /proc and the first event to one listing: a process
    /// forked in that gap and gone before the rescan would otherwise have no context.
    /// Returns the processes added.
    @discardableResult
    public func catchUp(at timestampNs: UInt64, into dump: inout RecordedStatedump) -> Int {
        guard let pids = try? procfs.processIDs() else { return 0 }
        let containerPaths = dump.containers.compactMap { container in
            container.cgroupPath.map { (path: $0, key: container.key) }
        }
        var added = 0
        for pid in pids where seenPIDs.insert(pid).inserted {
            let paths = (try? procfs.cgroups(TaskID(pid: pid)))?.distinctPaths ?? []
            let container = containerPaths.first { known in
                paths.contains { $0 == known.path || $0.hasPrefix(known.path + "/") }
            }?.key
            addThreads(of: pid, container: container, at: timestampNs, to: &dump)
            added += 1
        }
        return added
    }

    private func addThreads(
        of pid: Int32, container containerKey: ContainerKey?, at timestampNs: UInt64, to dump: inout RecordedStatedump
    ) {
        let tids = (try? procfs.threadIDs(of: pid)) ?? [pid]
        for tid in tids {
            let task = TaskID(pid: pid, tid: tid)
            do {
                let stat = try procfs.stat(task)
                guard seenThreads.insert(ThreadKey(tid: tid, startTimeTicks: stat.startTimeTicks)).inserted else {
                    continue
                }
                let status = try procfs.status(task)
                let namespaces = (try? procfs.namespaces(task)) ?? NamespaceSet()
                let cgroups =
                    (try? procfs.cgroups(task))?.memberships.map {
                        "\($0.hierarchyID):\($0.controllers.joined(separator: ",")):\($0.path)"
                    } ?? []
                dump.threads.append(
                    RecordedThread(
                        tid: tid, pid: pid, ppid: status.parentPID, comm: stat.comm,
                        namespaceTIDs: status.namespacePIDs, namespacePIDs: status.namespaceThreadGroupIDs,
                        namespaces: Self.namespaceDictionary(namespaces), cgroups: cgroups,
                        container: containerKey, seenAtNs: timestampNs))
            } catch  where error.isVanished {
                dump.vanishedThreadCount += 1
            } catch {
                continue
            }
        }
    }

    static func namespaceDictionary(_ set: NamespaceSet) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        for kind in set.kinds { result[kind.rawValue] = set[kind] }
        return result
    }
}
