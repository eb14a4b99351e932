import Testing
@testable import Presentation

@Suite struct SVGChartTests {
    @Test func seriesPointsAreDrawnWhereTheirTimeAndValueMap() throws {
        let chart = StorageBudgetChart.chart()
        let svg = SVGChart.render(chart)
        let geometry = ChartGeometry(chart, labels: ["registry", "container starts"])
        let paths = SVGPathReader.seriesPaths(in: svg)
        #expect(paths.map(\.label) == ["registry", "registry", "container starts"])
        for (panelIndex, panel) in chart.panels.enumerated() where panel.style == .lines {
            let line = try #require(panel.lines.first)
            let points = SVGPathReader.segments(paths[panelIndex].data).flatMap { $0 }
            #expect(points.count == line.points.count)
            for (drawn, input) in zip(points, line.points) {
                #expect(abs(drawn.x - geometry.x(input.timeSeconds)) < 0.01)
                #expect(abs(drawn.y - geometry.panels[panelIndex].y(input.value)) < 0.01)
            }
        }
    }

    @Test func stepsHoldEachValueUntilTheNextSample() throws {
        let line = ChartLine(
            label: "starts",
            points: [
                ChartPoint(timeSeconds: 0, value: 0), ChartPoint(timeSeconds: 10, value: 4),
                ChartPoint(timeSeconds: 20, value: 8)
            ])
        let chart = TimeSeriesChart(
            title: "t", startSeconds: 0, endSeconds: 20,
            panels: [ChartPanel(title: "starts", unit: .count, style: .steps, lines: [line])])
        let svg = SVGChart.render(chart)
        let points = SVGPathReader.segments(try #require(SVGPathReader.pathData(in: svg, label: "starts"))).flatMap {
            $0
        }
        // Each new value starts with a horizontal move at the previous height.
        #expect(points.count == 5)
        #expect(points[1].y == points[0].y && points[1].x == points[2].x)
        #expect(points[3].y == points[2].y && points[3].x == points[4].x)
    }

