import KernelTrace
import Testing
@testable import TraceAnalysis

/// The CTF reader decodes only `KernelEventBinding.boundFields` for the analyses: a slot field
/// added to the binding but not listed there would read whatever an earlier event left.
@Suite struct KernelEventBindingFieldsTests {
    /// Every slot field of the binding (the `Int` properties), by key path.
    static var slotFields: [WritableKeyPath<KernelEventBinding, Int>] {
        [
            \.currentTID, \.currentPIDNamespace, \.currentProcname,
            \.prevTID, \.prevPriority, \.prevState, \.prevComm, \.nextTID, \.nextPriority, \.nextComm,
            \.tid, \.priority, \.targetCPU, \.comm, \.destinationCPU,
            \.parentTID, \.childTID, \.childPID, \.childComm, \.childNamespace,
            \.syscallID, \.syscallArguments, \.returnValue, \.fileDescriptor, \.byteCount, \.fileName,
            \.irq, \.irqName, \.vector,
            \.device, \.sector, \.sectorCount, \.bytes, \.rwbs,
            \.order,
            \.pid, \.ppid, \.namespaceLevel, \.namespaceInode, \.virtualTID, \.containerName, \.containerType,
            \.containerID
        ]
    }

    @Test("a syscall class bound at its first event gets the binding it would have got at begin")
    func deferredSyscallBinding() {
        var classes = EventClassTable()
        let names = ["syscall_entry_openat", "compat_syscall_exit_read", "syscall_other", "syscall_exit_close"]
        let fields = ["tid", "fd", "count", "filename", "ret"].map {
            EventFieldDescription(name: $0, kind: .signedInteger)
        }
        let eventClasses = names.enumerated().map {
            classes.add(name: $0.element, id: UInt64($0.offset), fields: fields)
        }
        let vocabulary = KernelEventVocabulary(syscallNames: SyscallNameLookup(machine: ""))
        var replayer = KernelStateReplayer(handler: CPUTop(options: AnalysisOptions()))
        replayer.begin(TraceDescription(classes: classes))
        for eventClass in eventClasses {
            let eager = vocabulary.binding(for: eventClass)
            #expect(replayer.fieldsRead(of: eventClass) == eager.boundFields)
            let syscallClass = KernelEventVocabulary.syscallClass(named: eventClass.name)
            #expect(syscallClass?.kind == eager.kind && syscallClass?.syscallName == eager.syscallName)
        }
        #expect(vocabulary.binding(for: eventClasses[1]).syscallName == "read")
        #expect(vocabulary.binding(for: eventClasses[2]).kind == .ignored)
    }

    @Test("every Int field of the binding is a bound field")
    func everySlotFieldIsListed() {
        let intFields = Mirror(reflecting: KernelEventBinding()).children.filter { $0.value is Int }
        #expect(intFields.count == Self.slotFields.count)
        var binding = KernelEventBinding()
        #expect(binding.boundFields.isEmpty)
        for (value, path) in Self.slotFields.enumerated() { binding[keyPath: path] = value }
        #expect(binding.boundFields.sorted() == Array(0..<Self.slotFields.count))
    }

    @Test("the replayer asks for the bound fields, and for every field when its handler observes raw records")
    func replayerAsksForBoundFields() {
        let fields =
            ["tid", "pid_ns", "vpid", "procname"].map {
                EventFieldDescription(name: $0, kind: .unsignedInteger, scope: .streamEventContext, sizeInBits: 32)
            }
            + ["prev_tid", "prev_state", "next_tid", "unused"].map {
                EventFieldDescription(name: $0, kind: .signedInteger, scope: .payload, sizeInBits: 32)
            }
        var classes = EventClassTable()
        let schedSwitch = classes.add(name: "sched_switch", id: 0, fields: fields)
        // A syscall class is bound at its first event (or this question), not at `begin`.
        let syscallExit = classes.add(
            name: "syscall_exit_read", id: 1,
            fields: Array(fields[0..<2])
                + ["ret", "fd", "buf"].map { EventFieldDescription(name: $0, kind: .signedInteger) })
        var replayer = KernelStateReplayer(handler: CPUTop(options: AnalysisOptions()))
        replayer.begin(TraceDescription(classes: classes))
        #expect(replayer.presentKinds == [.schedSwitch, .syscallExit])
        #expect(replayer.fieldsRead(of: schedSwitch).map { Set($0) } == [0, 1, 3, 4, 5, 6])
        #expect(replayer.fieldsRead(of: syscallExit).map { Set($0) } == [0, 1, 2, 3])
        var observing = KernelStateReplayer(handler: PeriodAnalysis(options: AnalysisOptions(), definitions: []))
        observing.begin(TraceDescription(classes: classes))
        #expect(observing.fieldsRead(of: schedSwitch) == nil)
    }
}
