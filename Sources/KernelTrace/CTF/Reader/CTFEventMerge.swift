/// The events of a CTF trace's streams merged in timestamp order and delivered to a consumer,
/// with the classes it skips passed over by the cursors themselves (`CTFTraceSource.run`).
///
/// A struct of its own so the per-event path works on stored properties: the variables a
/// closure captures cost a dynamic exclusivity check at every access.
struct CTFEventMerge {
    private let cursors: [CTFStreamCursor]
    /// `cursors` unretained (the array keeps them alive): reference counting per event was a
    /// fifth of the CTF path.
    private let references: [Unmanaged<CTFStreamCursor>]
    private var heap: CTFCursorHeap
    /// Per class, the program decoding the fields the consumer reads, chosen at the class's first
    /// event (an LTTng kernel trace declares ~1,200 classes and uses a few dozen).
    private var programs: ContiguousArray<Unmanaged<CTFCompiledProgram>?>
    /// Per class the consumer skips, how to step over its events: the cursors pass those by
    /// outside the merge (most of a trace, for an analysis of scheduling).
    private let skipSteps: UnsafeMutablePointer<CTFSkipStep?>
    private let classCount: Int
    /// The programs made here, which `programs` and `skipSteps` hold unretained.
    private var madePrograms: [CTFCompiledProgram] = []
    private let slots: UnsafeMutablePointer<EventFieldSlot>
    private var scratch = CTFScratch(capacity: 1 << 20)
    private var lastTimestamp: UInt64 = 0
    private var skippedThrough: UInt64 = 0
    /// Asked of the consumer until it turns true (it stays true): reading a property of a
    /// generic consumer may copy it, a retain of everything it holds.
    private var skippedUnordered = false
    /// Events stamped before the event delivered ahead of them.
    private(set) var outOfOrderEventCount = 0

    /// Merges `cursors`, each already advanced to its first event.
    init(cursors: [CTFStreamCursor], classes: EventClassTable) {
        self.cursors = cursors
        references = cursors.map { Unmanaged.passUnretained($0) }
        heap = CTFCursorHeap(timestamps: cursors.map(\.pendingTimestamp))
        classCount = classes.classes.count
        programs = ContiguousArray(repeating: nil, count: classCount)
        skipSteps = .allocate(capacity: max(classCount, 1))
        skipSteps.initialize(repeating: nil, count: max(classCount, 1))
        let slotCapacity = max(1, classes.classes.map(\.fields.count).max() ?? 1)
        slots = .allocate(capacity: slotCapacity)
        slots.initialize(repeating: .absent, count: slotCapacity)
    }

    func deallocate() {
        slots.deallocate()
        skipSteps.deinitialize(count: max(classCount, 1))
        skipSteps.deallocate()
        scratch.deallocate()
        heap.deallocate()
    }

    /// Delivers every event to `consumer` (which has begun), then ends it.
    mutating func run<Consumer: EventConsumer>(into consumer: inout Consumer) throws {
        defer { withExtendedLifetime(cursors) {} }
        while let order = heap.top {
            let key = try references[order]._withUnsafeGuaranteedRef { try step($0, consumer: &consumer) }
            guard let key else { break }
            if let key { heap.topChanged(timestamp: key) } else { heap.removeTop() }
        }
        consumer.end(at: max(lastTimestamp, skippedThrough))
    }

    /// Delivers what the top cursor holds (lost events, a run of skipped events, its pending
    /// event) and moves it on. Returns its next key in the merge, nil once it is exhausted.
    private mutating func step<Consumer: EventConsumer>(
        _ cursor: CTFStreamCursor, consumer: inout Consumer
    ) throws -> UInt64?? {
        if cursor.pendingLostEvents > 0 {
            consumer.eventsLost(cpu: cursor.cpu, count: cursor.pendingLostEvents, before: cursor.packetBeginTimestamp)
            cursor.pendingLostEvents = 0
        }
        // A run of skipped events is told where its first event falls, then the cursor goes
        // back into the merge at its next event.
        if cursor.skippedCount > 0 {
            tellSkipped(cursor, consumer: &consumer)
            return .some(cursor.pendingEvent == nil ? nil : cursor.pendingTimestamp)
        }
        guard let event = cursor.pendingEvent else { return .none }
        scratch.used = 0
        let classIndex = event._withUnsafeGuaranteedRef { $0.eventClass.index }
        // No program: the class's first event, or an event of a skipped class that the cursor
        // came to before the class was known to be skipped.
        guard let program = programs[classIndex] else {
            if skipSteps[classIndex] == nil { event._withUnsafeGuaranteedRef { choose($0, consumer: consumer) } }
            if let stepping = skipSteps[classIndex] {
                try cursor.skipPending(stepping, slots: slots, scratch: &scratch)
                return .some(try nextKey(cursor, consumer: &consumer))
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
                EventRecord(timestamp: lastTimestamp, cpu: cursor.cpu, eventClass: $0.eventClass, slots: slots))
        }
        return .some(try nextKey(cursor, consumer: &consumer))
    }

    /// At a class's first event: skipped, or decoded with the fields the consumer reads.
    private mutating func choose<Consumer: EventConsumer>(_ plan: CTFTrace.EventPlan, consumer: Consumer) {
        let index = plan.eventClass.index
        if consumer.skips(plan.eventClass) {
            let stepping = plan.program.decoding(only: [])
            madePrograms.append(stepping)
            skipSteps[index] = CTFSkipStep(stepping)
            return
        }
        var chosen = plan.programReference
        if let selected = consumer.fieldsRead(of: plan.eventClass).map(plan.program.decoding(only:)),
            selected !== plan.program
        {
            madePrograms.append(selected)
            chosen = Unmanaged.passUnretained(selected)
        }
        programs[index] = chosen
    }

    /// The cursor's key in the merge after it moved on: where its run of skipped events starts
    /// (until the consumer takes them unordered), else its next event; nil once it has neither.
    private mutating func nextKey<Consumer: EventConsumer>(
        _ cursor: CTFStreamCursor, consumer: inout Consumer
    ) throws -> UInt64? {
        let more = try cursor.advance(skipping: skipSteps, slots: slots, scratch: &scratch)
        if cursor.skippedCount > 0 {
            if !skippedUnordered { skippedUnordered = consumer.takesSkippedEventsUnordered }
            guard skippedUnordered else { return cursor.firstSkippedTimestamp }
            tellSkipped(cursor, consumer: &consumer)
        }
        if !more && cursor.pendingLostEvents > 0 {
            // The last packets held only skipped events: their losses are told before the cursor leaves.
            consumer.eventsLost(cpu: cursor.cpu, count: cursor.pendingLostEvents, before: cursor.packetBeginTimestamp)
            cursor.pendingLostEvents = 0
        }
        return more ? cursor.pendingTimestamp : nil
    }

    private mutating func tellSkipped<Consumer: EventConsumer>(_ cursor: CTFStreamCursor, consumer: inout Consumer) {
        consumer.eventsSkipped(
            count: cursor.skippedCount, first: cursor.firstSkippedTimestamp, last: cursor.lastSkippedTimestamp)
        skippedThrough = max(skippedThrough, cursor.lastSkippedTimestamp)
        cursor.clearSkipped()
    }
}
