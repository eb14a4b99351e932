/// Replays decoded kernel events through the shared state model and tells one analysis (the
/// `Handler`) what happened: the `EventConsumer` every analysis runs behind.
///
/// Generic over the handler so that each analysis gets a specialized replay loop (no dynamic
/// dispatch per event inside this module).
public struct KernelStateReplayer<Handler: KernelEventHandler>: EventConsumer {
    public var handler: Handler
    public let state = KernelState()
    public let filter: AnalysisFilter
    private let vocabulary: KernelEventVocabulary
    /// Bindings by class index, read in place (a binding is a few hundred bytes: never copied per event).
    private var bindings: UnsafeMutablePointer<KernelEventBinding> = UnsafeMutablePointer(bitPattern: 8)!
    private var bindingStorage = BindingStorage()
    /// Per class: bound at its first event (`BindingStorage.bind(_:)`), not yet seen.
    private var deferredBindings: UnsafeMutablePointer<Bool> = UnsafeMutablePointer(bitPattern: 8)!
    /// Syscall index per class (LTTng names) and per ftrace syscall number.
    private var syscallIndexByClass: ContiguousArray<Int32> = []
    private var syscallIndexByNumber: ContiguousArray<Int32> = ContiguousArray(repeating: -1, count: 1024)
    private var windowBegin: UInt64 = 0
    private var windowEnd: UInt64 = .max
    private var windowResolved = false
    private var runningSince: ContiguousArray<UInt64> = []
    private var hardIRQ: ContiguousArray<(begin: UInt64, irq: Int)> = []
    private var softIRQEntry: ContiguousArray<UInt64> = []
    private var softIRQRaise: ContiguousArray<UInt64> = []
    private var irqNames: [Int: String] = [:]
    private var pendingBlock: [BlockKey: BlockRequestInterval] = [:]
    private let observesEveryEvent: Bool
    private let interests: KernelEventInterests
    /// The latest time of the events a source skipped (`eventsSkipped`): where the trace ends
    /// when the last events were all skipped.
    private var skippedThrough: UInt64 = 0
    /// No `--cpu` filter: the per-event test is one flag (asking the filter's set was 2 % of a replay).
    private let acceptsEveryCPU: Bool
    /// The kinds of the trace's event classes, known from `begin` on (nil before): what the
    /// runner checks an analysis's required events against, without binding every class again.
    public private(set) var presentKinds: Set<KernelEventKind>?
    /// Called every 2^20 events with the current timestamp (progress on long traces).
    var progress: ((UInt64) -> Void)?
    private let argumentLayout: SyscallArgumentLayout
    private var argumentPositionCache: ContiguousArray<SyscallArgumentLayout.Positions?> = []

    /// Owns the binding table's memory for as long as the replayer lives, and binds the classes
    /// left for their first event.
    final class BindingStorage {
        private var pointer: UnsafeMutablePointer<KernelEventBinding>?
        private var deferredPointer: UnsafeMutablePointer<Bool>?
        private(set) var count = 0
        private var vocabulary = KernelEventVocabulary(syscallNames: SyscallNameLookup(machine: ""))

        /// The table of `bindings`, and per class whether it is still to be bound by `bind(_:)`.
        func store(
            _ bindings: [KernelEventBinding], deferred: [Bool], vocabulary: KernelEventVocabulary
        ) -> (bindings: UnsafeMutablePointer<KernelEventBinding>, deferred: UnsafeMutablePointer<Bool>) {
            release()
            let table = UnsafeMutablePointer<KernelEventBinding>.allocate(capacity: max(bindings.count, 1))
            table.initialize(from: bindings, count: bindings.count)
            let flags = UnsafeMutablePointer<Bool>.allocate(capacity: max(deferred.count, 1))
            flags.initialize(from: deferred, count: deferred.count)
            pointer = table
            deferredPointer = flags
            count = bindings.count
            self.vocabulary = vocabulary
            return (table, flags)
        }

        /// Binds a deferred class in place.
        func bind(_ eventClass: EventClass) {
            guard let pointer, let deferredPointer, eventClass.index < count else { return }
            pointer[eventClass.index] = vocabulary.binding(for: eventClass)
            deferredPointer[eventClass.index] = false
        }

