/// `periscope trace convert --to ctf`: replays a Periscope trace and writes a CTF 1.8 trace
/// in LTTng-kernel style (names, fields, contexts, statedump events), readable by babeltrace2,
/// Trace Compass and lttng-analyses. One data stream per CPU plus one for the statedump, laid
/// out as an LTTng session (`OUT/kernel/`: lttng-analyses reads the tracer version only from a
/// directory named `kernel`). Every stream's first packet begins at the statedump's time, just
/// before the first event, and its last packet ends with the trace, so that readers that
/// intersect streams (lttng-analyses by default) see the whole trace and the whole statedump.
public final class CTFTraceConverter: EventConsumer {
    public let outputDirectory: String
    /// Where the CTF files go: `OUT/kernel`.
    public let kernelDirectory: String
    let reader: PeriscopeTraceReader
    private let tracker: ThreadContextTracker
    private let syscalls: SyscallTable
    private let uuid: [UInt8]
    private var streams: [Int: CTFStreamWriter] = [:]
    var statedumpStream: CTFStreamWriter?
    private var classes: [CTFEventClass] = []
    private var plans: [ClassPlan] = []
    private var commonPIDIndex: [Int] = []
    private var syscallEntryIDs: [Int64: SyscallEntryClass] = [:]
    private var syscallExitIDs: [Int64: Int] = [:]
    private var lastTimestamp: UInt64 = 0
    /// When the statedump is stamped and every stream begins; set at the first event.
    private var streamsBegin: UInt64?
    public internal(set) var failure: TraceDirectoryError?
    /// Events written, trace events and statedump events.
    public private(set) var writtenEventCount = 0
    public internal(set) var statedumpEventCount = 0

    struct ClassPlan {
        enum Kind { case mapped, syscallEntry, syscallExit }
        var kind: Kind
        var ctfID: Int
        var steps: [(type: CTFFieldType, source: ResolvedSource)]
        /// sys_enter/sys_exit: the `id` field and the `args` or `ret` field.
        var numberField = -1
        var valueField = -1
    }

    /// A `syscall_entry_NAME` class: its id, how many arguments it has and which are C strings.
    struct SyscallEntryClass {
        var id: Int
        var argumentCount: Int
        /// Bit i set: argument i is a `char *` that LTTng records as a string (`filename`).
        var stringArguments: UInt8
    }

    enum ResolvedSource {
        case field(Int), priority(Int), requestFlags(Int), currentThread, threadGroup(Int), pidNamespace(Int),
            namespaceIDs(Int), zero
    }

    /// Creates OUT_DIR (which must not exist or be empty) and OUT_DIR/kernel.
    public init(reader: PeriscopeTraceReader, outputDirectory: String) throws(TraceCaptureError) {
        self.reader = reader
        self.outputDirectory = outputDirectory
        kernelDirectory = outputDirectory + "/kernel"
        tracker = ThreadContextTracker(statedump: reader.recordedStatedump, classes: reader.traceDescription.classes)
        syscalls = SyscallTable(machine: reader.metadata.machine)
        var generator = SystemRandomNumberGenerator()
        uuid = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try TraceRecorder.prepareOutput(outputDirectory)
        do {
            try TraceDirectoryWriter.makeDirectory(kernelDirectory)
            for (index, cpu) in reader.metadata.onlineCPUs.enumerated() {
                streams[cpu] = try CTFStreamWriter(
                    path: "\(kernelDirectory)/kernel_cpu\(cpu)", cpu: cpu, streamInstanceID: UInt64(index), uuid: uuid)
            }
            statedumpStream = try CTFStreamWriter(
                path: "\(kernelDirectory)/kernel_statedump", cpu: 0,
                streamInstanceID: UInt64(reader.metadata.onlineCPUs.count), uuid: uuid)
        } catch { throw .directory(error) }
    }

    /// Decodes the whole trace into CTF and writes the metadata.
    public func convert() throws {
        var converter = self
        try reader.decode(into: &converter)
        if let failure { throw failure }
    }

    // MARK: EventConsumer

    public func begin(_ trace: TraceDescription) {
        commonPIDIndex = trace.classes.classes.map { $0.fieldIndex(named: "common_pid") ?? -1 }
        plans = trace.classes.classes.map(plan(for:))
    }

