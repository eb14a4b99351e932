import BPF
import Dispatch
import Presentation
import Reporting

/// The interval loop of the BPF histogram commands: collect for INTERVAL (or -d, or until
/// Ctrl-C), print each interval in bcc's layout, stop after COUNT; with --json print every
/// interval in one document at the end.
struct LatencyHistogramLoop {
    var header: String
    var unit: LatencyUnit
    var interval: Double?
    var count: Int?
    var duration: Double?
    var json: Bool

    func run(
        collect: (UInt64?) throws -> [LatencyHistogramReport.Entry],
        group: ([LatencyHistogramReport.Entry]) -> LatencyHistogramReport.Interval
    ) throws -> LatencyHistogramReport {
        if !json { try writeStandardOutput(Array("\(header)\n".utf8)) }
        let intervalNanoseconds = interval.map { UInt64($0 * 1e9) }
        let deadline = duration.map { DispatchTime.now().uptimeNanoseconds + UInt64($0 * 1e9) }
        var report = LatencyHistogramReport(unit: unit.rawValue, intervals: [])
        while !BPFStopSignal.isRequested {
            let now = DispatchTime.now().uptimeNanoseconds
            let left = deadline.map { $0 > now ? $0 - now : 0 }
            if left == 0 { break }
            let section = group(try collect([intervalNanoseconds, left].compactMap { $0 }.min()))
            report.intervals.append(section)
            if !json { try writeStandardOutput(Array(section.text(unit: unit.rawValue).utf8)) }
            if interval == nil || (count.map { report.intervals.count >= $0 } ?? false) { break }
        }
        if json { try writeStandardOutput(Array((try JSONOutput.encode(report) + "\n").utf8)) }
        return report
    }
}