        private func release() {
            pointer?.deinitialize(count: count)
            pointer?.deallocate()
            deferredPointer?.deallocate()
            pointer = nil
            deferredPointer = nil
        }

        deinit { release() }
    }

    struct BlockKey: Hashable {
        var device: UInt64
        var sector: UInt64
    }

    static var softIRQNames: [String] {
        ["HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"]
    }
    static var softIRQVectors: Int { 16 }

    public init(handler: Handler, filter: AnalysisFilter = AnalysisFilter(), machine: String = "") {
        self.init(handler: handler, filter: filter, machine: machine, argumentLayout: .builtIn)
    }

    init(handler: Handler, filter: AnalysisFilter, machine: String, argumentLayout: SyscallArgumentLayout) {
        self.argumentLayout = argumentLayout
        self.handler = handler
        self.filter = filter
        self.acceptsEveryCPU = filter.cpus.isEmpty
        self.vocabulary = KernelEventVocabulary(syscallNames: SyscallNameLookup(machine: machine))
        self.observesEveryEvent = handler.observesEveryEvent
        self.interests = handler.eventInterests
    }

    public mutating func begin(_ trace: TraceDescription) {
        let vocabulary =
            trace.environment["machine"].map { KernelEventVocabulary(syscallNames: SyscallNameLookup(machine: $0)) }
            ?? self.vocabulary
        // Syscall classes (1,100 of an LTTng kernel trace's 1,200, most never seen) are bound at
        // their first event; their kind and syscall name, all that is needed before, come from
        // the name alone.
        var deferred: [Bool] = []
        deferred.reserveCapacity(trace.classes.classes.count)
        let resolved = trace.classes.classes.map { eventClass -> KernelEventBinding in
            guard let syscallClass = KernelEventVocabulary.syscallClass(named: eventClass.name) else {
                deferred.append(false)
                return vocabulary.binding(for: eventClass)
            }
            deferred.append(true)
            var binding = KernelEventBinding()
            binding.kind = syscallClass.kind
            binding.syscallName = syscallClass.syscallName
            return binding
        }
        (bindings, deferredBindings) = bindingStorage.store(resolved, deferred: deferred, vocabulary: vocabulary)
        presentKinds = Set(resolved.map(\.kind))
        syscallIndexByClass = ContiguousArray(
            resolved.map { binding in
                binding.syscallName.map { state.syscallIndex(named: $0) } ?? -1
            })
        state.environment = trace.environment
        state.epochOffsetNanoseconds = trace.epochOffsetNanoseconds
        state.load(trace.statedump)
        ensureCPU(max(trace.cpuCount - 1, 0))
        handler.traceBegan(state: state)
    }

    private mutating func ensureCPU(_ cpu: Int) {
        guard cpu >= runningSince.count, cpu < 4096 else { return }
        state.ensureCPU(cpu)
        let add = cpu + 1 - runningSince.count
        runningSince.append(contentsOf: repeatElement(0, count: add))
        hardIRQ.append(contentsOf: repeatElement((begin: UInt64(0), irq: -1), count: add))
        softIRQEntry.append(contentsOf: repeatElement(0, count: add * Self.softIRQVectors))
        softIRQRaise.append(contentsOf: repeatElement(0, count: add * Self.softIRQVectors))
    }

    /// The fields the bindings name; every field when the handler observes raw records.
    public func fieldsRead(of eventClass: EventClass) -> [Int]? {
        guard !observesEveryEvent, eventClass.index < bindingStorage.count else { return nil }
        if deferredBindings[eventClass.index] { bindingStorage.bind(eventClass) }
        return bindings[eventClass.index].boundFields
    }

    /// Classes whose events change nothing the handler hears: no thread context (the `tid`
    /// context names threads), and a kind that only feeds callbacks it does not use.
    public func skips(_ eventClass: EventClass) -> Bool {
        guard !observesEveryEvent, eventClass.index < bindingStorage.count else { return false }
        if deferredBindings[eventClass.index] { bindingStorage.bind(eventClass) }
        let binding = bindings[eventClass.index]
        guard binding.currentTID < 0, !binding.isStatedump else { return false }
        switch binding.kind {
        case .ignored: return true
        case .syscallEntry, .syscallExit: return !interests.contains(.syscalls)
        case .irqHandlerEntry, .irqHandlerExit, .softirqRaise, .softirqEntry, .softirqExit:
            return !interests.contains(.interrupts)
        case .blockInsert, .blockIssue, .blockComplete: return !interests.contains(.blockRequests)
        case .pageAlloc, .pageFree: return !interests.contains(.pages)
        case .schedSwitch, .schedWakeup, .schedWaking, .schedWakeupNew, .schedMigrate, .processFork, .processExec,
            .processExit, .processFree, .statedumpProcess, .statedumpPIDNamespace, .statedumpFileDescriptor,
            .statedumpContainer:
            return false
        }
    }