    /// Stamps the statedump and opens every stream at the capture's start, or just before the
    /// first event when that event is earlier (a snapshot window starts after its first event).
    private func beginStreams(before firstEvent: UInt64) {
        let begin = min(reader.metadata.startNs, firstEvent &- 1)
        streamsBegin = begin
        for stream in streams.values { stream.openFirstPacket(at: begin) }
        statedumpStream?.openFirstPacket(at: begin)
        writeStatedump(at: begin)
    }

    public func consume(_ record: EventRecord) {
        if streamsBegin == nil { beginStreams(before: record.timestamp) }
        tracker.observe(record)
        guard failure == nil, let stream = streams[record.cpu] else { return }
        var plan = plans[record.classIndex]
        var argumentCount = 0
        var stringArguments: UInt8 = 0
        switch plan.kind {
        case .mapped:
            break
        case .syscallEntry:
            let entry = syscallEntry(record.signed(plan.numberField))
            plan.ctfID = entry.id
            argumentCount = entry.argumentCount
            stringArguments = entry.stringArguments
        case .syscallExit:
            plan.ctfID = syscallExit(record.signed(plan.numberField))
        }
        let tid = Int32(truncatingIfNeeded: record.signed(commonPIDIndex[record.classIndex]))
        stream.beginEvent(id: plan.ctfID, timestamp: record.timestamp)
        writeContext(tid: tid, to: stream)
        switch plan.kind {
        case .mapped:
            for step in plan.steps { write(step.type, step.source, record, to: stream) }
        case .syscallEntry:
            for argument in 0..<argumentCount {
                // ftrace recorded only the pointer: the string LTTng would hold is unknown, so empty.
                if stringArguments & (1 << argument) != 0 {
                    stream.encoder.appendString("")
                } else {
                    stream.encoder.append(UInt64(bitPattern: record.integerArrayElement(plan.valueField, at: argument)))
                }
            }
        case .syscallExit:
            stream.encoder.append(record.signed(plan.valueField))
        }
        lastTimestamp = max(lastTimestamp, record.timestamp)
        writtenEventCount += 1
        do { try stream.endEvent() } catch { failure = error }
    }

    public func eventsLost(cpu: Int, count: UInt64, before timestamp: UInt64) {
        streams[cpu]?.discardedEvents &+= count
    }

    public func end(at timestamp: UInt64) {
        if streamsBegin == nil { beginStreams(before: max(timestamp, reader.metadata.startNs) &+ 1) }
        let end = max(timestamp, lastTimestamp)
        do {
            for cpu in streams.keys.sorted() { try streams[cpu]!.finish(endingAt: end, startingAt: streamsBegin!) }
            try statedumpStream?.finish(endingAt: end, startingAt: streamsBegin!)
            let text = CTFWriterMetadata.render(uuid: Self.uuidText(uuid), metadata: reader.metadata, classes: classes)
            try TraceDirectoryWriter.write(Array(text.utf8), to: "\(kernelDirectory)/metadata")
        } catch {
            failure = error
        }
    }

    // MARK: Classes

    func addClass(_ name: String, _ fields: [CTFField]) -> Int {
        let id = classes.count
        classes.append(CTFEventClass(id: id, name: name, fields: fields))
        return id
    }

    private func plan(for source: EventClass) -> ClassPlan {
        if source.system == "raw_syscalls", let number = source.fieldIndex(named: "id") {
            if source.name == "sys_enter", let args = source.fieldIndex(named: "args") {
                return ClassPlan(kind: .syscallEntry, ctfID: -1, steps: [], numberField: number, valueField: args)
            }
            if source.name == "sys_exit", let ret = source.fieldIndex(named: "ret") {
                return ClassPlan(kind: .syscallExit, ctfID: -1, steps: [], numberField: number, valueField: ret)
            }
        }
        if let entry = LTTngEventMapping.table[source.name] {
            let steps = entry.fields.map { field, origin in (field.type, resolve(origin, in: source)) }
            return ClassPlan(kind: .mapped, ctfID: addClass(entry.name, entry.fields.map(\.0)), steps: steps)
        }
        // No LTTng counterpart: ftrace's own name and payload fields.
        var fields: [CTFField] = []
        var steps: [(type: CTFFieldType, source: ResolvedSource)] = []
        for (index, field) in source.fields.enumerated() where field.scope == .payload {
            let type: CTFFieldType
            switch field.kind {
            case .signedInteger, .unsignedInteger, .enumeration:
                type = .integer(
                    bits: max(8, field.sizeInBits), signed: field.isSigned, hexadecimal: field.displayBase == 16)
            case .string:
                type = .string
            case .integerArray(let width, let signed):
                type = .integerSequence(bits: width * 8, signed: signed, wideLength: true)
            case .bytes, .compound, .floatingPoint:
                type = .integerSequence(bits: 8, signed: false, wideLength: true)
            }
            fields.append(CTFField(field.name, type))
            steps.append((type, .field(index)))
        }
        let name =
            source.system.isEmpty || source.system == "sched" || source.system == "irq"
            ? source.name : "\(source.system)_\(source.name)"
        return ClassPlan(kind: .mapped, ctfID: addClass(name, fields), steps: steps)
    }

