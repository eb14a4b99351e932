import KernelTrace
import Testing
@testable import Presentation
@testable import TraceAnalysis

/// Durations from corrupt traces: never a trap on a negative or overflowing difference.
@Suite struct CorruptTimesTests {
    @Test("a wake-up stamped after its switch is left out and reported, not subtracted")
    func wakeupAfterSwitchIsSkipped() {
        var schedlat = SchedLatency(options: AnalysisOptions())
        schedlat.scheduled(at: 5_000, cpu: 0, thread: 0, wakeupTime: 10_000, waker: -1, state: KernelState())
        let report = schedlat.report(state: KernelState())
        #expect(schedlat.statistics.count == 0)
        #expect(
            report.notes == [
                "note: 1 wake-ups were stamped after the switch that ran their thread (corrupt times): left out"
            ])
    }

    @Test("statistics over durations at the edge of 64 bits stay finite and in range")
    func extremeDurations() {
        var statistics = DurationStatistics()
        for value: UInt64 in [.max, .max - 1, 0, 1 << 63] { statistics.add(value) }
        var merged = DurationStatistics()
        merged.merge(statistics)
        merged.merge(statistics)
        #expect(merged.count == 8 && merged.maximum == .max && merged.minimum == 0)
        #expect(merged.mean.isFinite && merged.standardDeviation.isFinite)
        #expect(merged.percentile(0.5) <= merged.maximum && merged.percentile(1) == .max)
        var top = DurationStatistics()
        for _ in 0..<2 { top.add(.max) }
        #expect(DurationReporting.cells(top)[2] == .duration(.max), "a mean of 2^64-1 rounds to 2^64 as a Double")
    }

    @Test("a time below the Epoch offset renders instead of trapping")
    func timestampBelowEpochOffset() {
        #expect(ReportRenderer.timestamp(5, -10) == "23:34:33.709551611")
        #expect(ReportRenderer.timestamp(.max, .max) == "23:47:16.854775806")
    }
}
