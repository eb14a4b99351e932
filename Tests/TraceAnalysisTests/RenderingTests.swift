import Presentation
import Testing
@testable import TraceAnalysis

@Suite("histograms, statistics, text, JSON and LAMI")
struct RenderingTests {
    @Test func log2HistogramPrintsLikeBcc() {
        var histogram = Log2Histogram()
        for value: UInt64 in [0, 1, 3, 3, 6, 1000] { histogram.add(value) }
        let lines = histogram.render(unit: "usecs").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "     usecs               : count     distribution")
        #expect(lines[1] == "         0 -> 1          : 2        |****************************************|")
        #expect(lines[2] == "         2 -> 3          : 2        |****************************************|")
        #expect(lines[3] == "         4 -> 7          : 1        |********************                    |")
        #expect(lines[10] == "       512 -> 1023       : 1        |********************                    |")
        #expect(lines.count == 12)
    }

    @Test func log2HistogramWidensPast32Bits() {
        var histogram = Log2Histogram()
        histogram.add(1 << 40)
        let lines = histogram.render(unit: "nsecs").split(separator: "\n")
        #expect(lines[0].hasPrefix("               nsecs"))
        #expect(lines.last == "       1099511627776 -> 2199023255551        : 1        |********************|")
    }

    @Test func statisticsAreExactExceptPercentilesWithinThreePercent() {
        var statistics = DurationStatistics()
        for value in 1...1000 { statistics.add(UInt64(value) * 1000) }
        #expect(statistics.count == 1000 && statistics.minimum == 1000 && statistics.maximum == 1_000_000)
        #expect(statistics.mean == 500_500)
        #expect(abs(statistics.standardDeviation - 288_674.9) < 1)
        for (fraction, exact) in [(0.5, 500_000.0), (0.9, 900_000.0), (0.99, 990_000.0)] {
            #expect(abs(Double(statistics.percentile(fraction)) - exact) / exact < 0.035)
        }
    }

    @Test func linearHistogramSpreadsEvenly() {
        var histogram = LinearHistogram(lower: 0, upper: 100, bucketCount: 4)
        for value: UInt64 in [0, 10, 30, 60, 99, 150] { histogram.add(value) }
        #expect(histogram.buckets == [2, 1, 1, 2])
    }

    @Test func lamiDocumentsFollowTheSpec() {
        let metadata = ReportRenderer.lamiMetadata(
            analysis: "cputop", title: "t", description: "d", tableClasses: CPUTop.tableClasses)
        #expect(metadata["mi-version"] == .object([("major", .integer(1)), ("minor", .integer(0))]))
        guard case .object(let classes)? = metadata["table-classes"] else { Issue.record("no table classes"); return }
        #expect(classes.map(\.0) == ["per-tid", "per-process", "per-container", "per-cpu"])
        var report = AnalysisReport(analysis: "cputop", begin: 10, end: 20)
        report.tables = [ReportTable(CPUTop.tableClasses[3], rows: [[.ratio(0.5), .cpu(1)]])]
        #expect(
            ReportRenderer.lami(report).rendered()
                == #"{"results":[{"time-range":{"class":"time-range","begin":{"class":"timestamp","value":10},"end":{"class":"timestamp","value":20}},"class":"per-cpu","data":[[{"class":"ratio","value":0.5},{"class":"cpu","id":1}]]}]}"#
        )
        #expect(ReportRenderer.json(report)["tables"] != nil)
    }

    @Test func textShowsTablesAndHistograms() {
        var report = AnalysisReport(
            analysis: "schedlat", begin: 1_521_484_759_831_423_009, end: 1_521_484_766_800_583_411)
        report.tables = [
            ReportTable(
                ReportTableClass(name: "x", title: "Latency", columns: [ReportColumn("Max", "duration", unit: "usec")]),
                rows: [[.duration(1_234_567)]])
        ]
        var histogram = Log2Histogram()
        histogram.add(3)
        report.histograms = [ReportHistogram(title: "Distribution", unit: "usecs", buckets: .log2(histogram))]
        let text = ReportRenderer.text(report)
        #expect(text.hasPrefix("Timerange: [18:39:19.831423009, 18:39:26.800583411]"))
        #expect(text.contains("1234.567"))
        #expect(text.contains("2 -> 3"))
    }
}