    private func resolve(_ origin: LTTngEventMapping.Source, in source: EventClass) -> ResolvedSource {
        func index(_ name: String) -> Int? { source.fieldIndex(named: name, scope: .payload) }
        switch origin {
        case .field(let name): return index(name).map { .field($0) } ?? .zero
        case .priority(let name): return index(name).map { .priority($0) } ?? .zero
        case .requestFlags(let name): return index(name).map { .requestFlags($0) } ?? .zero
        case .currentThread: return .currentThread
        case .threadGroup(let name): return index(name).map { .threadGroup($0) } ?? .zero
        case .pidNamespace(let name): return index(name).map { .pidNamespace($0) } ?? .zero
        case .namespaceIDs(let name): return index(name).map { .namespaceIDs($0) } ?? .zero
        case .zero: return .zero
        }
    }

    /// `syscall_entry_NAME` with the argument names of events/syscalls/sys_enter_NAME. Path
    /// arguments (`const char *filename`) are strings, as LTTng writes them (lttng-analyses
    /// treats `filename` as text); other pointers stay integers.
    private func syscallEntry(_ number: Int64) -> SyscallEntryClass {
        if let known = syscallEntryIDs[number] { return known }
        let name = syscalls.name(number)
        var fields: [CTFField] = []
        var stringArguments: UInt8 = 0
        let path = reader.layout.formatPath(TracepointName(subsystem: "syscalls", event: "sys_enter_\(name)"))
        if let bytes = try? Tracefs.readFile(path, limit: 1 << 16),
            let format = try? EventFormat.parse(String(decoding: bytes, as: UTF8.self), subsystem: "syscalls")
        {
            for field in format.payloadFields where field.name != "__syscall_nr" {
                if Self.isCString(field), fields.count < 6 {
                    stringArguments |= 1 << fields.count
                    fields.append(CTFField(field.name, .string))
                } else {
                    fields.append(
                        CTFField(
                            field.name,
                            .integer(bits: 64, signed: field.isSigned, hexadecimal: field.type.contains("*"))))
                }
            }
        } else {
            fields = (0..<6).map { CTFField("arg\($0)", .uint64) }
        }
        let entry = SyscallEntryClass(
            id: addClass("syscall_entry_\(name)", Array(fields.prefix(6))), argumentCount: min(6, fields.count),
            stringArguments: stringArguments)
        syscallEntryIDs[number] = entry
        return entry
    }

    /// Names of `char *` arguments that hold a path or a name (not `buf`, `optval`: data).
    static let textArgumentNames: Set<String> = [
        "filename", "pathname", "oldname", "newname", "path", "name", "to_pathname", "from_pathname", "specialfile",
        "special",
        "new_root", "put_old", "dir_name", "dev_name", "uname", "u_name"
    ]

    /// A `const char *` or `char *` path or name argument (not `char **`, not a data buffer).
    static func isCString(_ field: FieldFormat) -> Bool {
        let compact = field.type.replacingOccurrences(of: " ", with: "")
        return (compact == "constchar*" || compact == "char*") && textArgumentNames.contains(field.name)
    }

    private func syscallExit(_ number: Int64) -> Int {
        if let known = syscallExitIDs[number] { return known }
        let id = addClass("syscall_exit_\(syscalls.name(number))", [CTFField("ret", .int64)])
        syscallExitIDs[number] = id
        return id
    }

    // MARK: Encoding

