import KernelTrace
import Testing
@testable import TraceAnalysis

/// The replay lets a CTF source pass over the events its analysis cannot hear
/// (`KernelEventHandler.eventInterests`): the reports must be the ones a full replay gives.
@Suite struct SkippedEventsTests {
    /// A consumer that takes every event: the replay as it was before skipping.
    struct Unskipping<Inner: EventConsumer>: EventConsumer {
        var inner: Inner
        mutating func begin(_ trace: TraceDescription) { inner.begin(trace) }
        mutating func consume(_ record: EventRecord) { inner.consume(record) }
        mutating func eventsLost(cpu: Int, count: UInt64, before timestamp: UInt64) {
            inner.eventsLost(cpu: cpu, count: count, before: timestamp)
        }
        mutating func end(at timestamp: UInt64) { inner.end(at: timestamp) }
        func fieldsRead(of eventClass: EventClass) -> [Int]? { inner.fieldsRead(of: eventClass) }
        func skips(_ eventClass: EventClass) -> Bool { false }
    }

    /// `base`, delivering every event to whatever consumer runs over it.
    struct UnskippedSource<Base: EventSource>: EventSource {
        let base: Base
        var traceDescription: TraceDescription { base.traceDescription }
        var warnings: [String] { base.warnings }
        var captureLostEventCount: UInt64 { base.captureLostEventCount }
        var traceDirectoryLayout: TraceDirectoryLayout? { base.traceDirectoryLayout }

        func run<Consumer: EventConsumer>(into consumer: inout Consumer) throws {
            var unskipping = Unskipping(inner: consumer)
            defer { consumer = unskipping.inner }
            try base.run(into: &unskipping)
        }
    }

    /// Counts what a CTF source delivers and skips, for a consumer that skips `skipped` classes.
    struct SkipCounting: EventConsumer {
        var skipped: Set<String>
        var delivered: [String: Int] = [:]
        var skippedCount = 0
        var lastTime: UInt64 = 0
        var runsOutOfOrder = 0
        var deliveredSkippedClass = 0
        var first: UInt64 = .max
        var end: UInt64 = 0

        mutating func begin(_ trace: TraceDescription) {}
        func skips(_ eventClass: EventClass) -> Bool { skipped.contains(eventClass.name) }
        mutating func consume(_ record: EventRecord) {
            delivered[record.eventClass.name, default: 0] += 1
            if skipped.contains(record.eventClass.name) { deliveredSkippedClass += 1 }
            first = min(first, record.timestamp)
            lastTime = record.timestamp
        }
        mutating func eventsSkipped(count: Int, first: UInt64, last: UInt64) {
            // A run comes where its first event falls: not before an event already delivered.
            if first < lastTime { runsOutOfOrder += 1 }
            skippedCount += count
            self.first = min(self.first, first)
        }
        mutating func end(at timestamp: UInt64) { end = timestamp }
    }

    static var traces: [String] { ["basic-kernel-analysis", "16-cores-rt", "picotrace"] }
    static let reason: Comment = "needs shared/traces/lttng-ref beside the repository"

    @Test(
        "every analysis reports the same with skipped events as with every event delivered",
        .enabled(if: LTTngAnalysesComparisonTests.archiveAvailable, reason), arguments: traces)
    func reportsUnchanged(trace: String) throws {
        let path = try LTTngAnalysesComparisonTests.extracted(trace)
        for kind in AnalysisKind.allCases where kind != .periods {
            let skipping = try TraceAnalysisRunner.run(
                kind, source: try CTFTraceSource(path: path), options: AnalysisOptions())
            let full = try TraceAnalysisRunner.run(
                kind, source: UnskippedSource(base: try CTFTraceSource(path: path)), options: AnalysisOptions())
            #expect(skipping == full, "\(kind) on \(trace)")
        }
        // A window given relative to the trace's start: the start may be a skipped event.
        var windowed = AnalysisOptions()
        windowed.filter.begin = .sinceStart(500_000_000)
        windowed.filter.end = .sinceStart(1_500_000_000)
        let skipping = try TraceAnalysisRunner.run(.cputop, source: try CTFTraceSource(path: path), options: windowed)
        let full = try TraceAnalysisRunner.run(
            .cputop, source: UnskippedSource(base: try CTFTraceSource(path: path)), options: windowed)
        #expect(skipping == full)
    }

