import ContainerInventory

/// Who was running at the start of a trace and in which container: the LTTng process
/// statedump (tid, pid, ppid, comm, nested PID-namespace ids) and the container-runtime
/// statedump of "LTTng: the road to container awareness" (FOSDEM 2018) in one document (statedump.json). Later forks, execs, renames and
/// exits come from the events; threads and containers that appear during the capture are
/// added by periodic rescans with the time they were first seen.
public struct RecordedStatedump: Sendable, Codable {
    /// CLOCK_MONOTONIC ns of the initial dump (the trace clock).
    public var takenAtNs: UInt64
    /// The host's (PID 1's) namespace inodes by kind (`pid`, `mnt`, ...).
    public var hostNamespaces: [String: UInt64]
    public var containers: [RecordedContainer]
    public var threads: [RecordedThread]
    /// Threads that exited while being read: normal, counted.
    public var vanishedThreadCount: Int

    public init(
        takenAtNs: UInt64, hostNamespaces: [String: UInt64], containers: [RecordedContainer] = [],
        threads: [RecordedThread] = [], vanishedThreadCount: Int = 0
    ) {
        self.takenAtNs = takenAtNs
        self.hostNamespaces = hostNamespaces
        self.containers = containers
        self.threads = threads
        self.vanishedThreadCount = vanishedThreadCount
    }
}

/// A container known to the trace (the host is not listed: a thread without one is the host's).
public struct RecordedContainer: Sendable, Codable, Equatable {
    /// What threads refer to; statedump.json spells it `runtime:id`, as traces always have.
    public var key: ContainerKey
    public var runtime: String
    public var id: String
    /// The runtime's name; nil when the runtime could not be asked.
    public var name: String?
    public var image: String?
    /// The PID namespace of its init process: LTTng's container statedump key.
    public var pidNamespace: UInt64?
    public var namespaces: [String: UInt64]
    public var cgroupPath: String?
    /// Trace-clock ns when the container was first seen (the dump time for the initial ones).
    public var firstSeenNs: UInt64

    /// The name to print: the runtime's name, else the short id.
    public var displayName: String { name ?? String(id.prefix(12)) }

    /// This container as `ContainerMatcher` names it (`trace dump --container`).
    public var matchCandidate: ContainerCandidate { ContainerCandidate(runtime: runtime, id: id, name: name) }
}

/// One thread as the statedump saw it.
public struct RecordedThread: Sendable, Codable, Equatable {
    public var tid: Int32
    /// The thread group id.
    public var pid: Int32
    public var ppid: Int32
    public var comm: String
    /// Its thread id at each PID-namespace level, host first (NSpid); the last is the vtid.
    public var namespaceTIDs: [Int32]
    /// Its thread group id at each level (NStgid); the last is the vpid.
    public var namespacePIDs: [Int32]
    /// Namespace inodes by kind.
    public var namespaces: [String: UInt64]
    /// `/proc/TID/cgroup` lines: `hierarchy:controllers:path`.
    public var cgroups: [String]
    /// The `key` of its container; nil for the host.
    public var container: ContainerKey?
    /// Trace-clock ns when first seen.
    public var seenAtNs: UInt64

    public var vtid: Int32 { namespaceTIDs.last ?? tid }
    public var vpid: Int32 { namespacePIDs.last ?? pid }
}
