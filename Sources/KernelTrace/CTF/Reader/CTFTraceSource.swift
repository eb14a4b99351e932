/// An `EventSource` over one or more CTF 1.8 traces (an LTTng session directory with `kernel/`
/// and `ust/` traces, or a single trace directory), merged in timestamp order.
public final class CTFTraceSource: EventSource {
    public let traceDescription: TraceDescription
    /// The directories holding a `metadata` file that were found.
    public let traceDirectories: [String]
    private let traces: [CTFTrace]
    private let streamFiles: [(path: String, trace: CTFTrace)]
    /// Events of the last `run` stamped before the event delivered ahead of them.
    public private(set) var outOfOrderEventCount = 0

    public var warnings: [String] {
        outOfOrderEventCount == 0 ? [] : [EventSourceWarnings.outOfOrder(outOfOrderEventCount)]
    }

    /// Finds every CTF trace under `path` (babeltrace2 does the same) and parses its metadata.
    public init(path: String) throws {
        let directories = try CTFDirectory.traceDirectories(under: path)
        guard !directories.isEmpty else { throw CTFReaderError.noMetadata(path: path) }
        var classes = EventClassTable()
        var traces: [CTFTrace] = []
        var files: [(String, CTFTrace)] = []
        var environment: [String: String] = [:]
        var clockName = ""
        for directory in directories {
            let trace = try CTFTrace(directory: directory, classes: &classes)
            traces.append(trace)
            files += try trace.streamFiles().map { ($0, trace) }
            environment.merge(trace.metadata.environment) { first, _ in first }
            if clockName.isEmpty { clockName = trace.metadata.clocks.keys.sorted().first ?? "" }
        }
        self.traceDirectories = directories
        self.traces = traces
        self.streamFiles = files
        self.traceDescription = TraceDescription(classes: classes, clockName: clockName, environment: environment)
    }

    /// The time the trace covers, from packet headers alone (for progress), or nil when the
    /// packets do not say.
    public func timeRange() -> ClosedRange<UInt64>? {
        var lower: UInt64 = .max, upper: UInt64 = 0
        for file in streamFiles {
            guard let cursor = try? CTFStreamCursor(path: file.path, trace: file.trace),
                let range = try? cursor.packetTimeRange()
            else { continue }
            lower = min(lower, range.lowerBound)
            upper = max(upper, range.upperBound)
        }
        return lower <= upper ? lower...upper : nil
    }

    /// Whether `path` holds at least one CTF trace.
    public static func isCTFTrace(path: String) -> Bool {
        (try? CTFDirectory.traceDirectories(under: path).isEmpty == false) ?? false
    }

    public func run<Consumer: EventConsumer>(into consumer: inout Consumer) throws {
        var cursors: [CTFStreamCursor] = []
        for file in streamFiles {
            let cursor = try CTFStreamCursor(path: file.path, trace: file.trace)
            if try cursor.advance() { cursors.append(cursor) }
        }
        var description = traceDescription
        description.cpuCount = (cursors.map(\.cpu).max() ?? -1) + 1
        consumer.begin(description)

        let slotCapacity = max(1, description.classes.classes.map(\.fields.count).max() ?? 1)
        let slots = UnsafeMutablePointer<EventFieldSlot>.allocate(capacity: slotCapacity)
        slots.initialize(repeating: .absent, count: slotCapacity)
        var scratch = CTFScratch(capacity: 1 << 20)
        defer {
            slots.deallocate()
            scratch.deallocate()
        }
        var heap = CTFCursorHeap(timestamps: cursors.map(\.pendingTimestamp))
        // The loop reaches cursors unretained (the array keeps them alive): reference counting
        // per event was a fifth of the CTF path.
        let references = cursors.map { Unmanaged.passUnretained($0) }
        var lastTimestamp: UInt64 = 0
        outOfOrderEventCount = 0
        try withExtendedLifetime(cursors) {
            while let order = heap.top {
                // The cursor's next timestamp, nil once it is exhausted.
                let step = try references[order]._withUnsafeGuaranteedRef { cursor throws -> UInt64?? in
                    guard let event = cursor.pendingEvent else { return .none }
                    if cursor.pendingLostEvents > 0 {
                        consumer.eventsLost(
                            cpu: cursor.cpu, count: cursor.pendingLostEvents, before: cursor.packetBeginTimestamp)
                        cursor.pendingLostEvents = 0
                    }
                    scratch.used = 0
                    try cursor.decodePending(into: slots, scratch: &scratch)
                    // Consumers subtract earlier times from later ones: a corrupt packet's time going
                    // backwards is delivered at the time already reached, and counted.
                    if cursor.pendingTimestamp < lastTimestamp {
                        outOfOrderEventCount += 1
                    } else {
                        lastTimestamp = cursor.pendingTimestamp
                    }
                    event._withUnsafeGuaranteedRef {
                        consumer.consume(
                            EventRecord(
                                timestamp: lastTimestamp, cpu: cursor.cpu, eventClass: $0.eventClass, slots: slots))
                    }
                    return .some(try cursor.advance() ? cursor.pendingTimestamp : nil)
                }
                guard let next = step else { break }
                if let next { heap.topChanged(timestamp: next) } else { heap.removeTop() }
            }
        }
        consumer.end(at: lastTimestamp)
    }
}

/// A binary min-heap of stream cursors (by their index in file order) ordered by their pending
/// event's timestamp, ties by file order, so equal timestamps come out deterministically. The
/// timestamps are kept in the heap so a comparison touches no cursor.
struct CTFCursorHeap {
    private struct Entry {
        var timestamp: UInt64
        var order: Int
    }

    private var items: [Entry]

    init(timestamps: [UInt64]) {
        items = timestamps.enumerated().map { Entry(timestamp: $0.element, order: $0.offset) }
        for index in stride(from: items.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    /// The file-order index of the cursor with the earliest pending event.
    var top: Int? { items.first?.order }

    private func less(_ a: Int, _ b: Int) -> Bool {
        let left = items[a], right = items[b]
        if left.timestamp != right.timestamp { return left.timestamp < right.timestamp }
        return left.order < right.order
    }

    /// The top cursor advanced to an event at `timestamp`.
    mutating func topChanged(timestamp: UInt64) {
        items[0].timestamp = timestamp
        siftDown(0)
    }

    mutating func removeTop() {
        items.swapAt(0, items.count - 1)
        items.removeLast()
        if !items.isEmpty { siftDown(0) }
    }

    private mutating func siftDown(_ start: Int) {
        var index = start
        while true {
            let left = 2 * index + 1, right = left + 1
            var smallest = index
            if left < items.count && less(left, smallest) { smallest = left }
            if right < items.count && less(right, smallest) { smallest = right }
            if smallest == index { return }
            items.swapAt(index, smallest)
            index = smallest
        }
    }
}
