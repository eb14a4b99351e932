/// What a kernel event means to the analyses, whatever tracer named it.
public enum KernelEventKind: UInt8, Sendable {
    case ignored
    case schedSwitch, schedWakeup, schedWaking, schedWakeupNew, schedMigrate
    case processFork, processExec, processExit, processFree
    case syscallEntry, syscallExit
    case irqHandlerEntry, irqHandlerExit, softirqRaise, softirqEntry, softirqExit
    case blockInsert, blockIssue, blockComplete
    case pageAlloc, pageFree
    case statedumpProcess, statedumpPIDNamespace, statedumpFileDescriptor, statedumpContainer
}

/// The slots an analysis reads from one event class, resolved once per class.
///
/// `-1` means the class has no such field. Names differ between LTTng (`prev_tid`, `tid`) and
/// ftrace (`prev_pid`, `pid`, `common_pid`); `KernelEventVocabulary` fills these from either.
public struct KernelEventBinding: Sendable {
    public var kind: KernelEventKind = .ignored
    /// ftrace classes (a system and `common_*` fields); LTTng kernel classes have neither.
    public var usesFtraceNaming = false
    /// `lttng_statedump_*`: the start state, written before tracing; not part of the analysed range.
    public var isStatedump = false
    /// The tid of the thread the event happened in: ftrace `common_pid`, LTTng `tid` context.
    public var currentTID = -1
    /// LTTng `pid_ns`/`procname` contexts when the session added them.
    public var currentPIDNamespace = -1
    public var currentProcname = -1
    // sched_switch
    public var prevTID = -1, prevPriority = -1, prevState = -1, prevComm = -1
    public var nextTID = -1, nextPriority = -1, nextComm = -1
    // wakeups, migrate, exec, exit and statedump: the thread concerned
    public var tid = -1, priority = -1, targetCPU = -1, comm = -1, destinationCPU = -1
    // fork
    public var parentTID = -1, childTID = -1, childPID = -1, childComm = -1, childNamespace = -1
    // syscalls: the name is resolved per class (LTTng) or per event from `syscallID` (ftrace)
    public var syscallName: String?
    public var syscallID = -1, syscallArguments = -1, returnValue = -1
    public var fileDescriptor = -1, byteCount = -1, fileName = -1
    // irq
    public var irq = -1, irqName = -1, vector = -1
    // block
    public var device = -1, sector = -1, sectorCount = -1, bytes = -1, rwbs = -1
    // kmem
    public var order = -1
    // statedump
    public var pid = -1, ppid = -1, namespaceLevel = -1, namespaceInode = -1, virtualTID = -1
    public var containerName = -1, containerType = -1, containerID = -1

    public init() {}

    /// The slots this binding reads: every field above that the class has. A source may skip
    /// decoding the others (`EventConsumer.fieldsRead(of:)`), so a new field must be listed here.
    public var boundFields: [Int] {
        [
            currentTID, currentPIDNamespace, currentProcname,
            prevTID, prevPriority, prevState, prevComm, nextTID, nextPriority, nextComm,
            tid, priority, targetCPU, comm, destinationCPU,
            parentTID, childTID, childPID, childComm, childNamespace,
            syscallID, syscallArguments, returnValue, fileDescriptor, byteCount, fileName,
            irq, irqName, vector,
            device, sector, sectorCount, bytes, rwbs,
            order,
            pid, ppid, namespaceLevel, namespaceInode, virtualTID, containerName, containerType, containerID
        ].filter { $0 >= 0 }
    }
}

/// Maps LTTng kernel and ftrace event classes to `KernelEventBinding`s: the one place that knows
/// both naming schemes.
public struct KernelEventVocabulary: Sendable {
    /// Syscall names for ftrace's `raw_syscalls` numbers.
    public let syscallNames: SyscallNameLookup

    public init(syscallNames: SyscallNameLookup) {
        self.syscallNames = syscallNames
    }

