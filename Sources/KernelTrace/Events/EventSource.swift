/// What a consumer learns about a trace before its first event.
public struct TraceDescription: Sendable {
    /// Every event class the source can deliver.
    public var classes: EventClassTable
    /// The state of the system when tracing started (empty when the source has none: LTTng
    /// traces carry theirs as `lttng_statedump_*` events instead).
    public var statedump: Statedump
    /// Number of CPUs the trace covers (highest CPU seen + 1 when unknown up front).
    public var cpuCount: Int
    /// Clock name (`monotonic`, `mono`) and its offset from the Epoch in nanoseconds, for showing
    /// timestamps as wall-clock times. Timestamps in records already include `clockOffsetNanoseconds`
    /// when the source defines them that way (CTF); ftrace traces record 0 here and store the
    /// boot-to-Epoch offset in `epochOffsetNanoseconds`.
    public var clockName: String
    public var epochOffsetNanoseconds: Int64
    /// Free-form facts from the source (`hostname`, `kernel_release`, `tracer_name`, ...).
    public var environment: [String: String]

    public init(
        classes: EventClassTable, statedump: Statedump = Statedump(), cpuCount: Int = 0,
        clockName: String = "", epochOffsetNanoseconds: Int64 = 0, environment: [String: String] = [:]
    ) {
        self.classes = classes
        self.statedump = statedump
        self.cpuCount = cpuCount
        self.clockName = clockName
        self.epochOffsetNanoseconds = epochOffsetNanoseconds
        self.environment = environment
    }
}

/// Receives the events of a trace, in timestamp order across CPUs.
///
/// `consume(_:)` is the hot path: the record and everything it points at are valid only during
/// the call.
public protocol EventConsumer {
    /// Called once, before any event.
    mutating func begin(_ trace: TraceDescription)
    /// Called for every event, in non-decreasing timestamp order (ties keep per-CPU order).
    mutating func consume(_ record: EventRecord)
    /// The source lost `count` events on `cpu` before `timestamp` (ring buffer overrun, CTF
    /// `events_discarded`). Consumers count them and say so in their results.
    mutating func eventsLost(cpu: Int, count: UInt64, before timestamp: UInt64)
    /// Called once after the last event, with the timestamp the trace ends at.
    mutating func end(at timestamp: UInt64)
    /// The slots of `eventClass` this consumer reads, or nil when it may read any. Asked after
    /// `begin`, once per class; a source may then leave the other slots of that class's records
    /// undecoded (holding anything), so a consumer that answers must never read another.
    func fieldsRead(of eventClass: EventClass) -> [Int]?
    /// Whether the consumer can do without every record of `eventClass`. Asked after `begin`,
    /// once per class; a source may then pass over those events without decoding or
    /// delivering them, and tell `eventsSkipped` how many it passed and when.
    func skips(_ eventClass: EventClass) -> Bool
    /// `count` events of skipped classes of one CPU, stamped `first` to `last`. The call comes
    /// where the first of them falls in timestamp order (unless `takesSkippedEventsUnordered`);
    /// events delivered after it may be stamped before `last`. Only sources that asked `skips`
    /// call it.
    mutating func eventsSkipped(count: Int, first: UInt64, last: UInt64)
    /// True once the consumer needs only the count and the latest time of skipped events, not
    /// where they fall: `eventsSkipped` may then come as soon as the source passes them.
    var takesSkippedEventsUnordered: Bool { get }
}

extension EventConsumer {
    public func fieldsRead(of eventClass: EventClass) -> [Int]? { nil }
    public func skips(_ eventClass: EventClass) -> Bool { false }
    public mutating func eventsSkipped(count: Int, first: UInt64, last: UInt64) {}
    public var takesSkippedEventsUnordered: Bool { false }
    public mutating func eventsLost(cpu: Int, count: UInt64, before timestamp: UInt64) {}
    public mutating func end(at timestamp: UInt64) {}
}

/// Something that decodes a trace and pushes its events to a consumer: a Periscope trace
/// directory, a CTF trace, a synthetic trace built by a test.
public protocol EventSource {
    /// The classes, statedump and clock of the trace, available before `run`.
    var traceDescription: TraceDescription { get }
    /// Decodes every event in timestamp order and pushes it to `consumer`, calling `begin`
    /// first and `end` last. Throws on malformed input, after delivering what came before it.
    func run<Consumer: EventConsumer>(into consumer: inout Consumer) throws
    /// What the source accepted with reservations while opening and reading (damaged parts
    /// skipped, times repaired), for the commands to print: never a quiet success.
    var warnings: [String] { get }
    /// Events the capture itself counted as lost (the kernel's per-CPU buffer statistics at the
    /// end of the capture). Page headers carry only overwritten pages, not events dropped when
    /// a buffer was full, so an analysis reports the larger of this and what the pages said.
    var captureLostEventCount: UInt64 { get }
    /// The layout of the Periscope trace directory the source reads (its syscall argument
    /// formats live there), or nil for other sources.
    var traceDirectoryLayout: TraceDirectoryLayout? { get }
}

extension EventSource {
    public var warnings: [String] { [] }
    public var captureLostEventCount: UInt64 { 0 }
    public var traceDirectoryLayout: TraceDirectoryLayout? { nil }
}

/// Warning texts shared by the sources.
enum EventSourceWarnings {
    static func outOfOrder(_ count: Int) -> String {
        count == 1
            ? "1 event was stamped earlier than the event before it (a corrupt timestamp): it was given that event's time"
            : "\(count) events were stamped earlier than the events before them (corrupt timestamps): they were given those events' times"
    }
}
