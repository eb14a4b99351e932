/// One thread as the replay knows it. PIDs are reused: a fork of a tid already seen starts a new
/// `ThreadState`, so a thread index identifies (tid, lifetime).
public struct ThreadState: Sendable {
    public var tid: Int32
    public var pid: Int32
    public var ppid: Int32
    public var comm: String
    /// Index in `KernelState.containers` (0 is the host).
    public var container: Int32
    /// Thread id inside its container's PID namespace, when known.
    public var virtualTID: Int32
    public var priority: Int32 = 20
    public var lastCPU: Int32 = -1

    // Scheduling: when it was last woken (0: not waiting), by whom, and since when it sleeps in D.
    public var wakeupTime: UInt64 = 0
    public var wakeupWaker: Int32 = -1
    public var uninterruptibleSince: UInt64 = 0

    // The syscall in progress: index in `KernelState.syscallNames` (-1: none) and its arguments.
    public var syscall: Int32 = -1
    public var syscallStart: UInt64 = 0
    public var syscallFD: Int64 = -1
    public var syscallCount: Int64 = -1
    public var syscallFile: String?

    public init(tid: Int32, pid: Int32, ppid: Int32, comm: String, container: Int32, virtualTID: Int32) {
        self.tid = tid
        self.pid = pid
        self.ppid = ppid
        self.comm = comm
        self.container = container
        self.virtualTID = virtualTID
    }
}

/// A container as the analyses group by it. Index 0 is always the host.
public struct ContainerState: Sendable, Hashable {
    public var name: String
    public var runtime: String
    public var id: String
    public var pidNamespace: UInt64

    public static let host = ContainerState(name: "[host]", runtime: "host", id: "", pidNamespace: 0)
}