    public func binding(for eventClass: EventClass) -> KernelEventBinding {
        var binding = KernelEventBinding()
        func field(_ names: String...) -> Int {
            for name in names { if let index = eventClass.fieldIndex(named: name) { return index } }
            return -1
        }
        binding.currentTID =
            eventClass.fieldIndex(named: "common_pid", scope: .common)
            ?? eventClass.fieldIndex(named: "tid", scope: .streamEventContext) ?? -1
        binding.currentPIDNamespace = eventClass.fieldIndex(named: "pid_ns", scope: .streamEventContext) ?? -1
        binding.currentProcname = eventClass.fieldIndex(named: "procname", scope: .streamEventContext) ?? -1
        let name = eventClass.name
        let system = eventClass.system
        binding.isStatedump = name.hasPrefix("lttng_statedump_") || name.hasSuffix(":lttng_statedump_container")
        binding.usesFtraceNaming = !system.isEmpty || eventClass.fieldIndex(named: "common_pid", scope: .common) != nil
        // Syscall classes (most of an LTTng kernel trace's ~1,200) match no case below: they
        // go straight to `default` instead of through some thirty string comparisons each.
        let syscallClass = Self.syscallClass(named: name)
        switch syscallClass == nil ? name : "" {
        case "sched_switch":
            binding.kind = .schedSwitch
            binding.prevTID = field("prev_tid", "prev_pid")
            binding.prevPriority = field("prev_prio")
            binding.prevState = field("prev_state")
            binding.prevComm = field("prev_comm")
            binding.nextTID = field("next_tid", "next_pid")
            binding.nextPriority = field("next_prio")
            binding.nextComm = field("next_comm")
        case "sched_wakeup", "sched_waking", "sched_wakeup_new":
            binding.kind =
                name == "sched_waking" ? .schedWaking : name == "sched_wakeup" ? .schedWakeup : .schedWakeupNew
            binding.tid = field("tid", "pid")
            binding.priority = field("prio")
            binding.targetCPU = field("target_cpu")
            binding.comm = field("comm")
        case "sched_migrate_task":
            binding.kind = .schedMigrate
            binding.tid = field("tid", "pid")
            binding.priority = field("prio")
            binding.destinationCPU = field("dest_cpu")
            binding.comm = field("comm")
        case "sched_process_fork":
            binding.kind = .processFork
            binding.parentTID = field("parent_tid", "parent_pid")
            binding.childTID = field("child_tid", "child_pid")
            // LTTng gives the child's process id; ftrace's child_pid is the new task's tid.
            binding.childPID = system.isEmpty ? field("child_pid") : -1
            binding.childComm = field("child_comm")
            binding.childNamespace = field("child_ns_inum")
        case "sched_process_exec":
            binding.kind = .processExec
            binding.tid = field("tid", "pid")
            binding.fileName = field("filename")
        case "sched_process_exit":
            binding.kind = .processExit
            binding.tid = field("tid", "pid")
        case "sched_process_free":
            binding.kind = .processFree
            binding.tid = field("tid", "pid")
        case "sys_enter" where system == "raw_syscalls":
            binding.kind = .syscallEntry
            binding.syscallID = field("id")
            binding.syscallArguments = field("args")
        case "sys_exit" where system == "raw_syscalls":
            binding.kind = .syscallExit
            binding.syscallID = field("id")
            binding.returnValue = field("ret")
        case "irq_handler_entry", "irq_handler_exit":
            binding.kind = name == "irq_handler_entry" ? .irqHandlerEntry : .irqHandlerExit
            binding.irq = field("irq")
            binding.irqName = field("name")
            binding.returnValue = field("ret")
        // LTTng 2.7+ writes irq_softirq_*; ftrace (and the old LTTng names) softirq_*.
        case "irq_softirq_raise", "softirq_raise": binding.kind = .softirqRaise; binding.vector = field("vec")
        case "irq_softirq_entry", "softirq_entry": binding.kind = .softirqEntry; binding.vector = field("vec")
        case "irq_softirq_exit", "softirq_exit": binding.kind = .softirqExit; binding.vector = field("vec")
        case "block_rq_insert", "block_rq_issue", "block_rq_complete":
            binding.kind =
                name == "block_rq_insert" ? .blockInsert : name == "block_rq_issue" ? .blockIssue : .blockComplete
            binding.device = field("dev")
            binding.sector = field("sector")
            binding.sectorCount = field("nr_sector")
            binding.bytes = field("bytes")
            binding.rwbs = field("rwbs")
            binding.tid = field("tid")
            binding.comm = field("comm")
        case "kmem_mm_page_alloc", "mm_page_alloc", "kmem_mm_page_free", "mm_page_free":
            binding.kind = name.hasSuffix("alloc") ? .pageAlloc : .pageFree
            binding.order = field("order")
        case "lttng_statedump_process_state":
            binding.kind = .statedumpProcess
            binding.tid = field("tid")
            binding.pid = field("pid")
            binding.ppid = field("ppid")
            binding.comm = field("name")
            binding.namespaceLevel = field("ns_level")
            binding.namespaceInode = field("pid_ns_inum", "ns_inum")
            binding.virtualTID = field("vtid")
        case "lttng_statedump_process_pid_ns":
            binding.kind = .statedumpPIDNamespace
            binding.tid = field("tid")
            binding.virtualTID = field("vtid")
            binding.namespaceLevel = field("ns_level")
            binding.namespaceInode = field("ns_inum")
        // Periscope's CTF conversion and "LTTng: the road to container awareness" (FOSDEM 2018)'s user-space container statedump.
        case "lttng_statedump_container", "ust_container_statedump:lttng_statedump_container":
            binding.kind = .statedumpContainer
            binding.containerName = field("container_name")
            binding.containerType = field("container_type")
            binding.containerID = field("container_id")
            binding.namespaceInode = field("pid_ns")
        case "lttng_statedump_file_descriptor":
            binding.kind = .statedumpFileDescriptor
            binding.pid = field("pid")
            binding.fileDescriptor = field("fd")
            binding.fileName = field("filename")
        default:
            if let syscallClass {
                binding.kind = syscallClass.kind
                binding.syscallName = syscallClass.syscallName
                if syscallClass.kind == .syscallExit { binding.returnValue = field("ret") }
            }
            binding.fileDescriptor = field("fd")
            binding.byteCount = field("count")
            binding.fileName = field("filename", "pathname")
        }
        return binding
    }