    /// Skipped events are counted, and bound the analysed range as delivered ones would:
    /// the first one may be where the trace starts, the last where it ends.
    public mutating func eventsSkipped(count: Int, first: UInt64, last: UInt64) {
        if !windowResolved { resolveWindow(startingAt: first) }
        skippedThrough = max(skippedThrough, last)
        let before = state.eventCount
        state.eventCount &+= UInt64(count)
        if before >> 20 != state.eventCount >> 20, let progress { progress(last) }
    }

    /// Skipped events matter in order only until the first of the trace's events is known.
    public var takesSkippedEventsUnordered: Bool { windowResolved }

    private mutating func resolveWindow(startingAt time: UInt64) {
        windowResolved = true
        state.firstTimestamp = time
        windowBegin = filter.begin?.resolve(start: time) ?? 0
        windowEnd = filter.end?.resolve(start: time) ?? .max
    }

    public mutating func eventsLost(cpu: Int, count: UInt64, before timestamp: UInt64) {
        state.lostEvents &+= count  // a page header's count comes from the file
    }

    public mutating func consume(_ record: EventRecord) {
        let time = record.timestamp
        if deferredBindings[record.classIndex] { bindingStorage.bind(record.eventClass) }
        let binding = bindings + record.classIndex
        if !windowResolved && !binding.pointee.isStatedump { resolveWindow(startingAt: time) }
        if windowResolved { state.lastTimestamp = time }
        state.eventCount &+= 1
        if state.eventCount & 0xF_FFFF == 0, let progress { progress(time) }
        let cpu = record.cpu
        if cpu >= runningSince.count { ensureCPU(cpu) }
        var current: Int32 = cpu >= 0 && cpu < state.currentThread.count ? state.currentThread[cpu] : -1
        if binding.pointee.currentTID >= 0 {
            let tid = Int32(truncatingIfNeeded: record.integer(binding.pointee.currentTID))
            current = state.thread(tid: tid) {
                binding.pointee.currentProcname >= 0 ? record.string(binding.pointee.currentProcname) : ""
            }
            if binding.pointee.currentPIDNamespace >= 0, current >= 0 {
                noteNamespace(current, UInt64(record.unsigned(binding.pointee.currentPIDNamespace)))
            }
        }
        let reports = time >= windowBegin && time <= windowEnd && (acceptsEveryCPU || filter.accepts(cpu: cpu))

        switch binding.pointee.kind {
        case .ignored:
            break
        case .schedSwitch:
            schedSwitch(record, binding, time: time, cpu: cpu, reports: reports)
        case .schedWakeup, .schedWaking, .schedWakeupNew:
            let tid = Int32(truncatingIfNeeded: record.integer(binding.pointee.tid))
            let woken = state.thread(tid: tid) { binding.pointee.comm >= 0 ? record.string(binding.pointee.comm) : "" }
            guard woken >= 0 else { break }
            // Latency runs from the first waking, wakeup or wakeup_new of a thread that is not on a
            // CPU (as lttng-analyses measures it). A waking sent while the thread still runs (it
            // is about to sleep) starts no wait: the wakeup that follows its switch-out does;
            // pairing the waking with a later switch-in would count the time it ran and slept.
            let countsForLatency = !state.isRunning(woken)
            state.withThread(woken) { thread in
                if binding.pointee.priority >= 0 {
                    thread.priority = Int32(
                        truncatingIfNeeded: normalizedPriority(record.integer(binding.pointee.priority), binding))
                }
                if countsForLatency && thread.wakeupTime == 0 {
                    thread.wakeupTime = time
                    thread.wakeupWaker = current
                }
            }
            let since = state.uninterruptibleSince(of: woken)
            if since > 0 {
                state.withThread(woken) { $0.uninterruptibleSince = 0 }
                if reports {
                    handler.uninterruptibleSleepEnded(
                        at: time, thread: woken, since: max(since, windowBegin), waker: current, state: state)
                }
            }
        case .schedMigrate:
            let thread = state.threadIndex(tid: Int32(truncatingIfNeeded: record.integer(binding.pointee.tid)))
            if thread >= 0, reports, binding.pointee.destinationCPU >= 0 {
                handler.migrated(
                    at: time, thread: thread, to: record.integer(binding.pointee.destinationCPU), state: state)
            }
        case .processFork:
            fork(record, binding)
        case .processExec:
            let thread =
                binding.pointee.tid >= 0
                ? state.threadIndex(tid: Int32(truncatingIfNeeded: record.integer(binding.pointee.tid))) : current
            if thread >= 0, binding.pointee.fileName >= 0 {
                let path = record.string(binding.pointee.fileName)
                let base = path.split(separator: "/").last.map(String.init) ?? path
                state.withThread(thread) { $0.comm = String(base.prefix(15)) }
            }
        case .processExit, .processFree:
            break
        case .syscallEntry:
            syscallEntry(record, binding, current: current, time: time)
        case .syscallExit:
            syscallExit(record, binding, current: current, time: time, cpu: cpu, reports: reports)
        case .irqHandlerEntry:
            let irq = record.integer(binding.pointee.irq)
            if cpu >= 0 { hardIRQ[cpu] = (time, irq) }
            if binding.pointee.irqName >= 0, irqNames[irq] == nil {
                irqNames[irq] = record.string(binding.pointee.irqName)
            }
        case .irqHandlerExit:
            guard cpu >= 0 else { break }
            let entry = hardIRQ[cpu]
            hardIRQ[cpu] = (0, -1)
            if entry.begin > 0, reports {
                handler.interruptHandled(
                    InterruptInterval(
                        isSoft: false, number: entry.irq, name: irqNames[entry.irq] ?? "", cpu: cpu,
                        begin: max(entry.begin, windowBegin),
                        end: time, raisedAt: 0), state: state)
            }
        case .softirqRaise, .softirqEntry, .softirqExit:
            softIRQ(record, binding, time: time, cpu: cpu, reports: reports)
        case .blockInsert, .blockIssue, .blockComplete:
            block(record, binding, time: time, current: current, reports: reports)
        case .pageAlloc, .pageFree:
            if reports {
                let pages = binding.pointee.order >= 0 ? 1 << min(max(record.integer(binding.pointee.order), 0), 20) : 1
                handler.pagesChanged(
                    at: time, cpu: cpu, thread: current, pages: binding.pointee.kind == .pageAlloc ? pages : -pages,
                    state: state)
            }
        case .statedumpProcess, .statedumpPIDNamespace, .statedumpFileDescriptor, .statedumpContainer:
            statedump(record, binding)
        }
        if observesEveryEvent && reports {
            handler.observed(record, binding: binding.pointee, thread: current, state: state)
        }
    }

