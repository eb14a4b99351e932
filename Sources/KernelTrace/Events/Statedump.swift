/// Namespace inode numbers of a thread (as in `/proc/PID/ns/*` and LTTng's `*_ns` contexts);
/// 0 when unknown.
public struct NamespaceInodes: Sendable, Hashable, Codable {
    public var pid: UInt64 = 0
    public var mnt: UInt64 = 0
    public var net: UInt64 = 0
    public var uts: UInt64 = 0
    public var ipc: UInt64 = 0
    public var user: UInt64 = 0
    public var cgroup: UInt64 = 0
    public var time: UInt64 = 0

    public init() {}
}

/// The container a thread belonged to when the trace started.
public struct StatedumpContainer: Sendable, Hashable, Codable {
    /// Runtime name as `ContainerInventory` spells it (`docker`, `containerd`, `podman`, `lxc`, ...).
    public var runtime: String
    /// Full container id.
    public var id: String
    /// Human name (`docker ps` NAMES, pod/container for Kubernetes); may equal a short id.
    public var name: String
    /// Inode of the container's PID namespace (0 when it shares the host's).
    public var pidNamespace: UInt64

    public init(runtime: String, id: String, name: String, pidNamespace: UInt64) {
        self.runtime = runtime
        self.id = id
        self.name = name
        self.pidNamespace = pidNamespace
    }
}

/// One thread as it was when the trace started.
public struct StatedumpThread: Sendable, Hashable, Codable {
    public var tid: Int32
    /// Thread-group id (the process id) on the host.
    public var pid: Int32
    public var ppid: Int32
    /// `comm` (at most 15 bytes in the kernel).
    public var comm: String
    /// The thread's id in each nested PID namespace, outermost (host) first, as `NSpid:` in
    /// `/proc/PID/status`; `[tid]` for a host thread.
    public var namespacePIDs: [Int32]
    public var namespaces: NamespaceInodes
    /// `/proc/PID/cgroup` lines (`hierarchy-id:controllers:path`).
    public var cgroupPaths: [String]
    /// Index into `Statedump.containers`, nil for host threads.
    public var containerIndex: Int?

    public init(
        tid: Int32, pid: Int32, ppid: Int32, comm: String, namespacePIDs: [Int32] = [],
        namespaces: NamespaceInodes = NamespaceInodes(), cgroupPaths: [String] = [], containerIndex: Int? = nil
    ) {
        self.tid = tid
        self.pid = pid
        self.ppid = ppid
        self.comm = comm
        self.namespacePIDs = namespacePIDs.isEmpty ? [tid] : namespacePIDs
        self.namespaces = namespaces
        self.cgroupPaths = cgroupPaths
        self.containerIndex = containerIndex
    }

    /// The thread id inside its innermost PID namespace (`vtid`).
    public var virtualTID: Int32 { namespacePIDs.last ?? tid }
}

/// The system's threads and containers when the trace started: the LTTng process statedump and
/// the container statedump of "LTTng: the road to container awareness" (FOSDEM 2018) in one.
public struct Statedump: Sendable, Hashable, Codable {
    /// Trace-clock nanoseconds at which the dump was taken.
    public var timestamp: UInt64
    public var threads: [StatedumpThread]
    public var containers: [StatedumpContainer]

    public init(timestamp: UInt64 = 0, threads: [StatedumpThread] = [], containers: [StatedumpContainer] = []) {
        self.timestamp = timestamp
        self.threads = threads
        self.containers = containers
    }

    /// The container of a thread, if it had one.
    public func container(of thread: StatedumpThread) -> StatedumpContainer? {
        thread.containerIndex.flatMap { containers.indices.contains($0) ? containers[$0] : nil }
    }
}
