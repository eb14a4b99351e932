import ContainerInventory
import LinuxHost

/// Which threads `--container` keeps: every thread of the named containers' processes,
/// re-resolved at each rescan so `docker exec` processes (not children of a traced task,
/// so not caught by event-fork) are added too.
public final class ContainerThreadFilter {
    public let queries: [String]
    public private(set) var containers: [Container] = []
    private var keys: Set<ContainerKey> = []
    private var knownTIDs: Set<Int32> = []
    private let procfs: Procfs

    public init(queries: [String], procRoot: String = "/proc") {
        self.queries = queries
        self.procfs = Procfs(root: procRoot)
    }

    /// Resolves the queries (the first time) and returns threads not returned before.
    public func newThreads(in snapshot: InventorySnapshot) throws(ContainerMatchError) -> [Int32] {
        if containers.isEmpty {
            for query in queries {
                switch ContainerMatcher.resolve(query, in: snapshot) {
                case .success(let container):
                    containers.append(container)
                    keys.insert(container.key)
                case .failure(let failure):
                    throw failure
                }
            }
        }
        var fresh: [Int32] = []
        for process in snapshot.processes where keys.contains(process.container) {
            for tid in (try? procfs.threadIDs(of: process.pid)) ?? [process.pid] where knownTIDs.insert(tid).inserted {
                fresh.append(tid)
            }
        }
        return fresh
    }

    /// The containers to store in the metadata, by key and name.
    public var filteredContainers: [FilteredContainer] { containers.map { FilteredContainer($0) } }

    /// Resolves `queries` and limits `session` to their threads; nil when there are none.
    static func install(
        _ queries: [String], on session: TraceSession, scanner: InventoryScanner
    ) throws(TraceCaptureError) -> ContainerThreadFilter? {
        guard !queries.isEmpty else { return nil }
        let filter = ContainerThreadFilter(queries: queries, procRoot: scanner.options.procRoot)
        let snapshot: InventorySnapshot
        do { snapshot = try scanner.scan() } catch { throw .inventory(error) }
        let tids: [Int32]
        do { tids = try filter.newThreads(in: snapshot) } catch { throw .container(error) }
        do { try session.setPIDFilter(tids) } catch { throw .tracefs(error) }
        return filter
    }
}