    /// ftrace priorities are the kernel's (120 for nice 0); LTTng subtracts 100. Show LTTng's.
    @inline(__always)
    private func normalizedPriority(_ priority: Int, _ binding: UnsafeMutablePointer<KernelEventBinding>) -> Int {
        binding.pointee.usesFtraceNaming ? priority &- 100 : priority  // wrapping: the value is a file's, then truncated to Int32
    }

    private mutating func schedSwitch(
        _ record: EventRecord, _ binding: UnsafeMutablePointer<KernelEventBinding>, time: UInt64, cpu: Int,
        reports: Bool
    ) {
        let previousTID = Int32(truncatingIfNeeded: record.integer(binding.pointee.prevTID))
        let nextTID = Int32(truncatingIfNeeded: record.integer(binding.pointee.nextTID))
        let previous = state.thread(tid: previousTID) {
            binding.pointee.prevComm >= 0 ? record.string(binding.pointee.prevComm) : ""
        }
        let next = state.thread(tid: nextTID) {
            binding.pointee.nextComm >= 0 ? record.string(binding.pointee.nextComm) : ""
        }
        let previousState = binding.pointee.prevState >= 0 ? record.signed(binding.pointee.prevState) : 0
        if previous >= 0 {
            state.withThread(previous) { thread in
                if binding.pointee.prevPriority >= 0 {
                    thread.priority = Int32(
                        truncatingIfNeeded: normalizedPriority(record.integer(binding.pointee.prevPriority), binding))
                }
                // TASK_UNINTERRUPTIBLE; preemption sets only TASK_REPORT_MAX, never this bit.
                if previousState & 2 != 0 && previousTID != 0 { thread.uninterruptibleSince = time }
                // It ran until now: a wakeup noted before (one sent while it ran, or before the trace
                // showed it on a CPU) is stale.
                thread.wakeupTime = 0
            }
        }
        var since: UInt64 = 0
        if cpu >= 0 {
            since = runningSince[cpu]
            runningSince[cpu] = time
            state.setCurrent(cpu: cpu, thread: next)
        }
        if reports {
            handler.switched(
                at: time, cpu: cpu, previous: previous,
                ranSince: since == 0 ? state.firstTimestamp.clamped(windowBegin) : max(since, windowBegin),
                previousState: previousState, next: next, state: state)
        }
        guard next >= 0 else { return }
        let (wakeupTime, waker) = state.withThread(next) { thread -> (UInt64, Int32) in
            if binding.pointee.nextPriority >= 0 {
                thread.priority = Int32(
                    truncatingIfNeeded: normalizedPriority(record.integer(binding.pointee.nextPriority), binding))
            }
            // The comm events carry wins over the statedump's (renames, execs seen late).
            if binding.pointee.nextComm >= 0, !record.string(binding.pointee.nextComm, equals: thread.comm.utf8) {
                thread.comm = record.string(binding.pointee.nextComm)
            }
            thread.lastCPU = Int32(cpu)
            let result = (thread.wakeupTime, thread.wakeupWaker)
            thread.wakeupTime = 0
            return result
        }
        if wakeupTime > 0, reports, wakeupTime >= windowBegin {
            handler.scheduled(at: time, cpu: cpu, thread: next, wakeupTime: wakeupTime, waker: waker, state: state)
        }
    }

