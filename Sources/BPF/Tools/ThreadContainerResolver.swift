import ContainerInventory
import LinuxHost

/// Which container a thread id belongs to, for tools whose kernel side keys by thread.
///
/// A thread's container comes from its thread group's entry in the inventory (cgroup path →
/// container); /proc/TID/status gives the thread group of any thread, listed or not. Answers
/// are cached for the run: resolve threads soon after they appear (each read of the map), as
/// a thread that exited before it was resolved can only be reported as exited.
public final class ThreadContainerResolver {
    /// Where a thread was found.
    public enum Owner: Hashable, Sendable {
        case container(Container)
        /// The thread exited before it could be resolved.
        case exited

        public static func == (lhs: Owner, rhs: Owner) -> Bool { lhs.key == rhs.key }
        public func hash(into hasher: inout Hasher) { hasher.combine(key) }

        /// The container's key; nil for an exited thread.
        public var key: ContainerKey? {
            if case .container(let container) = self { return container.key }
            return nil
        }

        /// The container's name (`host` for host processes), or `(exited)`.
        public var displayName: String {
            if case .container(let container) = self { return container.displayName }
            return "(exited)"
        }
    }

    let scanner: InventoryScanner
    let procfs: Procfs
    public private(set) var snapshot: InventorySnapshot
    var containerByPID: [Int32: ContainerKey] = [:]
    var ownerByThread: [Int32: Owner] = [:]

    public init(scanner: InventoryScanner) throws(HostReadError) {
        self.scanner = scanner
        self.procfs = Procfs(root: scanner.options.procRoot)
        self.snapshot = try scanner.scan()
        index()
    }

    /// Resolves `threads`, rescanning the inventory at most once when a thread's process is new.
    public func owners(of threads: some Sequence<Int32>) -> [Int32: Owner] {
        var result: [Int32: Owner] = [:]
        var rescanned = false
        for tid in threads {
            if let known = ownerByThread[tid] {
                result[tid] = known
                continue
            }
            guard let status = try? procfs.status(TaskID(pid: tid)) else {
                result[tid] = .exited
                continue
            }
            let pid = status.threadGroupID == 0 ? tid : status.threadGroupID
            if containerByPID[pid] == nil && !rescanned, let fresh = try? scanner.scan() {
                snapshot = fresh
                index()
                rescanned = true
            }
            let key = containerByPID[pid] ?? .host
            let owner = Owner.container(snapshot.container(key) ?? snapshot.host)
            ownerByThread[tid] = owner
            result[tid] = owner
        }
        return result
    }

    private func index() {
        containerByPID = Dictionary(snapshot.processes.map { ($0.pid, $0.container) }, uniquingKeysWith: { first, _ in first })
    }
}