    /// The kind and syscall name of a class named the way LTTng names syscalls
    /// (`syscall_entry_read`, `compat_syscall_exit_read`; any other `syscall_…` name is
    /// ignored), which depend on the name alone; nil for every other name. Prefix tests and
    /// counted drops: a Foundation `range(of:)` search per class was a visible part of start-up.
    public static func syscallClass(named name: String) -> (kind: KernelEventKind, syscallName: String?)? {
        guard name.hasPrefix("syscall_") || name.hasPrefix("compat_syscall_") else { return nil }
        if let syscall = dropPrefix("syscall_entry_", of: name) ?? dropPrefix("compat_syscall_entry_", of: name) {
            return (.syscallEntry, syscall)
        }
        if let syscall = dropPrefix("syscall_exit_", of: name) ?? dropPrefix("compat_syscall_exit_", of: name) {
            return (.syscallExit, syscall)
        }
        return (.ignored, nil)
    }

    /// `name` without `prefix`, or nil when it does not start with it.
    private static func dropPrefix(_ prefix: String, of name: String) -> String? {
        name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : nil
    }
}

/// Syscall number to name for ftrace traces (`SyscallTable` of the recording machine).
public struct SyscallNameLookup: Sendable {
    private let table: SyscallTable

    public init(machine: String) {
        table = SyscallTable(machine: machine.isEmpty ? "x86_64" : machine)
    }

    public func name(_ number: Int64) -> String { table.name(number) }
}