    private mutating func fork(_ record: EventRecord, _ binding: UnsafeMutablePointer<KernelEventBinding>) {
        let parentTID = Int32(truncatingIfNeeded: record.integer(binding.pointee.parentTID))
        let parent = state.thread(tid: parentTID) { "" }
        let childTID = Int32(truncatingIfNeeded: record.integer(binding.pointee.childTID))
        var childPID =
            binding.pointee.childPID >= 0
            ? Int32(truncatingIfNeeded: record.integer(binding.pointee.childPID)) : childTID
        let parentState = parent >= 0 ? state.threads[Int(parent)] : nil
        var container = parentState?.container ?? 0
        var virtualTID = childTID
        if binding.pointee.childNamespace >= 0 {
            container = state.container(pidNamespace: record.unsigned(binding.pointee.childNamespace))
        }
        if binding.pointee.childPID < 0, let known = state.statedumpIdentityByTID[childTID] {
            childPID = known.pid
            container = known.container
            virtualTID = known.virtualTID
        }
        state.addThread(
            ThreadState(
                tid: childTID, pid: childPID,
                ppid: childPID == childTID ? (parentState?.pid ?? parentTID) : (parentState?.ppid ?? -1),
                comm: binding.pointee.childComm >= 0
                    ? record.string(binding.pointee.childComm) : parentState?.comm ?? "",
                container: container, virtualTID: virtualTID))
    }

