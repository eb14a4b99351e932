/// The system state rebuilt while replaying a trace: threads, processes, containers, what runs
/// on each CPU, syscall names. Shared by every analysis of one replay.
///
/// Every stored property opts out of dynamic exclusivity checks: the replay loop touches them
/// for every event, the checks cost about a third of the loop, and a replay is single-threaded
/// with no overlapping accesses (static checking still applies).
public final class KernelState {
    @exclusivity(unchecked) public private(set) var threads: ContiguousArray<ThreadState> = []
    /// Thread index by tid (-1: unknown); sized to the largest tid seen.
    @exclusivity(unchecked) private var threadIndexByTID: ContiguousArray<Int32> = []
    /// Running thread index per CPU (-1: unknown).
    @exclusivity(unchecked) public private(set) var currentThread: ContiguousArray<Int32> = []
    @exclusivity(unchecked) public private(set) var containers: [ContainerState] = [.host]
    @exclusivity(unchecked) private var containerByPIDNamespace: [UInt64: Int32] = [:]
    /// The host's PID namespace inode, when the trace says it.
    @exclusivity(unchecked) public var hostPIDNamespace: UInt64 = 0
    @exclusivity(unchecked) public private(set) var syscallNames: [String] = []
    /// Per syscall index: opens a file (its return value is an fd), or is `close`.
    @exclusivity(unchecked) private(set) var syscallOpensFile: ContiguousArray<Bool> = []
    @exclusivity(unchecked) private(set) var syscallCloses: ContiguousArray<Bool> = []
    @exclusivity(unchecked) private var syscallIndexByName: [String: Int32] = [:]
    /// Process, container and vtid the statedump gave each tid, for threads a rescan saw after
    /// their fork (containers started during the trace): ftrace's fork event says neither
    /// whether the child is a thread or a process nor which PID namespace it entered.
    @exclusivity(unchecked) var statedumpIdentityByTID: [Int32: (pid: Int32, container: Int32, virtualTID: Int32)] = [:]
    /// Open file names per (pid, fd), from statedump and open/openat/close.
    @exclusivity(unchecked) var fileNames: [FileKey: String] = [:]
    @exclusivity(unchecked) public var firstTimestamp: UInt64 = 0
    @exclusivity(unchecked) public var lastTimestamp: UInt64 = 0
    @exclusivity(unchecked) public var lostEvents: UInt64 = 0
    @exclusivity(unchecked) public var eventCount: UInt64 = 0
    @exclusivity(unchecked) public var environment: [String: String] = [:]
    /// Offset that turns trace timestamps into Epoch nanoseconds (0 when they already are).
    @exclusivity(unchecked) public var epochOffsetNanoseconds: Int64 = 0

    struct FileKey: Hashable {
        var pid: Int32
        var fd: Int64
    }

    /// tids above this are treated as corrupt rather than sizing a table after them.
    static let maximumTID: Int32 = 1 << 22

    public init() {}

    public var cpuCount: Int { currentThread.count }

    func ensureCPU(_ cpu: Int) {
        if cpu >= currentThread.count, cpu < 4096 {
            currentThread.append(contentsOf: repeatElement(-1, count: cpu + 1 - currentThread.count))
        }
    }

    /// The current thread index of a tid, if known.
    @inline(__always)
    public func threadIndex(tid: Int32) -> Int32 {
        guard tid >= 0, Int(tid) < threadIndexByTID.count else { return -1 }
        return threadIndexByTID[Int(tid)]
    }

    /// The thread index of `tid`, creating the thread (in the host, its own process) if unseen.
    @inline(__always)
    func thread(tid: Int32, comm: () -> String) -> Int32 {
        let index = threadIndex(tid: tid)
        if index >= 0 { return index }
        return addThread(ThreadState(tid: tid, pid: tid, ppid: -1, comm: comm(), container: 0, virtualTID: tid))
    }

    @discardableResult
    func addThread(_ thread: ThreadState) -> Int32 {
        guard thread.tid >= 0, thread.tid <= Self.maximumTID else { return -1 }
        if Int(thread.tid) >= threadIndexByTID.count {
            let newCount = max(Int(thread.tid) + 1, threadIndexByTID.count * 2, 1024)
            threadIndexByTID.append(contentsOf: repeatElement(-1, count: newCount - threadIndexByTID.count))
        }
        threads.append(thread)
        let index = Int32(threads.count - 1)
        threadIndexByTID[Int(thread.tid)] = index
        return index
    }