    @Test(
        "a CTF source delivers every event of the other classes, counts the skipped ones and ends at the last",
        .enabled(if: LTTngAnalysesComparisonTests.archiveAvailable, reason))
    func sourceCountsSkippedEvents() throws {
        let path = try LTTngAnalysesComparisonTests.extracted("16-cores-rt")
        var everything = SkipCounting(skipped: [])
        try CTFTraceSource(path: path).run(into: &everything)
        var counting = SkipCounting(skipped: ["rcu_utilization", "power_cpu_idle", "kmem_cache_free", "sched_waking"])
        try CTFTraceSource(path: path).run(into: &counting)
        // babeltrace2 counts 97,648 rcu_utilization, 21,710 power_cpu_idle, 10,030 kmem_cache_free
        // and 16,025 sched_waking events in this trace.
        #expect(counting.skippedCount == 97_648 + 21_710 + 10_030 + 16_025)
        #expect(counting.deliveredSkippedClass == 0)
        #expect(counting.runsOutOfOrder == 0)
        var expected = everything.delivered
        for name in counting.skipped { expected[name] = nil }
        #expect(counting.delivered == expected)
        #expect(counting.first == everything.first)
        #expect(counting.end == everything.end)
    }

    @Test("the replay skips only events whose state its handler never hears about")
    func replayerSkipsByInterest() {
        func payload(_ names: [String]) -> [EventFieldDescription] {
            names.map { EventFieldDescription(name: $0, kind: .signedInteger, scope: .payload, sizeInBits: 32) }
        }
        var classes = EventClassTable()
        let tidContext = EventFieldDescription(
            name: "tid", kind: .unsignedInteger, scope: .streamEventContext, sizeInBits: 32)
        let named: [(String, [EventFieldDescription])] = [
            ("sched_switch", payload(["prev_tid", "prev_state", "next_tid"])),
            ("sched_waking", payload(["tid", "prio"])),
            ("lttng_statedump_process_state", payload(["tid", "pid"])),
            ("syscall_entry_read", payload(["fd", "count"])),
            ("irq_softirq_entry", payload(["vec"])),
            ("kmem_mm_page_alloc", payload(["order"])),
            ("block_rq_complete", payload(["dev", "sector"])),
            ("rcu_utilization", payload(["s"])),
            ("syscall_exit_read", [tidContext] + payload(["ret"]))
        ]
        let eventClasses = named.enumerated().map {
            classes.add(name: $0.element.0, id: UInt64($0.offset), fields: $0.element.1)
        }
        func skipped<Handler: KernelEventHandler>(_ handler: Handler) -> [String] {
            var replayer = KernelStateReplayer(handler: handler)
            replayer.begin(TraceDescription(classes: classes))
            return eventClasses.filter(replayer.skips).map(\.name)
        }
        let options = AnalysisOptions()
        let nonScheduling = ["syscall_entry_read", "irq_softirq_entry", "kmem_mm_page_alloc", "block_rq_complete"]
        // The syscall exit names its thread in a `tid` context: the replay follows it for every analysis.
        #expect(skipped(CPUTop(options: options)) == nonScheduling + ["rcu_utilization"])
        #expect(skipped(SchedLatency(options: options)) == nonScheduling + ["rcu_utilization"])
        #expect(
            skipped(Syscalls(options: options))
                == ["irq_softirq_entry", "kmem_mm_page_alloc", "block_rq_complete", "rcu_utilization"])
        #expect(
            skipped(IOUsage(options: options)) == ["irq_softirq_entry", "kmem_mm_page_alloc", "rcu_utilization"])
        #expect(
            skipped(MemTop(options: options))
                == ["syscall_entry_read", "irq_softirq_entry", "block_rq_complete", "rcu_utilization"])
        #expect(skipped(PeriodAnalysis(options: options, definitions: [])).isEmpty)
    }
}