    private mutating func syscallEntry(
        _ record: EventRecord, _ binding: UnsafeMutablePointer<KernelEventBinding>, current: Int32, time: UInt64
    ) {
        guard current >= 0 else { return }
        var syscall = syscallIndexByClass[record.classIndex]
        var fd: Int64 = -1, count: Int64 = -1
        var file: String?
        if syscall < 0, binding.pointee.syscallID >= 0 {
            let number = record.integer(binding.pointee.syscallID)
            syscall = syscallIndex(number: number)
            if binding.pointee.syscallArguments >= 0 {
                let positions = argumentPositions(syscall)
                if positions.fileDescriptor >= 0 {
                    fd = Self.argument(record, binding.pointee.syscallArguments, Int(positions.fileDescriptor))
                }
                if positions.count >= 0 {
                    count = Self.argument(record, binding.pointee.syscallArguments, Int(positions.count))
                }
            }
        } else {
            if binding.pointee.fileDescriptor >= 0 { fd = record.signed(binding.pointee.fileDescriptor) }
            if binding.pointee.byteCount >= 0 { count = record.signed(binding.pointee.byteCount) }
            // Converted ftrace traces carry an empty name where only a pointer was recorded.
            if binding.pointee.fileName >= 0, !record.bytes(binding.pointee.fileName).isEmpty {
                file = record.string(binding.pointee.fileName)
            }
        }
        state.withThread(current) { thread in
            thread.syscall = syscall
            thread.syscallStart = time
            thread.syscallFD = fd
            thread.syscallCount = count
            thread.syscallFile = file
        }
    }

