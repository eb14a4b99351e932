import Benchmark
import Foundation
import KernelTrace
import TraceAnalysis

#if canImport(Glibc)
import Glibc
#endif

// Throughput of the analyses, single-threaded, in events per second of process CPU time:
// - on a recorded trace of at least 10 million events (`scripts/compare-analyze.sh` records it
//   into /tmp/periscope-bench-trace with its CTF conversion beside it; PERISCOPE_BENCH_TRACE
//   overrides), through the ftrace decoder and through the CTF reader;
// - on a generated scheduler workload of 2 and 20 million events replayed from memory (no
//   decoding), whose peak memory shows that aggregate results do not grow with trace length.

private let traceDirectory =
    ProcessInfo.processInfo.environment["PERISCOPE_BENCH_TRACE"] ?? "/tmp/periscope-bench-trace"
private let eventsPerCPUSecond = BenchmarkMetric.custom(
    "events per CPU second (M)", polarity: .prefersLarger, useScalingFactor: false)

private func processCPUNanoseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return now.tv_sec * 1_000_000_000 + now.tv_nsec
}

/// A scheduler workload generated on the fly: 64 threads on 4 CPUs, each switch preceded by a
/// wake-up, with LTTng field names. One slot buffer is reused; nothing is allocated per event.
private struct GeneratedSchedulerTrace: EventSource {
    let eventCount: Int
    let traceDescription: TraceDescription
    private let switchClass: EventClass
    private let wakeupClass: EventClass

    init(eventCount: Int) {
        self.eventCount = eventCount
        var classes = EventClassTable()
        switchClass = classes.add(
            name: "sched_switch", id: 0,
            fields: [
                EventFieldDescription(name: "prev_comm", kind: .string),
                EventFieldDescription(name: "prev_tid", kind: .signedInteger, sizeInBits: 32),
                EventFieldDescription(name: "prev_prio", kind: .signedInteger, sizeInBits: 32),
                EventFieldDescription(name: "prev_state", kind: .signedInteger, sizeInBits: 64),
                EventFieldDescription(name: "next_comm", kind: .string),
                EventFieldDescription(name: "next_tid", kind: .signedInteger, sizeInBits: 32),
                EventFieldDescription(name: "next_prio", kind: .signedInteger, sizeInBits: 32)
            ])
        wakeupClass = classes.add(
            name: "sched_wakeup", id: 1,
            fields: [
                EventFieldDescription(name: "comm", kind: .string),
                EventFieldDescription(name: "tid", kind: .signedInteger, sizeInBits: 32),
                EventFieldDescription(name: "prio", kind: .signedInteger, sizeInBits: 32),
                EventFieldDescription(name: "target_cpu", kind: .signedInteger, sizeInBits: 32)
            ])
        traceDescription = TraceDescription(classes: classes, cpuCount: 4)
    }

    func run<Consumer: EventConsumer>(into consumer: inout Consumer) throws {
        consumer.begin(traceDescription)
        let comm: [UInt8] = Array("worker".utf8)
        let slots = UnsafeMutablePointer<EventFieldSlot>.allocate(capacity: 8)
        defer { slots.deallocate() }
        var running = [Int64](repeating: 0, count: 4)
        var time: UInt64 = 1_000_000_000
        comm.withUnsafeBytes { commBytes in
            let name = EventFieldSlot.span(commBytes.baseAddress, count: commBytes.count)
            var emitted = 0
            var step: Int64 = 0
            while emitted < eventCount {
                let cpu = Int(step & 3)
                let next = 1 + (step * 7) % 64
                time += 1_000 + UInt64(step % 13) * 100
                slots[0] = name; slots[1] = .signed(next); slots[2] = .signed(20); slots[3] = .signed(Int64(cpu))
                consumer.consume(EventRecord(timestamp: time, cpu: cpu, eventClass: wakeupClass, slots: slots))
                time += 2_000 + UInt64(step % 17) * 300
                slots[0] = name; slots[1] = .signed(running[cpu]); slots[2] = .signed(20);
                slots[3] = .signed(step % 5 == 0 ? 2 : 1)
                slots[4] = name; slots[5] = .signed(next); slots[6] = .signed(20)
                consumer.consume(EventRecord(timestamp: time, cpu: cpu, eventClass: switchClass, slots: slots))
                running[cpu] = next
                emitted += 2
                step += 1
            }
        }
        consumer.end(at: time)
    }
}

private func measure(_ benchmark: Benchmark, _ kind: AnalysisKind, _ open: () throws -> any EventSource) throws {
    let source = try open()
    var options = AnalysisOptions()
    options.statistics = true
    for _ in benchmark.scaledIterations {
        let start = processCPUNanoseconds()
        let report = try TraceAnalysisRunner.run(kind, source: source, options: options)
        let cpu = processCPUNanoseconds() - start
        blackHole(report)
        benchmark.measurement(eventsPerCPUSecond, Int(Double(report.eventCount) / Double(max(cpu, 1)) * 1000))
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.cpuTotal, .wallClock, .mallocCountTotal, .peakMemoryResident, eventsPerCPUSecond],
        maxDuration: .seconds(60), maxIterations: 3)

    for events in [2_000_000, 20_000_000] {
        for kind in [AnalysisKind.cputop, .schedlat] {
            Benchmark("\(kind.rawValue) on \(events / 1_000_000) M generated scheduler events (no decoding)") {
                benchmark in
                try measure(benchmark, kind) { GeneratedSchedulerTrace(eventCount: events) }
            }
        }
    }

    if FileManager.default.fileExists(atPath: traceDirectory + "/metadata.json") {
        for kind in [AnalysisKind.cputop, .schedlat] {
            Benchmark("\(kind.rawValue) on the recorded trace directory (ftrace decoder)") { benchmark in
                try measure(benchmark, kind) { try PeriscopeTraceReader(directory: traceDirectory) }
            }
        }
    }
    if FileManager.default.fileExists(atPath: traceDirectory + "-ctf/metadata") {
        for kind in [AnalysisKind.cputop, .schedlat] {
            Benchmark("\(kind.rawValue) on its CTF conversion (CTF reader)") { benchmark in
                try measure(benchmark, kind) { try CTFTraceSource(path: traceDirectory + "-ctf") }
            }
        }
    }
}
