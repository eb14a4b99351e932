import ContainerInventory
#if canImport(Glibc)
import Glibc
#endif

/// `periscope trace dump`: one line per event, babeltrace-like, with the container and
/// namespace context of "LTTng: the road to container awareness" (FOSDEM 2018) in front of the payload:
///
///     [15:54:15.216386600] (+0.000006785) cpu 1 raw_syscalls:sys_enter: { tid = 11734, pid = 11734,
///     vtid = 1, pid_ns = 4026532572, procname = "redis-server", container = "some-redis" },
///     { id = 96 (gettimeofday), args = [...] }
public struct EventTextFormatter: EventConsumer {
    public struct Options: Sendable {
        /// Print CLOCK_MONOTONIC seconds instead of wall-clock time of day (UTC).
        public var monotonicTime = false
        /// Only events of these containers (display names or ids); empty means all.
        public var containers: [String] = []
        public var limit: Int?
        public init() {}
    }

    public private(set) var output: TextLineBuffer
    public private(set) var printedCount = 0
    public private(set) var eventCount = 0
    public private(set) var lostEventCount: UInt64 = 0
    public private(set) var writeError: TraceDirectoryError?
    private let options: Options
    private let tracker: ThreadContextTracker
    private let syscalls: SyscallTable
    private var epochOffset: Int64 = 0
    private var previousTimestamp: UInt64?
    private var cachedSecond: Int64 = -1
    private var cachedTimeOfDay: (hour: UInt64, minute: UInt64, second: UInt64) = (0, 0, 0)
    private var commonPIDIndex: [Int] = []
    private var syscallIDIndex: [Int] = []
    private var containerAllowed: [Bool] = []
    private var classNames: [[UInt8]] = []
    private var fieldNames: [[[UInt8]]] = []
    private let hostAllowed: Bool

    /// Throws when `options.containers` names no container of the trace, or several.
    public init(
        reader: PeriscopeTraceReader, options: Options, output: TextLineBuffer, source: String = "the trace"
    ) throws(ContainerMatchError) {
        self.options = options
        self.output = output
        tracker = ThreadContextTracker(statedump: reader.recordedStatedump, classes: reader.traceDescription.classes)
        syscalls = SyscallTable(machine: reader.metadata.machine)
        // The host first, then the trace's containers, as `ContainerMatcher` names them.
        let matcher = ContainerMatcher(
            recorded: [ContainerCandidate(key: .host, name: nil)] + tracker.containers.map(\.matchCandidate),
            source: source)
        let chosen = Set(try matcher.matchAll(options.containers))
        containerAllowed = tracker.containers.indices.map { options.containers.isEmpty || chosen.contains($0 + 1) }
        hostAllowed = options.containers.isEmpty || chosen.contains(0)
    }

    public var isDone: Bool { options.limit.map { printedCount >= $0 } ?? false }

    public mutating func begin(_ trace: TraceDescription) {
        epochOffset = trace.epochOffsetNanoseconds
        commonPIDIndex = trace.classes.classes.map { $0.fieldIndex(named: "common_pid") ?? -1 }
        classNames = trace.classes.classes.map { Array($0.qualifiedName.utf8) }
        fieldNames = trace.classes.classes.map { $0.fields.map { Array($0.name.utf8) } }
        syscallIDIndex = trace.classes.classes.map {
            $0.system == "raw_syscalls" ? ($0.fieldIndex(named: "id") ?? -1) : -1
        }
    }

    public mutating func consume(_ record: EventRecord) {
        eventCount += 1
        tracker.observe(record)
        guard !isDone, writeError == nil else { return }
        let pidIndex = commonPIDIndex[record.classIndex]
        let tid = pidIndex >= 0 ? Int32(truncatingIfNeeded: record.signed(pidIndex)) : -1
        let context = tracker.context(tid: tid)
        if let index = context?.containerIndex {
            guard containerAllowed[index] else { return }
        } else if !hostAllowed {
            return
        }
        printedCount += 1
        appendTime(record.timestamp)
        output.append(" cpu ")
        output.appendDecimal(Int64(record.cpu))
        output.append(byte: UInt8(ascii: " "))
        classNames[record.classIndex].withUnsafeBytes { output.append($0) }
        output.append(": { tid = ")
        output.appendDecimal(Int64(tid))
        if let context {
            output.append(", pid = ")
            output.appendDecimal(Int64(context.pid))
            output.append(", vtid = ")
            output.appendDecimal(Int64(context.vtid))
            output.append(", pid_ns = ")
            output.appendDecimal(context.pidNamespace)
            output.append(", procname = ")
            var comm = context.comm
            comm.withUTF8 { output.appendQuoted(UnsafeRawBufferPointer($0)) }
            if let container = tracker.container(of: context) {
                output.append(", container = ")
                output.append(byte: UInt8(ascii: "\""))
                output.append(container.displayName)
                output.append(byte: UInt8(ascii: "\""))
            }
        }
        output.append(" }, { ")
        var first = true
        let fields = record.eventClass.fields
        for index in fields.indices where fields[index].scope != .common {
            if !first { output.append(", ") }
            first = false
            fieldNames[record.classIndex][index].withUnsafeBytes { output.append($0) }
            output.append(" = ")
            appendValue(record, index, fields[index])
            if index == syscallIDIndex[record.classIndex] {
                output.append(" (")
                output.append(syscalls.name(record.signed(index)))
                output.append(byte: UInt8(ascii: ")"))
            }
        }
        output.append(" }\n")
        do { try output.flushIfLarge() } catch { writeError = error }
    }