    @Test func valueAxisHasNiceTicksInTheUnit() {
        let svg = SVGChart.render(StorageBudgetChart.chart())
        let ticks = SVGPathReader.texts(in: svg, class: "y-tick")
        // IOPS up to 3,000: 0 to 3500 op/s in steps of 500 (headroom over the line); latency up to 45.8 ms in ms.
        #expect(ticks.contains("3000 op/s") && ticks.contains("500 op/s") && ticks.contains("0 op/s"))
        #expect(ticks.contains("50 ms") && ticks.contains("10 ms"))
        #expect(
            SVGPathReader.texts(in: svg, class: "panel-title") == ["IOPS (op/s)", "I/O latency", "container starts"])
    }

    @Test func timeAxisIsLabelledInTheChartsClock() {
        let utc = SVGChart.render(StorageBudgetChart.chart())
        #expect(
            SVGPathReader.texts(in: utc, class: "x-tick") == [
                "12:00", "12:10", "12:20", "12:30", "12:40", "12:50", "13:00"
            ])
        #expect(SVGPathReader.texts(in: utc, class: "x-date") == ["2025-12-03"])
        #expect(SVGPathReader.texts(in: utc, class: "x-caption") == ["time (UTC)"])
        let paris = SVGChart.render(
            StorageBudgetChart.chart(clock: ChartClock(offsetSeconds: 3600, name: "local UTC+01:00")))
        #expect(SVGPathReader.texts(in: paris, class: "x-tick").first == "13:00")
        #expect(SVGPathReader.texts(in: paris, class: "x-caption") == ["time (local UTC+01:00)"])
    }

    @Test func limitsAreDashedAndMarksListed() {
        let svg = SVGChart.render(StorageBudgetChart.chart())
        let limits = svg.split(separator: "\n").filter { $0.hasPrefix("<line class=\"limit\"") }
        #expect(limits.count == 1 && limits[0].contains("stroke-dasharray"))
        // One mark line per panel, one entry in the list.
        #expect(svg.split(separator: "\n").filter { $0.hasPrefix("<line class=\"mark\"") }.count == 3)
        #expect(
            SVGPathReader.texts(in: svg, class: "mark-text") == [
                "1. 12:41:00 CRITICAL registry: IOPS fell to a floor (100 op/s) while latency rose"
            ])
        #expect(SVGPathReader.texts(in: svg, class: "end-label").contains("gp2 baseline 100 op/s"))
    }

    @Test func theStorageBudgetPictureShowsIOPSFallingWhileLatencyRises() throws {
        let chart = StorageBudgetChart.chart()
        let svg = SVGChart.render(chart)
        let paths = SVGPathReader.seriesPaths(in: svg)
        #expect(paths.count == 3)
        func points(_ index: Int) -> [(x: Double, y: Double)] {
            SVGPathReader.segments(paths[index].data).flatMap { $0 }
        }
        let iops = points(0), latency = points(1), starts = points(2)
        // y grows downwards: IOPS drop (y up), latency climbs (y down), starts keep climbing.
        #expect(try #require(iops.last).y - iops[0].y > 100)
        #expect(latency[0].y - (try #require(latency.last)).y > 100)
        #expect(starts[0].y - (try #require(starts.last)).y > 100)
        #expect(SVGPathReader.texts(in: svg, class: "end-label").contains("container starts 7560"))
    }

    @Test func containerNamesAreEscaped() {
        let hostile = "<script>alert('x')</script>&\"\u{1}"
        let line = ChartLine(
            label: hostile, points: [ChartPoint(timeSeconds: 0, value: 1), ChartPoint(timeSeconds: 5, value: 2)])
        let chart = TimeSeriesChart(
            title: hostile, startSeconds: 0, endSeconds: 5,
            panels: [
                ChartPanel(title: hostile, unit: .cores, lines: [line], limits: [ChartLimit(label: hostile, value: 1)])
            ],
            marks: [ChartMark(timeSeconds: 1, severity: .warning, text: hostile)])
        let svg = SVGChart.render(chart)
        #expect(!svg.contains("<script"))
        #expect(!svg.contains("\u{1}"))
        #expect(svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"))
        #expect(SVGPathReader.pathData(in: svg, label: MarkupText.escaped(hostile)) != nil)
        let html = HTMLChartPage.render(chart)
        #expect(html.components(separatedBy: "<script").count == 3)  // the data block and the hover script only
        #expect(html.contains("\\u003cscript\\u003ealert('x')\\u003c/script\\u003e\\u0026\\\"\\u0001"))
    }

    @Test func htmlPageIsSelfContained() {
        let html = HTMLChartPage.render(StorageBudgetChart.chart())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        // Nothing to fetch: no external script, style sheet, image or font.
        for reference in ["src=", "href=", "https://", "<link", "@import", "url(http"] {
            #expect(!html.contains(reference), "\(reference)")
        }
    }

    @Test func stoppedSamplesLeaveAGapAndLongSeriesAreThinned() throws {
        var points = (0..<10).map { ChartPoint(timeSeconds: Double($0), value: 1) }
        points += (20..<30).map { ChartPoint(timeSeconds: Double($0), value: 2) }
        let gap = SeriesPath.segments(of: ChartLine(label: "a", points: points), start: 0, end: 29, columns: 800)
        #expect(gap.map(\.count) == [10, 10])
        // A day of 1 s samples with one spike: at most two points per column, the spike kept.
        var day = (0..<86_400).map { ChartPoint(timeSeconds: Double($0), value: 1) }
        day[50_000].value = 99
        let thinned = SeriesPath.segments(of: ChartLine(label: "b", points: day), start: 0, end: 86_399, columns: 700)
        let kept = thinned.flatMap { $0 }
        #expect(kept.count <= 1400)
        #expect(kept.contains { $0.value == 99 })
    }
}
