import KernelTrace
import Presentation
import Testing
import TestSupport
@testable import TraceAnalysis

/// Every analysis over event streams whose times and field values were replaced by extreme
/// ones (what a corrupt trace decodes to): a report in every format, never a trap, within the
/// time bound. A few hundred cases; `PERISCOPE_FUZZ_CASES=N` for a long run (see `Fuzzing`).
@Suite struct AnalysesFuzzTests {
    static let millisecond: UInt64 = 1_000_000

    /// Scheduling, syscalls, IRQs, block I/O and pages of two threads on two CPUs.
    static func seed(style: SyntheticTrace.Style) -> SyntheticTrace {
        var trace = SyntheticTrace(style: style)
        trace.statedump = Statedump(
            threads: [
                StatedumpThread(tid: 100, pid: 100, ppid: 1, comm: "nginx", namespacePIDs: [100, 1], containerIndex: 0),
                StatedumpThread(tid: 200, pid: 200, ppid: 1, comm: "backup")
            ],
            containers: [
                StatedumpContainer(runtime: "docker", id: "0123456789abcdef", name: "web", pidNamespace: 4026532572)
            ])
        var now = millisecond
        for (tid, comm) in [(Int64(100), "nginx"), (200, "backup"), (100, "nginx")] {
            trace.wakeup(at: now, cpu: 0, tid: tid, comm: comm)
            trace.schedSwitch(at: now + millisecond, cpu: 0, prev: (0, "swapper/0"), next: (tid, comm))
            trace.syscall(
                "read", number: 0, tid: tid, cpu: 0, begin: now + 2 * millisecond, end: now + 3 * millisecond,
                ret: 4096, fd: 3, count: 4096)
            trace.pages(allocated: true, order: 0, at: now + 3 * millisecond, cpu: 0, current: tid)
            trace.block(
                "block_rq_insert", at: now + 3 * millisecond, cpu: 0, current: tid, device: 8_388_608, sector: 2048,
                sectors: 8, write: true)
            trace.block(
                "block_rq_issue", at: now + 4 * millisecond, cpu: 1, current: tid, device: 8_388_608, sector: 2048,
                sectors: 8, write: true)
            trace.schedSwitch(
                at: now + 5 * millisecond, cpu: 0, prev: (tid, comm), prevState: 2, next: (0, "swapper/0"))
            trace.block(
                "block_rq_complete", at: now + 6 * millisecond, cpu: 1, current: 0, device: 8_388_608, sector: 2048,
                sectors: 8, write: true)
            trace.hardIRQ(19, name: "virtio0", cpu: 1, begin: now + 6 * millisecond, end: now + 7 * millisecond)
            trace.softIRQ(
                3, cpu: 1, raise: now + 7 * millisecond, begin: now + 8 * millisecond, end: now + 9 * millisecond)
            now += 10 * millisecond
        }
        return trace
    }

    static let extremeIntegers: [Int64] = [
        .min, .max, -1, 0, 1 << 32, Int64(Int32.max) + 1, Int64(Int32.min), 65_536, -4096
    ]
    static let extremeTimes: [UInt64] = [0, 1, .max, .max - 1, 1 << 63, UInt64(Int64.max)]

    @Test("every analysis reports in text, JSON and LAMI on streams with extreme times and values")
    func extremeValuesNeverTrap() throws {
        let cases = Fuzzing.caseCount(default: 200)
        var random = Fuzzing.Generator(seed: 21)
        var options = AnalysisOptions()
        options.statistics = true
        options.frequency = true
        options.log = true
        options.perContainer = true
        options.top = 5
        let kinds = AnalysisKind.allCases.filter { $0 != .periods }
        for number in 0..<cases {
            var trace = Self.seed(style: number % 2 == 0 ? .ftrace : .lttng)
            let changes = Int.random(in: 1...6, using: &random)
            var changed = 0
            trace.rewriteEvents { event in
                guard changed < changes, Int.random(in: 0..<8, using: &random) == 0 else { return }
                changed += 1
                if Bool.random(using: &random) {
                    event.timestamp = Self.extremeTimes.randomElement(using: &random)!
                } else if let key = event.values.keys.sorted().randomElement(using: &random) {
                    event.values[key] = .integer(Self.extremeIntegers.randomElement(using: &random)!)
                }
            }
            let kind = kinds[number % kinds.count]
            let seconds = try Fuzzing.timed {
                let report = try TraceAnalysisRunner.run(kind, source: trace, options: options)
                _ = ReportRenderer.text(report, epochOffset: Int64.random(in: .min ... .max, using: &random))
                _ = ReportRenderer.json(report).rendered()
                _ = ReportRenderer.lami(report).rendered()
            }
            #expect(seconds < Fuzzing.caseTimeLimitSeconds, "case \(number) (\(kind)) took \(seconds) s")
        }
    }
}
