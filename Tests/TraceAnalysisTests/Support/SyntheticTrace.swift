import KernelTrace
import TraceAnalysis

/// A trace written by a test, event by event, with LTTng or ftrace naming: the expected results
/// of an analysis over it are known by construction.
struct SyntheticTrace: EventSource {
    enum Style {
        case lttng, ftrace
    }

    enum Value {
        case integer(Int64)
        case string(String)
        case integers([Int64])
    }

    struct Event {
        var timestamp: UInt64
        var cpu: Int
        var classIndex: Int
        var values: [String: Value]
    }

    let style: Style
    private(set) var classes = EventClassTable()
    private var classIndexByName: [String: Int] = [:]
    private(set) var events: [Event] = []
    var statedump = Statedump()
    var lostEvents: [(cpu: Int, count: UInt64, before: UInt64)] = []
    /// What the capture's statistics said was lost (metadata.json in a trace directory).
    var captureLostEventCount: UInt64 = 0

    init(style: Style) {
        self.style = style
    }

    var traceDescription: TraceDescription {
        TraceDescription(
            classes: classes, statedump: statedump, cpuCount: (events.map(\.cpu).max() ?? 0) + 1,
            environment: style == .ftrace ? ["machine": "x86_64"] : ["tracer_name": "lttng-modules"])
    }

    /// Declares a class on first use: `fields` are (name, kind); ftrace classes get `common_pid`.
    private mutating func classIndex(_ name: String, system: String, fields: [(String, EventFieldKind)]) -> Int {
        let key = system + ":" + name
        if let index = classIndexByName[key] { return index }
        var descriptions = fields.map { EventFieldDescription(name: $0.0, kind: $0.1, sizeInBits: 64) }
        if style == .ftrace {
            descriptions.insert(
                EventFieldDescription(name: "common_pid", kind: .signedInteger, scope: .common, sizeInBits: 32), at: 0)
        }
        let eventClass = classes.add(
            name: name, system: style == .ftrace ? system : "", id: UInt64(classes.count), fields: descriptions)
        classIndexByName[key] = eventClass.index
        return eventClass.index
    }

    mutating func add(
        _ name: String, system: String = "", at timestamp: UInt64, cpu: Int, current tid: Int64? = nil,
        fields: [(String, EventFieldKind)], values: [String: Value]
    ) {
        let index = classIndex(name, system: system, fields: fields)
        var values = values
        if style == .ftrace, let tid { values["common_pid"] = .integer(tid) }
        events.append(Event(timestamp: timestamp, cpu: cpu, classIndex: index, values: values))
    }

    // MARK: Scheduler

    mutating func schedSwitch(
        at time: UInt64, cpu: Int, prev: (tid: Int64, comm: String), prevState: Int64 = 0,
        next: (tid: Int64, comm: String), prio: Int64 = 20
    ) {
        let lttng = style == .lttng
        let priority = lttng ? prio : prio + 100
        add(
            "sched_switch", system: "sched", at: time, cpu: cpu, current: prev.tid,
            fields: [
                ("prev_comm", .string), (lttng ? "prev_tid" : "prev_pid", .signedInteger),
                ("prev_prio", .signedInteger),
                ("prev_state", .signedInteger), ("next_comm", .string),
                (lttng ? "next_tid" : "next_pid", .signedInteger),
                ("next_prio", .signedInteger)
            ],
            values: [
                "prev_comm": .string(prev.comm), lttng ? "prev_tid" : "prev_pid": .integer(prev.tid),
                "prev_prio": .integer(priority),
                "prev_state": .integer(prevState), "next_comm": .string(next.comm),
                lttng ? "next_tid" : "next_pid": .integer(next.tid),
                "next_prio": .integer(priority)
            ])
    }

    /// A `sched_wakeup` (or, with `event`, `sched_waking`/`sched_wakeup_new`) of `tid`.
    mutating func wakeup(
        _ event: String = "sched_wakeup", at time: UInt64, cpu: Int, waker: Int64 = 0, tid: Int64, comm: String,
        prio: Int64 = 20
    ) {
        let lttng = style == .lttng
        add(
            event, system: "sched", at: time, cpu: cpu, current: waker,
            fields: [
                ("comm", .string), (lttng ? "tid" : "pid", .signedInteger), ("prio", .signedInteger),
                ("target_cpu", .signedInteger)
            ],
            values: [
                "comm": .string(comm), lttng ? "tid" : "pid": .integer(tid),
                "prio": .integer(lttng ? prio : prio + 100), "target_cpu": .integer(Int64(cpu))
            ])
    }

    // MARK: Syscalls

    /// One syscall from `begin` to `end` on `cpu` by `tid` (who must be running there).
    mutating func syscall(
        _ name: String, number: Int64, tid: Int64, cpu: Int, begin: UInt64, end: UInt64, ret: Int64,
        fd: Int64? = nil, count: Int64? = nil, filename: String? = nil
    ) {
        switch style {
        case .lttng:
            var fields: [(String, EventFieldKind)] = []
            var values: [String: Value] = [:]
            if let fd { fields.append(("fd", .signedInteger)); values["fd"] = .integer(fd) }
            if let count { fields.append(("count", .unsignedInteger)); values["count"] = .integer(count) }
            if let filename { fields.append(("filename", .string)); values["filename"] = .string(filename) }
            add("syscall_entry_" + name, at: begin, cpu: cpu, fields: fields, values: values)
            add(
                "syscall_exit_" + name, at: end, cpu: cpu, fields: [("ret", .signedInteger)],
                values: ["ret": .integer(ret)])
        case .ftrace:
            add(
                "sys_enter", system: "raw_syscalls", at: begin, cpu: cpu, current: tid,
                fields: [("id", .signedInteger), ("args", .integerArray(elementBytes: 8, signed: false))],
                values: ["id": .integer(number), "args": .integers([fd ?? 0, 0, count ?? 0, 0, 0, 0])])
            add(
                "sys_exit", system: "raw_syscalls", at: end, cpu: cpu, current: tid,
                fields: [("id", .signedInteger), ("ret", .signedInteger)],
                values: ["id": .integer(number), "ret": .integer(ret)])
        }
    }