    private func writeContext(tid: Int32, to stream: CTFStreamWriter) {
        if let context = tracker.context(tid: tid) {
            stream.encoder.appendFixedText(context.comm, count: 16)
            stream.encoder.append(context.pid)
            stream.encoder.append(context.vpid)
            stream.encoder.append(tid)
            stream.encoder.append(context.vtid)
            stream.encoder.append(UInt32(truncatingIfNeeded: context.pidNamespace))
            let inodes = context.namespaces
            stream.encoder.append(UInt32(truncatingIfNeeded: inodes.mnt))
            stream.encoder.append(UInt32(truncatingIfNeeded: inodes.net))
            stream.encoder.append(UInt32(truncatingIfNeeded: inodes.user))
            stream.encoder.append(UInt32(truncatingIfNeeded: inodes.uts))
            stream.encoder.append(UInt32(truncatingIfNeeded: inodes.ipc))
            stream.encoder.append(UInt32(truncatingIfNeeded: inodes.cgroup))
        } else {
            // Unknown to the statedump and the forks (the idle task, a thread older than the
            // trace that never forked): what ftrace itself knows.
            stream.encoder.appendFixedText(tid == 0 ? "swapper/\(stream.cpu)" : "", count: 16)
            stream.encoder.append(tid)
            stream.encoder.append(tid)
            stream.encoder.append(tid)
            stream.encoder.append(tid)
            stream.encoder.bytes.append(contentsOf: repeatElement(0, count: 28))
        }
    }

    private func write(
        _ type: CTFFieldType, _ source: ResolvedSource, _ record: EventRecord, to stream: CTFStreamWriter
    ) {
        switch type {
        case .integer(let bits, _, _):
            stream.encoder.appendInteger(integerValue(source, record), bits: bits)
        case .fixedText(let count):
            if case .field(let index) = source {
                stream.encoder.appendFixedText(record.bytes(index), count: count)
            } else {
                stream.encoder.appendFixedText(UnsafeRawBufferPointer(start: nil, count: 0), count: count)
            }
        case .string:
            if case .field(let index) = source {
                stream.encoder.appendString(record.bytes(index))
            } else {
                stream.encoder.append(UInt8(0))
            }
        case .integerSequence(let bits, _, let wideLength):
            switch source {
            case .field(let index):
                let raw = record.bytes(index)
                let count = raw.count / (bits / 8)
                if wideLength {
                    stream.encoder.append(UInt32(count))
                } else {
                    stream.encoder.append(UInt8(truncatingIfNeeded: count))
                }
                stream.encoder.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[..<(count * bits / 8)]))
            case .namespaceIDs(let index):
                let tid = Int32(truncatingIfNeeded: record.signed(index))
                let context = tracker.context(tid: tid)
                let ids: [Int32] = context.map { $0.vtid >= 0 && $0.vtid != tid ? [tid, $0.vtid] : [tid] } ?? [tid]
                if wideLength {
                    stream.encoder.append(UInt32(ids.count))
                } else {
                    stream.encoder.append(UInt8(ids.count))
                }
                for id in ids { stream.encoder.appendInteger(UInt64(bitPattern: Int64(id)), bits: bits) }
            default:
                if wideLength { stream.encoder.append(UInt32(0)) } else { stream.encoder.append(UInt8(0)) }
            }
        }
    }

    private func integerValue(_ source: ResolvedSource, _ record: EventRecord) -> UInt64 {
        switch source {
        case .field(let index): return record.unsigned(index)
        case .priority(let index): return UInt64(bitPattern: record.signed(index) - 100)
        case .requestFlags(let index): return BlockRequestFlags(ftraceText: record.bytes(index)).rawValue
        case .currentThread: return UInt64(bitPattern: record.signed(commonPIDIndex[record.classIndex]))
        case .threadGroup(let index):
            let tid = Int32(truncatingIfNeeded: record.signed(index))
            return UInt64(bitPattern: Int64(tracker.context(tid: tid)?.pid ?? tid))
        case .pidNamespace(let index):
            return tracker.context(tid: Int32(truncatingIfNeeded: record.signed(index)))?.pidNamespace ?? 0
        case .namespaceIDs, .zero:
            return 0
        }
    }

    static func uuidText(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { byte in
            String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(
            separator: "-")
    }
}