    /// One of `sys_enter`'s `args` (unsigned long: 8 bytes on the 64-bit machines whose
    /// syscall tables Periscope knows), read without looking the field up again.
    @inline(__always)
    private static func argument(_ record: EventRecord, _ field: Int, _ position: Int) -> Int64 {
        let raw = record.bytes(field)
        guard raw.count >= (position + 1) * 8 else { return record.integerArrayElement(field, at: position) }
        return Int64(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: position * 8, as: UInt64.self)))
    }

    /// fd and count argument positions per syscall index, resolved on first use.
    private mutating func argumentPositions(_ syscall: Int32) -> SyscallArgumentLayout.Positions {
        let index = Int(syscall)
        if index >= argumentPositionCache.count {
            argumentPositionCache.append(contentsOf: repeatElement(nil, count: index + 1 - argumentPositionCache.count))
        }
        if let known = argumentPositionCache[index] { return known }
        let positions = argumentLayout.positions(of: state.syscallNames[index])
        argumentPositionCache[index] = positions
        return positions
    }

    private mutating func syscallIndex(number: Int) -> Int32 {
        if number >= 0, number < syscallIndexByNumber.count {
            if syscallIndexByNumber[number] < 0 {
                syscallIndexByNumber[number] = state.syscallIndex(named: vocabulary.syscallNames.name(Int64(number)))
            }
            return syscallIndexByNumber[number]
        }
        return state.syscallIndex(named: vocabulary.syscallNames.name(Int64(number)))
    }

    private mutating func syscallExit(
        _ record: EventRecord, _ binding: UnsafeMutablePointer<KernelEventBinding>, current: Int32, time: UInt64,
        cpu: Int, reports: Bool
    ) {
        guard current >= 0 else { return }
        let returnValue = binding.pointee.returnValue >= 0 ? record.signed(binding.pointee.returnValue) : 0
        // Take the call out of the thread in place (copying a ThreadState retains its strings).
        let taken: (call: SyscallInterval, pid: Int32)? = state.withThread(current) { thread in
            guard thread.syscall >= 0 else { return nil }
            let call = SyscallInterval(
                syscall: thread.syscall, begin: thread.syscallStart, end: time, returnValue: returnValue,
                fileDescriptor: thread.syscallFD, byteCount: thread.syscallCount, fileName: thread.syscallFile)
            thread.syscall = -1
            thread.syscallFile = nil
            return (call, thread.pid)
        }
        guard let (call, pid) = taken else { return }
        if returnValue >= 0, let file = call.fileName, state.syscallOpensFile[Int(call.syscall)] {
            state.fileNames[KernelState.FileKey(pid: pid, fd: returnValue)] = file
        }
        if reports, call.begin >= windowBegin {
            handler.syscallEnded(at: time, cpu: cpu, thread: current, call: call, state: state)
        }
        if returnValue == 0, state.syscallCloses[Int(call.syscall)] {
            state.fileNames[KernelState.FileKey(pid: pid, fd: call.fileDescriptor)] = nil
        }
    }

    private mutating func softIRQ(
        _ record: EventRecord, _ binding: UnsafeMutablePointer<KernelEventBinding>, time: UInt64, cpu: Int,
        reports: Bool
    ) {
        guard cpu >= 0, binding.pointee.vector >= 0 else { return }
        let vector = record.integer(binding.pointee.vector)
        guard vector >= 0, vector < Self.softIRQVectors else { return }
        let slot = cpu * Self.softIRQVectors + vector
        switch binding.pointee.kind {
        case .softirqRaise: softIRQRaise[slot] = time
        case .softirqEntry: softIRQEntry[slot] = time
        default:
            let begin = softIRQEntry[slot]
            let raised = softIRQRaise[slot]
            softIRQEntry[slot] = 0
            softIRQRaise[slot] = 0
            if begin > 0, reports {
                let names = Self.softIRQNames
                handler.interruptHandled(
                    InterruptInterval(
                        isSoft: true, number: vector, name: vector < names.count ? names[vector] : "vec\(vector)",
                        cpu: cpu,
                        begin: max(begin, windowBegin), end: time, raisedAt: raised <= begin ? raised : 0), state: state
                )
            }
        }
    }

    /// 512-byte sectors in bytes; a corrupt count saturates instead of overflowing.
    private static func sectorBytes(_ sectors: UInt64) -> UInt64 {
        let (bytes, overflowed) = sectors.multipliedReportingOverflow(by: 512)
        return overflowed ? .max : bytes
    }

    private mutating func block(
        _ record: EventRecord, _ binding: UnsafeMutablePointer<KernelEventBinding>, time: UInt64, current: Int32,
        reports: Bool
    ) {
        guard binding.pointee.device >= 0, binding.pointee.sector >= 0 else { return }
        let key = BlockKey(
            device: record.unsigned(binding.pointee.device), sector: record.unsigned(binding.pointee.sector))
        switch binding.pointee.kind {
        case .blockInsert, .blockIssue:
            var operation = BlockOperation.other
            if binding.pointee.rwbs >= 0 {
                operation =
                    record.eventClass.fields[binding.pointee.rwbs].kind == .string
                    ? BlockRequestFlags(ftraceText: record.bytes(binding.pointee.rwbs)).operation
                    : BlockRequestFlags(rawValue: record.unsigned(binding.pointee.rwbs)).operation
            }
            var bytes =
                binding.pointee.sectorCount >= 0 ? Self.sectorBytes(record.unsigned(binding.pointee.sectorCount)) : 0
            if bytes == 0, binding.pointee.bytes >= 0 { bytes = record.unsigned(binding.pointee.bytes) }
            var requester = current
            if binding.pointee.tid >= 0 {
                let tid = Int32(truncatingIfNeeded: record.integer(binding.pointee.tid))
                let index = state.threadIndex(tid: tid)
                if index >= 0 { requester = index }
            }
            if binding.pointee.kind == .blockIssue, let inserted = pendingBlock[key] {
                // Keep the inserting thread: the issue often runs in a kworker.
                pendingBlock[key] = BlockRequestInterval(
                    device: key.device, sector: key.sector, bytes: bytes == 0 ? inserted.bytes : bytes,
                    operation: operation,
                    thread: inserted.thread, begin: time, end: 0)
            } else {
                pendingBlock[key] = BlockRequestInterval(
                    device: key.device, sector: key.sector, bytes: bytes, operation: operation, thread: requester,
                    begin: time, end: 0)
            }
        default:
            guard var request = pendingBlock.removeValue(forKey: key) else { return }
            request.end = time
            if reports, request.begin >= windowBegin { handler.blockRequestCompleted(request, state: state) }
        }
    }

    private mutating func statedump(_ record: EventRecord, _ binding: UnsafeMutablePointer<KernelEventBinding>) {
        switch binding.pointee.kind {
        case .statedumpProcess:
            guard binding.pointee.tid >= 0 else { return }
            let tid = Int32(truncatingIfNeeded: record.integer(binding.pointee.tid))
            let pid = binding.pointee.pid >= 0 ? Int32(truncatingIfNeeded: record.integer(binding.pointee.pid)) : tid
            let ppid = binding.pointee.ppid >= 0 ? Int32(truncatingIfNeeded: record.integer(binding.pointee.ppid)) : -1
            let comm = KernelState.kernelComm(binding.pointee.comm >= 0 ? record.string(binding.pointee.comm) : "")
            let existing = state.threadIndex(tid: tid)
            if existing >= 0 {
                state.withThread(existing) { thread in
                    thread.pid = pid
                    thread.ppid = ppid
                    if !comm.isEmpty { thread.comm = comm }
                }
            } else {
                state.addThread(ThreadState(tid: tid, pid: pid, ppid: ppid, comm: comm, container: 0, virtualTID: tid))
            }
            if binding.pointee.namespaceLevel >= 0, binding.pointee.namespaceInode >= 0 {
                notePIDNamespaceLevel(
                    tid: tid, level: record.integer(binding.pointee.namespaceLevel),
                    inode: record.unsigned(binding.pointee.namespaceInode),
                    virtualTID: binding.pointee.virtualTID >= 0
                        ? Int32(truncatingIfNeeded: record.integer(binding.pointee.virtualTID)) : tid)
            }
        case .statedumpPIDNamespace:
            guard binding.pointee.tid >= 0, binding.pointee.namespaceLevel >= 0, binding.pointee.namespaceInode >= 0
            else { return }
            notePIDNamespaceLevel(
                tid: Int32(truncatingIfNeeded: record.integer(binding.pointee.tid)),
                level: record.integer(binding.pointee.namespaceLevel),
                inode: record.unsigned(binding.pointee.namespaceInode),
                virtualTID: binding.pointee.virtualTID >= 0
                    ? Int32(truncatingIfNeeded: record.integer(binding.pointee.virtualTID)) : -1)
        case .statedumpContainer:
            guard binding.pointee.containerName >= 0, binding.pointee.namespaceInode >= 0 else { return }
            state.nameContainer(
                pidNamespace: record.unsigned(binding.pointee.namespaceInode),
                name: record.string(binding.pointee.containerName),
                runtime: binding.pointee.containerType >= 0 ? record.string(binding.pointee.containerType) : "unknown",
                id: binding.pointee.containerID >= 0 ? record.string(binding.pointee.containerID) : "")
        default:
            guard binding.pointee.pid >= 0, binding.pointee.fileDescriptor >= 0, binding.pointee.fileName >= 0 else {
                return
            }
            let key = KernelState.FileKey(
                pid: Int32(truncatingIfNeeded: record.integer(binding.pointee.pid)),
                fd: record.signed(binding.pointee.fileDescriptor))
            state.fileNames[key] = record.string(binding.pointee.fileName)
        }
    }

    /// LTTng dumps one pid_ns event per nesting level: level 0 is the host's namespace; the
    /// deepest level names the container.
    private mutating func notePIDNamespaceLevel(tid: Int32, level: Int, inode: UInt64, virtualTID: Int32) {
        if level == 0 {
            if state.hostPIDNamespace == 0 { state.hostPIDNamespace = inode }
            return
        }
        let thread = state.threadIndex(tid: tid)
        guard thread >= 0 else { return }
        let container = state.container(pidNamespace: inode)
        state.withThread(thread) { thread in
            thread.container = container
            if virtualTID >= 0 { thread.virtualTID = virtualTID }
        }
    }

    /// The `pid_ns` context: the init process and the idle threads live in the host's namespace.
    private mutating func noteNamespace(_ thread: Int32, _ inode: UInt64) {
        if state.hostPIDNamespace == 0 {
            if state.tid(of: thread) <= 1 { state.hostPIDNamespace = inode }
            return
        }
        if inode != state.hostPIDNamespace, state.containerIndex(of: thread) == 0 {
            let container = state.container(pidNamespace: inode)
            state.withThread(thread) { $0.container = container }
        }
    }

    /// The analysed range ends at the last event, whatever end the source states, so a trace
    /// directory and its CTF conversion give the same results.
    public mutating func end(at timestamp: UInt64) {
        state.lastTimestamp = max(state.lastTimestamp, skippedThrough)
        let end = min(state.lastTimestamp, windowEnd)
        for cpu in runningSince.indices where filter.accepts(cpu: cpu) && cpu < state.currentThread.count {
            let thread = state.currentThread[cpu]
            guard thread >= 0, runningSince[cpu] > 0 else { continue }
            handler.stillRunning(
                at: end, cpu: cpu, thread: thread, since: max(runningSince[cpu], windowBegin), state: state)
        }
        handler.traceEnded(at: end, state: state)
    }
}

extension UInt64 {
    fileprivate func clamped(_ lower: UInt64) -> UInt64 { Swift.max(self, lower) }
}
