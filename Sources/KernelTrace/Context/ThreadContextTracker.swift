import ContainerInventory

/// The container and namespace context of each thread while a trace is replayed: starts from
/// the statedump, follows forks (the child inherits its parent's container and namespaces),
/// execs and renames (the comm), and uses the entries later rescans added for threads born
/// during the capture (which know the child's own vtid and PID namespace).
public final class ThreadContextTracker {
    /// What is known of one thread.
    public struct Context: Sendable, Equatable {
        public var tid: Int32
        public var pid: Int32
        /// Thread id in its own PID namespace; -1 when unknown (a child forked inside a
        /// container that exited before a rescan saw it).
        public var vtid: Int32
        public var vpid: Int32
        public var pidNamespace: UInt64
        /// A plain struct, so copying a context on the hot path costs no reference counting.
        public var namespaces: NamespaceInodes
        public var comm: String
        /// Index into `containers`; nil for the host.
        public var containerIndex: Int?
    }

    public let containers: [RecordedContainer]
    public let hostPIDNamespace: UInt64
    private var threads: [Int32: Context] = [:]
    private var lateThreads: [Int32: Context] = [:]
    private var forkClass = -1, forkParent = -1, forkChild = -1, forkChildComm = -1
    private var execClass = -1, execFilename = -1, execPID = -1
    private var renameClass = -1, renamePID = -1, renameNewComm = -1

    public init(statedump: RecordedStatedump, classes: EventClassTable) {
        containers = statedump.containers
        hostPIDNamespace = statedump.hostNamespaces["pid"] ?? 0
        var indexByKey: [ContainerKey: Int] = [:]
        for (index, container) in containers.enumerated() { indexByKey[container.key] = index }
        for thread in statedump.threads {
            let context = Context(
                tid: thread.tid, pid: thread.pid, vtid: thread.vtid, vpid: thread.vpid,
                pidNamespace: thread.namespaces["pid"] ?? 0, namespaces: thread.namespaceInodes, comm: thread.comm,
                containerIndex: thread.container.flatMap { indexByKey[$0] })
            if thread.seenAtNs <= statedump.takenAtNs {
                threads[thread.tid] = context
            } else if lateThreads[thread.tid] == nil {
                lateThreads[thread.tid] = context
            }
        }
        for eventClass in classes.classes {
            switch eventClass.name {
            case "sched_process_fork":
                forkClass = eventClass.index
                forkParent = eventClass.fieldIndex(named: "parent_pid") ?? -1
                forkChild = eventClass.fieldIndex(named: "child_pid") ?? -1
                forkChildComm = eventClass.fieldIndex(named: "child_comm") ?? -1
            case "sched_process_exec":
                execClass = eventClass.index
                execFilename = eventClass.fieldIndex(named: "filename") ?? -1
                execPID = eventClass.fieldIndex(named: "pid") ?? -1
            case "task_rename":
                renameClass = eventClass.index
                renamePID = eventClass.fieldIndex(named: "pid") ?? -1
                renameNewComm = eventClass.fieldIndex(named: "newcomm") ?? -1
            default:
                break
            }
        }
    }

    /// The context of `tid` now, if the statedump or the events told.
    @inline(__always)
    public func context(tid: Int32) -> Context? {
        if let known = threads[tid] { return known }
        if let late = lateThreads.removeValue(forKey: tid) {
            threads[tid] = late
            return late
        }
        return nil
    }

    /// The container of a context, if any.
    public func container(of context: Context) -> RecordedContainer? {
        context.containerIndex.map { containers[$0] }
    }

    /// Updates the table from a process-lifecycle event; other events cost one comparison.
    @inline(__always)
    public func observe(_ record: EventRecord) {
        let classIndex = record.classIndex
        if classIndex == forkClass, forkParent >= 0, forkChild >= 0 {
            let child = Int32(truncatingIfNeeded: record.signed(forkChild))
            let comm = forkChildComm >= 0 ? record.string(forkChildComm) : ""
            if var late = lateThreads.removeValue(forKey: child) {
                late.comm = comm
                threads[child] = late
            } else if let parent = context(tid: Int32(truncatingIfNeeded: record.signed(forkParent))) {
                let inHostNamespace = parent.pidNamespace == hostPIDNamespace
                threads[child] = Context(
                    tid: child, pid: child, vtid: inHostNamespace ? child : -1, vpid: inHostNamespace ? child : -1,
                    pidNamespace: parent.pidNamespace, namespaces: parent.namespaces, comm: comm,
                    containerIndex: parent.containerIndex)
            }
        } else if classIndex == execClass, execPID >= 0, execFilename >= 0 {
            let tid = Int32(truncatingIfNeeded: record.signed(execPID))
            if var known = context(tid: tid) {
                let path = record.bytes(execFilename)
                let base = path.lastIndex(of: UInt8(ascii: "/")).map { path.index(after: $0) } ?? 0
                known.comm = String(decoding: UnsafeRawBufferPointer(rebasing: path[base...]).prefix(15), as: UTF8.self)
                threads[tid] = known
            }
        } else if classIndex == renameClass, renamePID >= 0, renameNewComm >= 0 {
            let tid = Int32(truncatingIfNeeded: record.signed(renamePID))
            if var known = context(tid: tid) {
                known.comm = record.string(renameNewComm)
                threads[tid] = known
            }
        }
    }
}
