import Benchmark
import Foundation
import KernelTrace

#if canImport(Glibc)
import Glibc
#endif

// Decoding speed of the ftrace ring-buffer decoder on a real recorded trace of at least 10
// million events. `scripts/compare-trace-decode.sh` records it (syscalls + sched under a dd
// load) into /tmp/periscope-bench-trace and compares with babeltrace2 on its CTF
// conversion; set PERISCOPE_BENCH_TRACE to use another trace directory. Without a trace the
// benchmarks are not registered (recording needs root and tracefs).

private let traceDirectory =
    ProcessInfo.processInfo.environment["PERISCOPE_BENCH_TRACE"] ?? "/tmp/periscope-bench-trace"

/// Events decoded per second of this process's CPU time: the number the 10 M/s goal is about.
private let eventsPerCPUSecond = BenchmarkMetric.custom(
    "events per CPU second (M)", polarity: .prefersLarger, useScalingFactor: false)
private let eventsDecoded = BenchmarkMetric.custom(
    "events decoded (M)", polarity: .prefersLarger, useScalingFactor: false)

private func processCPUNanoseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return now.tv_sec * 1_000_000_000 + now.tv_nsec
}

/// Reads one integer field per event (resolved once per class), as an analysis would.
private struct FieldReadingConsumer: EventConsumer {
    var events = 0
    var checksum = 0
    var pidIndex: [Int] = []
    mutating func begin(_ trace: TraceDescription) {
        pidIndex = trace.classes.classes.map { $0.fieldIndex(named: "common_pid") ?? 0 }
    }
    mutating func consume(_ record: EventRecord) {
        events += 1
        checksum &+= record.integer(pidIndex[record.classIndex])
    }
}

/// Also follows every thread's container context (what `trace dump` and the CTF writer do).
private struct ContextTrackingConsumer: EventConsumer {
    let tracker: ThreadContextTracker
    var events = 0
    var inContainers = 0
    var pidIndex: [Int] = []
    mutating func begin(_ trace: TraceDescription) {
        pidIndex = trace.classes.classes.map { $0.fieldIndex(named: "common_pid") ?? 0 }
    }
    mutating func consume(_ record: EventRecord) {
        events += 1
        tracker.observe(record)
        if tracker.context(tid: Int32(truncatingIfNeeded: record.integer(pidIndex[record.classIndex])))?.containerIndex
            != nil
        {
            inContainers += 1
        }
    }
}

/// Decodes the whole trace into `consumer` per iteration and records the rate.
private func measureDecoding<Consumer: EventConsumer>(
    _ benchmark: Benchmark, _ reader: PeriscopeTraceReader,
    makeConsumer: () -> Consumer, count: (Consumer) -> Int
) throws {
    for _ in benchmark.scaledIterations {
        var consumer = makeConsumer()
        let start = processCPUNanoseconds()
        try reader.decode(into: &consumer)
        let cpu = processCPUNanoseconds() - start
        let events = count(consumer)
        benchmark.measurement(eventsPerCPUSecond, Int(Double(events) / (Double(cpu) / 1e9) / 1e6))
        benchmark.measurement(eventsDecoded, events / 1_000_000)
        blackHole(consumer)
    }
}

let benchmarks: @Sendable () -> Void = {
    guard let reader = try? PeriscopeTraceReader(directory: traceDirectory) else {
        print(
            "TraceBenchmarks: no trace at \(traceDirectory); run scripts/compare-trace-decode.sh first (root, tracefs)")
        return
    }
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident, eventsPerCPUSecond, eventsDecoded],
        timeUnits: .milliseconds,
        units: [.mallocCountTotal: .count, eventsPerCPUSecond: .count, eventsDecoded: .count],
        warmupIterations: 1,
        scalingFactor: .one,
        maxDuration: .seconds(30),
        maxIterations: 5
    )

    Benchmark("TraceDecode.readOneField") { benchmark in
        try measureDecoding(benchmark, reader, makeConsumer: { FieldReadingConsumer() }, count: \.events)
    }

    Benchmark("TraceDecode.withContainerContext") { benchmark in
        try measureDecoding(
            benchmark, reader,
            makeConsumer: {
                ContextTrackingConsumer(
                    tracker: ThreadContextTracker(
                        statedump: reader.recordedStatedump, classes: reader.traceDescription.classes))
            }, count: \.events)
    }
}