    public mutating func eventsLost(cpu: Int, count: UInt64, before timestamp: UInt64) {
        lostEventCount &+= count  // a page header's count comes from the file
        guard !isDone else { return }
        appendTime(timestamp)
        output.append(" cpu ")
        output.appendDecimal(Int64(cpu))
        output.append(" LOST ")
        output.appendDecimal(count)
        output.append(" events\n")
    }

    public mutating func end(at timestamp: UInt64) { flush() }

    /// Writes what is buffered (also after a decode error, so the events before it show).
    public mutating func flush() {
        do { try output.flush() } catch { writeError = error }
    }

    private mutating func appendValue(_ record: EventRecord, _ index: Int, _ field: EventFieldDescription) {
        switch field.kind {
        case .signedInteger, .enumeration(signed: true):
            output.appendDecimal(record.signed(index))
        case .unsignedInteger, .enumeration(signed: false):
            if field.displayBase == 16 {
                output.appendHexadecimal(record.unsigned(index))
            } else {
                output.appendDecimal(record.unsigned(index))
            }
        case .floatingPoint:
            output.append(String(record.double(index)))
        case .string:
            output.appendQuoted(record.bytes(index))
        case .bytes:
            output.append("[")
            for (position, byte) in record.bytes(index).enumerated() {
                if position > 0 { output.append(", ") }
                output.appendDecimal(UInt64(byte))
            }
            output.append("]")
        case .integerArray:
            output.append("[")
            for element in 0..<record.elementCount(index) {
                if element > 0 { output.append(", ") }
                let value = record.integerArrayElement(index, at: element)
                if field.isSigned {
                    output.appendDecimal(value)
                } else {
                    output.appendHexadecimal(UInt64(bitPattern: value))
                }
            }
            output.append("]")
        case .compound:
            output.append("<")
            output.appendDecimal(UInt64(record.bytes(index).count))
            output.append(" bytes>")
        }
    }

    /// `[HH:MM:SS.nnnnnnnnn] (+S.nnnnnnnnn)`, wall clock UTC or mono seconds.
    private mutating func appendTime(_ timestamp: UInt64) {
        output.append("[")
        if options.monotonicTime {
            output.appendDecimal(timestamp / 1_000_000_000)
            output.append(".")
            output.appendDecimal(timestamp % 1_000_000_000, minimumDigits: 9)
        } else {
            let wall = Int64(bitPattern: timestamp) &+ epochOffset
            let seconds = wall / 1_000_000_000
            if seconds != cachedSecond {
                // gmtime once per second of trace, not per event.
                var time = time_t(seconds)
                var parts = tm()
                gmtime_r(&time, &parts)
                cachedSecond = seconds
                cachedTimeOfDay = (UInt64(parts.tm_hour), UInt64(parts.tm_min), UInt64(parts.tm_sec))
            }
            output.appendDecimal(cachedTimeOfDay.hour, minimumDigits: 2)
            output.append(":")
            output.appendDecimal(cachedTimeOfDay.minute, minimumDigits: 2)
            output.append(":")
            output.appendDecimal(cachedTimeOfDay.second, minimumDigits: 2)
            output.append(".")
            output.appendDecimal(UInt64(wall % 1_000_000_000), minimumDigits: 9)
        }
        output.append("] (+")
        let delta = previousTimestamp.map { timestamp >= $0 ? timestamp - $0 : 0 } ?? 0
        previousTimestamp = timestamp
        output.appendDecimal(delta / 1_000_000_000)
        output.append(".")
        output.appendDecimal(delta % 1_000_000_000, minimumDigits: 9)
        output.append(")")
    }
}