    @inline(__always)
    /// Whether `thread` is on a CPU now (it was switched in on its last CPU and not switched out).
    func isRunning(_ thread: Int32) -> Bool {
        guard thread >= 0, Int(thread) < threads.count else { return false }
        let cpu = Int(threads[Int(thread)].lastCPU)
        return cpu >= 0 && cpu < currentThread.count && currentThread[cpu] == thread
    }

    func setCurrent(cpu: Int, thread: Int32) {
        if cpu >= 0, cpu < currentThread.count { currentThread[cpu] = thread }
    }

    func updateThread(_ index: Int32, _ update: (inout ThreadState) -> Void) {
        update(&threads[Int(index)])
    }

    /// Mutable access for the replayer's hot path.
    @inline(__always)
    func withThread<Result>(_ index: Int32, _ body: (inout ThreadState) -> Result) -> Result {
        body(&threads[Int(index)])
    }

    /// One field of a thread, without copying the thread (hot paths).
    @inline(__always)
    public func tid(of index: Int32) -> Int32 { threads.withUnsafeBufferPointer { $0[Int(index)].tid } }

    @inline(__always)
    public func priority(of index: Int32) -> Int32 { threads.withUnsafeBufferPointer { $0[Int(index)].priority } }

    @inline(__always)
    public func containerIndex(of index: Int32) -> Int32 {
        threads.withUnsafeBufferPointer { $0[Int(index)].container }
    }

    @inline(__always)
    func uninterruptibleSince(of index: Int32) -> UInt64 {
        threads.withUnsafeBufferPointer { $0[Int(index)].uninterruptibleSince }
    }

    public func container(of threadIndex: Int32) -> ContainerState {
        guard threadIndex >= 0 else { return .host }
        return containers[Int(threads[Int(threadIndex)].container)]
    }

    /// The container index of a PID namespace, adding an unnamed container the first time.
    func container(pidNamespace: UInt64) -> Int32 {
        if pidNamespace == 0 || pidNamespace == hostPIDNamespace { return 0 }
        if let index = containerByPIDNamespace[pidNamespace] { return index }
        containers.append(
            ContainerState(name: "pidns:\(pidNamespace)", runtime: "unknown", id: "", pidNamespace: pidNamespace))
        let index = Int32(containers.count - 1)
        containerByPIDNamespace[pidNamespace] = index
        return index
    }

    /// Names the container of a PID namespace (a container statedump event).
    func nameContainer(pidNamespace: UInt64, name: String, runtime: String, id: String) {
        guard pidNamespace != 0, pidNamespace != hostPIDNamespace else { return }
        let index = container(pidNamespace: pidNamespace)
        containers[Int(index)] = ContainerState(name: name, runtime: runtime, id: id, pidNamespace: pidNamespace)
    }

    func addContainer(_ container: ContainerState) -> Int32 {
        containers.append(container)
        let index = Int32(containers.count - 1)
        if container.pidNamespace != 0 { containerByPIDNamespace[container.pidNamespace] = index }
        return index
    }

    func syscallIndex(named name: String) -> Int32 {
        if let index = syscallIndexByName[name] { return index }
        syscallNames.append(name)
        syscallOpensFile.append(SyscallArguments.opensFile(name))
        syscallCloses.append(name == "close")
        let index = Int32(syscallNames.count - 1)
        syscallIndexByName[name] = index
        return index
    }

    /// Loads the statedump of a Periscope trace: threads with their containers.
    func load(_ statedump: Statedump) {
        var containerIndex: [Int: Int32] = [:]
        for (index, container) in statedump.containers.enumerated() {
            containerIndex[index] = addContainer(
                ContainerState(
                    name: container.name, runtime: container.runtime, id: container.id,
                    pidNamespace: container.pidNamespace))
        }
        for thread in statedump.threads {
            let container = thread.containerIndex.flatMap { containerIndex[$0] } ?? 0
            addThread(
                ThreadState(
                    tid: thread.tid, pid: thread.pid, ppid: thread.ppid, comm: Self.kernelComm(thread.comm),
                    container: container, virtualTID: thread.virtualTID))
            statedumpIdentityByTID[thread.tid] = (thread.pid, container, thread.virtualTID)
        }
    }

    /// A command name as events carry it: at most 15 bytes (TASK_COMM_LEN - 1). /proc shows
    /// longer names for kernel workers (`kworker/0:0-events`); statedumps are cut to match.
    static func kernelComm(_ name: String) -> String {
        name.utf8.count <= 15 ? name : String(decoding: name.utf8.prefix(15), as: UTF8.self)
    }

    /// Processes (thread groups) by pid, with the name of the group leader when known.
    public func processName(pid: Int32) -> String {
        let leader = threadIndex(tid: pid)
        return leader >= 0 ? threads[Int(leader)].comm : "?"
    }
}
