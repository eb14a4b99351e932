import ContainerInventory
import LinuxHost

/// Reads every thread of the host with its namespaces, cgroups and container, using the
/// inventory for container identity. Keeps what it has seen so later rescans add only new
/// threads and containers (`rescan`).
public final class StatedumpCollector {
    private let scanner: InventoryScanner
    private let procfs: Procfs
    private var seenThreads: Set<ThreadKey> = []
    private var seenContainers: Set<String> = []

    private struct ThreadKey: Hashable {
        var tid: Int32
        var startTimeTicks: UInt64
    }

    public init(inventory: InventoryScanner) {
        self.scanner = inventory
        self.procfs = Procfs(root: inventory.options.procRoot)
    }

    /// The full dump at the start of a trace.
    public func initialDump(at timestampNs: UInt64) throws(HostReadError) -> (statedump: RecordedStatedump, inventory: InventorySnapshot) {
        let snapshot = try scanner.scan()
        var dump = RecordedStatedump(takenAtNs: timestampNs, hostNamespaces: Self.namespaceDictionary(snapshot.host.namespaces))
        add(snapshot, at: timestampNs, to: &dump)
        return (dump, snapshot)
    }

    /// Threads and containers that appeared since the last dump, appended to `dump`.
    /// Returns the number of new threads.
    @discardableResult
    public func rescan(at timestampNs: UInt64, into dump: inout RecordedStatedump) throws(HostReadError) -> (newThreads: Int, inventory: InventorySnapshot) {
        let snapshot = try scanner.scan()
        let before = dump.threads.count
        add(snapshot, at: timestampNs, to: &dump)
        return (dump.threads.count - before, snapshot)
    }

    private func add(_ snapshot: InventorySnapshot, at timestampNs: UInt64, to dump: inout RecordedStatedump) {
        for container in snapshot.containers where seenContainers.insert(container.key.description).inserted {
            dump.containers.append(RecordedContainer(
                key: container.key.description, runtime: container.runtime.rawValue, id: container.id, name: container.name,
                image: container.image, pidNamespace: container.namespaces[.pid], namespaces: Self.namespaceDictionary(container.namespaces),
                cgroupPath: container.cgroupPath, firstSeenNs: timestampNs))
        }
        for process in snapshot.processes {
            let tids = (try? procfs.threadIDs(of: process.pid)) ?? [process.pid]
            let containerKey = process.container.isHost ? nil : process.container.description
            for tid in tids {
                let task = TaskID(pid: process.pid, tid: tid)
                do {
                    let stat = try procfs.stat(task)
                    guard seenThreads.insert(ThreadKey(tid: tid, startTimeTicks: stat.startTimeTicks)).inserted else { continue }
                    let status = try procfs.status(task)
                    let namespaces = (try? procfs.namespaces(task)) ?? NamespaceSet()
                    let cgroups = (try? procfs.cgroups(task))?.memberships.map { "\($0.hierarchyID):\($0.controllers.joined(separator: ",")):\($0.path)" } ?? []
                    dump.threads.append(RecordedThread(
                        tid: tid, pid: process.pid, ppid: status.parentPID, comm: stat.comm,
                        namespaceTIDs: status.namespacePIDs, namespacePIDs: status.namespaceThreadGroupIDs,
                        namespaces: Self.namespaceDictionary(namespaces), cgroups: cgroups,
                        container: containerKey, seenAtNs: timestampNs))
                } catch where error.isVanished {
                    dump.vanishedThreadCount += 1
                } catch {
                    continue
                }
            }
        }
    }

    static func namespaceDictionary(_ set: NamespaceSet) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        for kind in set.kinds { result[kind.rawValue] = set[kind] }
        return result
    }
}