    // MARK: Interrupts, block, memory

    mutating func hardIRQ(_ irq: Int64, name: String, cpu: Int, begin: UInt64, end: UInt64) {
        add(
            "irq_handler_entry", system: "irq", at: begin, cpu: cpu, current: 0,
            fields: [("irq", .signedInteger), ("name", .string)],
            values: ["irq": .integer(irq), "name": .string(name)])
        add(
            "irq_handler_exit", system: "irq", at: end, cpu: cpu, current: 0,
            fields: [("irq", .signedInteger), ("ret", .signedInteger)],
            values: ["irq": .integer(irq), "ret": .integer(1)])
    }

    mutating func softIRQ(_ vector: Int64, cpu: Int, raise: UInt64, begin: UInt64, end: UInt64) {
        let prefix = style == .lttng ? "irq_softirq_" : "softirq_"
        for (suffix, time) in [("raise", raise), ("entry", begin), ("exit", end)] {
            add(
                prefix + suffix, system: "irq", at: time, cpu: cpu, current: 0, fields: [("vec", .unsignedInteger)],
                values: ["vec": .integer(vector)])
        }
    }

    mutating func block(
        _ name: String, at time: UInt64, cpu: Int, current: Int64, device: Int64, sector: Int64, sectors: Int64,
        write: Bool
    ) {
        block(
            name, at: time, cpu: cpu, current: current, device: device, sector: sector, sectors: sectors,
            rwbs: write ? "WS" : "R")
    }

    /// A block event with ftrace's `rwbs` text, or LTTng's bit mask for it.
    mutating func block(
        _ name: String, at time: UInt64, cpu: Int, current: Int64, device: Int64, sector: Int64, sectors: Int64,
        rwbs text: String
    ) {
        let lttngFlags = Array(text.utf8).withUnsafeBytes { BlockRequestFlags(ftraceText: $0).rawValue }
        let rwbs: (EventFieldKind, Value) =
            style == .lttng ? (.unsignedInteger, .integer(Int64(lttngFlags))) : (.string, .string(text))
        add(
            name, system: "block", at: time, cpu: cpu, current: current,
            fields: [
                ("dev", .unsignedInteger), ("sector", .unsignedInteger), ("nr_sector", .unsignedInteger),
                ("rwbs", rwbs.0)
            ],
            values: [
                "dev": .integer(device), "sector": .integer(sector), "nr_sector": .integer(sectors), "rwbs": rwbs.1
            ])
    }

    mutating func pages(allocated: Bool, order: Int64, at time: UInt64, cpu: Int, current: Int64) {
        let name =
            style == .lttng
            ? (allocated ? "kmem_mm_page_alloc" : "kmem_mm_page_free") : (allocated ? "mm_page_alloc" : "mm_page_free")
        add(
            name, system: "kmem", at: time, cpu: cpu, current: current,
            fields: [("pfn", .unsignedInteger), ("order", .unsignedInteger)],
            values: ["pfn": .integer(1), "order": .integer(order)])
    }

    // MARK: EventSource

    func run<Consumer: EventConsumer>(into consumer: inout Consumer) throws {
        consumer.begin(traceDescription)
        var lost = lostEvents
        for event in events.enumerated().sorted(by: {
            ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset)
        }).map(\.element) {
            while let first = lost.first, first.before <= event.timestamp {
                consumer.eventsLost(cpu: first.cpu, count: first.count, before: first.before)
                lost.removeFirst()
            }
            let eventClass = classes[event.classIndex]
            var storage: [[UInt8]] = []
            var slots: [EventFieldSlot] = []
            for field in eventClass.fields {
                switch event.values[field.name] {
                case .integer(let value)?: slots.append(.signed(value)); storage.append([])
                case .string(let text)?: storage.append(Array(text.utf8)); slots.append(.absent)
                case .integers(let values)?:
                    storage.append(values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } })
                    slots.append(.absent)
                case nil: slots.append(.signed(0)); storage.append([])
                }
            }
            try withSpans(storage, slots: slots, index: 0) { filled in
                filled.withUnsafeBufferPointer { buffer in
                    consumer.consume(
                        EventRecord(
                            timestamp: event.timestamp, cpu: event.cpu, eventClass: eventClass,
                            slots: buffer.baseAddress!))
                }
            }
        }
        consumer.end(at: events.map(\.timestamp).max() ?? 0)
    }

    /// Points span slots at their bytes, keeping every buffer alive for the call.
    private func withSpans(
        _ storage: [[UInt8]], slots: [EventFieldSlot], index: Int, _ body: ([EventFieldSlot]) throws -> Void
    ) throws {
        guard index < storage.count else { return try body(slots) }
        guard slots[index].presence == EventFieldSlot.absentMarker else {
            return try withSpans(storage, slots: slots, index: index + 1, body)
        }
        try storage[index].withUnsafeBytes { bytes in
            var filled = slots
            filled[index] = .span(bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), count: bytes.count)
            try withSpans(storage, slots: filled, index: index + 1, body)
        }
    }
}

let millisecond: UInt64 = 1_000_000
let microsecond: UInt64 = 1_000

extension SyntheticTrace {
    /// For the fuzz tests: rewrites every event in place (times, values), classes unchanged.
    mutating func rewriteEvents(_ body: (inout Event) -> Void) {
        for index in events.indices { body(&events[index]) }
    }
}
