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
        let classCount = description.classes.classes.count
        // Per class, the program to run: the fields the consumer reads, chosen at the class's
        // first event (an LTTng kernel trace declares ~1,200 classes and uses a few dozen).
        var selectedPrograms: [CTFCompiledProgram] = []
        var programs = ContiguousArray<Unmanaged<CTFCompiledProgram>?>(repeating: nil, count: classCount)
        // Per class the consumer skips, how to step over its events: the cursors pass those by
        // outside the merge (most of a trace, for an analysis of scheduling).
        let skipSteps = UnsafeMutablePointer<CTFSkipStep?>.allocate(capacity: max(classCount, 1))
        skipSteps.initialize(repeating: nil, count: max(classCount, 1))

        let slotCapacity = max(1, description.classes.classes.map(\.fields.count).max() ?? 1)
        let slots = UnsafeMutablePointer<EventFieldSlot>.allocate(capacity: slotCapacity)
        slots.initialize(repeating: .absent, count: slotCapacity)
        var scratch = CTFScratch(capacity: 1 << 20)
        var heap = CTFCursorHeap(timestamps: cursors.map(\.pendingTimestamp))
        defer {
            slots.deallocate()
            skipSteps.deinitialize(count: max(classCount, 1))
            skipSteps.deallocate()
            scratch.deallocate()
            heap.deallocate()
        }
        var skippedThrough: UInt64 = 0
        func tellSkipped(_ cursor: CTFStreamCursor) {
            consumer.eventsSkipped(
                count: cursor.skippedCount, first: cursor.firstSkippedTimestamp, last: cursor.lastSkippedTimestamp)
            skippedThrough = max(skippedThrough, cursor.lastSkippedTimestamp)
            cursor.clearSkipped()
        }
        // The cursor's key in the merge after it moved on: where its run of skipped events
        // starts (until the consumer takes them unordered), else its next event; nil once it
        // has neither.
        // Asked until it turns true (it stays true): reading a property of a generic consumer
        // may copy it, a retain of everything it holds.
        var skippedUnordered = false
        func nextKey(_ cursor: CTFStreamCursor) throws -> UInt64? {
            let more = try cursor.advance(skipping: skipSteps, slots: slots, scratch: &scratch)
            if cursor.skippedCount > 0 {
                if !skippedUnordered { skippedUnordered = consumer.takesSkippedEventsUnordered }
                guard skippedUnordered else { return cursor.firstSkippedTimestamp }
                tellSkipped(cursor)
            }
            return more ? cursor.pendingTimestamp : nil
        }
        // The loop reaches cursors unretained (the array keeps them alive): reference counting
        // per event was a fifth of the CTF path.
        let references = cursors.map { Unmanaged.passUnretained($0) }
        var lastTimestamp: UInt64 = 0
        outOfOrderEventCount = 0
        try withExtendedLifetime(cursors) {
            while let order = heap.top {
                // The cursor's next key, nil once it is exhausted.
                let step = try references[order]._withUnsafeGuaranteedRef { cursor throws -> UInt64?? in
                    if cursor.pendingLostEvents > 0 {
                        consumer.eventsLost(
                            cpu: cursor.cpu, count: cursor.pendingLostEvents, before: cursor.packetBeginTimestamp)
                        cursor.pendingLostEvents = 0
                    }
                    // A run of skipped events is told where its first event falls, then the cursor
                    // goes back into the merge at its next event.
                    if cursor.skippedCount > 0 {
                        tellSkipped(cursor)
                        return .some(cursor.pendingEvent == nil ? nil : cursor.pendingTimestamp)
                    }
                    guard let event = cursor.pendingEvent else { return .none }
                    scratch.used = 0
                    let classIndex = event._withUnsafeGuaranteedRef { $0.eventClass.index }
                    // No program: the class's first event, or an event of a skipped class that
                    // the cursor came to before the class was known to be skipped.
                    guard let program = programs[classIndex] else {
                        if skipSteps[classIndex] == nil {
                            event._withUnsafeGuaranteedRef { plan in
                                if consumer.skips(plan.eventClass) {
                                    let stepping = plan.program.decoding(only: [])
                                    selectedPrograms.append(stepping)
                                    skipSteps[classIndex] = CTFSkipStep(stepping)
                                    return
                                }
                                let selected = consumer.fieldsRead(of: plan.eventClass).map(
                                    plan.program.decoding(only:))
                                var chosen = plan.programReference
                                if let selected, selected !== plan.program {
                                    selectedPrograms.append(selected)
                                    chosen = Unmanaged.passUnretained(selected)
                                }
                                programs[classIndex] = chosen
                            }
                        }
                        if let stepping = skipSteps[classIndex] {
                            try cursor.skipPending(stepping, slots: slots, scratch: &scratch)
                            return .some(try nextKey(cursor))
                        }
                        return .some(cursor.pendingTimestamp)
                    }
                    try cursor.decodePending(program, into: slots, scratch: &scratch)
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
                    return .some(try nextKey(cursor))
                }
                guard let next = step else { break }
                if let next { heap.topChanged(timestamp: next) } else { heap.removeTop() }
            }
        }
        // `programs` and `skipSteps` hold these unretained.
        withExtendedLifetime(selectedPrograms) {}
        consumer.end(at: max(lastTimestamp, skippedThrough))
    }
}

/// A binary min-heap of stream cursors (by their index in file order) ordered by their pending
/// event's timestamp, ties by file order, so equal timestamps come out deterministically. The
/// timestamps are kept in the heap so a comparison touches no cursor; the entries live in a
/// buffer of their own (`deallocate()` when done), so a sift pays no uniqueness or bounds check
/// (an array's were a tenth of the merge, which sifts once per event).
struct CTFCursorHeap {
    private struct Entry {
        var timestamp: UInt64
        var order: Int
    }

    private let items: UnsafeMutablePointer<Entry>
    private var count: Int

    init(timestamps: [UInt64]) {
        items = .allocate(capacity: max(timestamps.count, 1))
        count = timestamps.count
        for (order, timestamp) in timestamps.enumerated() {
            (items + order).initialize(to: Entry(timestamp: timestamp, order: order))
        }
        for index in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    func deallocate() { items.deallocate() }

    /// The file-order index of the cursor with the earliest pending event.
    var top: Int? { count > 0 ? items[0].order : nil }

    @inline(__always)
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
        count -= 1
        items[0] = items[count]
        if count > 0 { siftDown(0) }
    }

    private func siftDown(_ start: Int) {
        var index = start
        while true {
            let left = 2 &* index &+ 1, right = left &+ 1
            var smallest = index
            if left < count && less(left, smallest) { smallest = left }
            if right < count && less(right, smallest) { smallest = right }
            if smallest == index { return }
            swap(&items[index], &items[smallest])
            index = smallest
        }
    }
}
