import Reporting

/// Draws a `TimeSeriesChart` as one standalone SVG document: a panel per metric with its value
/// axis in the metric's unit, containers as coloured lines named in the legend and at their
/// last value, limits as dashed lines, marks (findings) as numbered vertical lines listed
/// under the chart, and one time axis in the chart's clock.
package enum SVGChart {
    /// The SVG document, `width` pixels wide.
    package static func render(_ chart: TimeSeriesChart, width: Double = 1000) -> String {
        let labels = ChartPalette.labels(of: chart)
        let geometry = ChartGeometry(chart, labels: labels, width: width)
        var colours: [String: String] = [:]
        for (index, label) in labels.enumerated() { colours[label] = ChartPalette.colour(at: index) }
        let ticks = TimeTicks(start: geometry.startSeconds, end: geometry.endSeconds, clock: chart.clock)
        var out = SVGWriter()
        let size =
            "width=\"\(ChartNumber.coordinate(geometry.width))\" height=\"\(ChartNumber.coordinate(geometry.height))\""
        out.line(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" \(size) viewBox=\"0 0 \(ChartNumber.coordinate(geometry.width)) \(ChartNumber.coordinate(geometry.height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">"
        )
        out.line("<title>\(MarkupText.escaped(chart.title))</title>")
        out.line("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>")
        out.text(
            chart.title, x: ChartGeometry.plotLeft, y: geometry.titleBaseline,
            attributes: "class=\"title\" font-size=\"16\" font-weight=\"bold\"")
        out.line("<g class=\"legend\">")
        for entry in geometry.legend {
            let colour = colours[entry.label] ?? "#000"
            out.line(
                "<line x1=\"\(c(entry.x))\" y1=\"\(c(entry.baseline - 4))\" x2=\"\(c(entry.x + 20))\" y2=\"\(c(entry.baseline - 4))\" stroke=\"\(colour)\" stroke-width=\"3\"/>"
            )
            out.text(entry.label, x: entry.x + 26, y: entry.baseline, attributes: "class=\"legend-label\"")
        }
        out.line("</g>")
        for (index, panel) in chart.panels.enumerated() {
            drawPanel(
                panel, frame: geometry.panels[index], geometry: geometry, chart: chart, ticks: ticks, colours: colours,
                into: &out)
        }
        drawTimeAxis(ticks, geometry: geometry, clock: chart.clock, into: &out)
        drawMarksList(chart, geometry: geometry, into: &out)
        out.line("</svg>")
        return out.text
    }

    private static func drawPanel(
        _ panel: ChartPanel, frame: ChartGeometry.PanelFrame, geometry: ChartGeometry, chart: TimeSeriesChart,
        ticks: TimeTicks, colours: [String: String], into out: inout SVGWriter
    ) {
        let right = frame.left + frame.width
        let bottom = frame.top + frame.height
        let clipID = "plot-\(Int(frame.top))"
        out.line(
            "<g class=\"panel\" data-title=\"\(MarkupText.escaped(panel.title))\" data-unit=\"\(panel.unit.rawValue)\" data-y-max=\"\(frame.ticks.maximum)\">"
        )
        out.line(
            "<clipPath id=\"\(clipID)\"><rect x=\"\(c(frame.left))\" y=\"\(c(frame.top - 2))\" width=\"\(c(frame.width))\" height=\"\(c(frame.height + 4))\"/></clipPath>"
        )
        out.text(
            panel.title + (panel.unit.axisName.map { " (" + $0 + ")" } ?? ""), x: frame.left, y: frame.top - 9,
            attributes: "class=\"panel-title\" font-size=\"13\" font-weight=\"bold\"")
        out.line(
            "<rect x=\"\(c(frame.left))\" y=\"\(c(frame.top))\" width=\"\(c(frame.width))\" height=\"\(c(frame.height))\" fill=\"#fafafa\" stroke=\"#cccccc\"/>"
        )
        for tick in ticks.ticks {
            let x = geometry.x(tick.timeSeconds)
            out.line(
                "<line class=\"x-grid\" x1=\"\(c(x))\" y1=\"\(c(frame.top))\" x2=\"\(c(x))\" y2=\"\(c(bottom))\" stroke=\"#e6e6e6\"/>"
            )
        }
        for value in frame.ticks.values {
            let y = frame.y(value)
            if value > 0 {
                out.line(
                    "<line class=\"y-grid\" x1=\"\(c(frame.left))\" y1=\"\(c(y))\" x2=\"\(c(right))\" y2=\"\(c(y))\" stroke=\"#e6e6e6\"/>"
                )
            }
            let label = panel.unit.text(value, axisMaximum: frame.ticks.maximum, decimals: frame.ticks.decimals)
            out.text(
                label, x: frame.left - 6, y: y + 4, attributes: "class=\"y-tick\" text-anchor=\"end\" fill=\"#333333\"")
        }
        for mark in chart.marks
        where mark.timeSeconds <= chart.endSeconds && (mark.endSeconds ?? mark.timeSeconds) >= chart.startSeconds {
            let colour = ChartPalette.colour(of: mark.severity)
            let x0 = geometry.x(max(mark.timeSeconds, chart.startSeconds))
            if let end = mark.endSeconds, end > mark.timeSeconds {
                let x1 = geometry.x(min(end, chart.endSeconds))
                out.line(
                    "<rect class=\"mark-span\" x=\"\(c(x0))\" y=\"\(c(frame.top))\" width=\"\(c(max(x1 - x0, 1)))\" height=\"\(c(frame.height))\" fill=\"\(colour)\" fill-opacity=\"0.10\"/>"
                )
            }
            out.line(
                "<line class=\"mark\" x1=\"\(c(x0))\" y1=\"\(c(frame.top))\" x2=\"\(c(x0))\" y2=\"\(c(bottom))\" stroke=\"\(colour)\" stroke-width=\"1.5\"/>"
            )
        }
        out.line("<g clip-path=\"url(#\(clipID))\">")
        for limit in panel.limits {
            let colour = limit.lineLabel.flatMap { colours[$0] } ?? "#666666"
            let y = frame.y(limit.value)
            out.line(
                "<line class=\"limit\" data-label=\"\(MarkupText.escaped(limit.label))\" x1=\"\(c(frame.left))\" y1=\"\(c(y))\" x2=\"\(c(right))\" y2=\"\(c(y))\" stroke=\"\(colour)\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
            )
        }
        var endLabels: [(text: String, y: Double, colour: String)] = []
        let columns = Int(frame.width)
        for line in panel.lines {
            let colour = colours[line.label] ?? "#000"
            let segments = SeriesPath.segments(
                of: line, start: chart.startSeconds, end: chart.endSeconds, columns: columns)
            guard !segments.isEmpty else { continue }
            let data = SeriesPath.data(segments, style: panel.style, x: geometry.x, y: frame.y)
            out.line(
                "<path class=\"series\" data-label=\"\(MarkupText.escaped(line.label))\" d=\"\(data)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
            )
            if let last = segments.last?.last {
                endLabels.append((line.label + " " + panel.unit.text(last.value), frame.y(last.value), colour))
            }
        }
        out.line("</g>")
        for limit in panel.limits {
            let colour = limit.lineLabel.flatMap { colours[$0] } ?? "#666666"
            endLabels.append((limit.label + " " + panel.unit.text(limit.value), frame.y(limit.value), colour))
        }
        for label in EndLabels.spread(endLabels, top: frame.top + 4, bottom: bottom + 4) {
            out.text(
                label.text, x: right + 6, y: label.y + 4, attributes: "class=\"end-label\" fill=\"\(label.colour)\"")
        }
        out.line("</g>")
    }

    private static func drawTimeAxis(
        _ ticks: TimeTicks, geometry: ChartGeometry, clock: ChartClock, into out: inout SVGWriter
    ) {
        out.line("<g class=\"time-axis\">")
        for tick in ticks.ticks {
            let x = geometry.x(tick.timeSeconds)
            out.text(
                tick.label, x: x, y: geometry.timeAxisBaseline,
                attributes: "class=\"x-tick\" text-anchor=\"middle\" fill=\"#333333\"")
            if let date = tick.dateLabel {
                out.text(
                    date, x: x, y: geometry.timeAxisBaseline + 15,
                    attributes: "class=\"x-date\" text-anchor=\"middle\" fill=\"#666666\" font-size=\"11\"")
            }
        }
        out.text(
            "time (\(clock.name))", x: geometry.width - geometry.plotRight, y: geometry.timeAxisBaseline + 30,
            attributes: "class=\"x-caption\" text-anchor=\"end\" fill=\"#333333\"")
        out.line("</g>")
    }

    private static func drawMarksList(_ chart: TimeSeriesChart, geometry: ChartGeometry, into out: inout SVGWriter) {
        guard !chart.marks.isEmpty, let firstPanel = geometry.panels.first else { return }
        out.line("<g class=\"marks\">")
        var badgeRight = -Double.infinity
        for (index, mark) in chart.marks.enumerated() {
            let colour = ChartPalette.colour(of: mark.severity)
            // Marks at the same moment: badges side by side, not on top of each other.
            let x = max(geometry.x(min(max(mark.timeSeconds, chart.startSeconds), chart.endSeconds)), badgeRight + 15)
            badgeRight = x
            out.line("<circle cx=\"\(c(x))\" cy=\"\(c(firstPanel.top - 9))\" r=\"7\" fill=\"\(colour)\"/>")
            out.text(
                String(index + 1), x: x, y: firstPanel.top - 5,
                attributes: "text-anchor=\"middle\" fill=\"#ffffff\" font-size=\"10\" font-weight=\"bold\"")
            let civil = CivilTime(localSeconds: mark.timeSeconds + Double(chart.clock.offsetSeconds))
            var line = "\(index + 1). \(civil.hourMinuteSecond) \(mark.severity.rawValue.uppercased()) \(mark.text)"
            if line.count > geometry.marksLineCharacters {
                line = String(line.prefix(geometry.marksLineCharacters - 1)) + "…"
            }
            out.text(
                line, x: ChartGeometry.plotLeft,
                y: geometry.marksListTop + Double(index) * ChartGeometry.marksLineHeight,
                attributes: "class=\"mark-text\" fill=\"\(ChartPalette.textColour(of: mark.severity))\"")
        }
        out.line("</g>")
    }

    private static func c(_ value: Double) -> String { ChartNumber.coordinate(value) }
}

/// Accumulates the document's lines.
struct SVGWriter {
    private(set) var text = ""

    mutating func line(_ markup: String) {
        text += markup
        text += "\n"
    }

    /// A `<text>` element; `content` is escaped.
    mutating func text(_ content: String, x: Double, y: Double, attributes: String) {
        line(
            "<text x=\"\(ChartNumber.coordinate(x))\" y=\"\(ChartNumber.coordinate(y))\" \(attributes)>\(MarkupText.escaped(content))</text>"
        )
    }
}

/// Labels at the right end of the lines, moved apart so none covers another.
enum EndLabels {
    static let spacing = 14.0

    static func spread(
        _ labels: [(text: String, y: Double, colour: String)], top: Double, bottom: Double
    ) -> [(text: String, y: Double, colour: String)] {
        var sorted = labels.sorted { $0.y < $1.y }
        for index in sorted.indices {
            sorted[index].y = max(sorted[index].y, top)
            if index > 0 { sorted[index].y = max(sorted[index].y, sorted[index - 1].y + spacing) }
        }
        // Pushed past the bottom: shift the stack up, keeping the spacing.
        if let last = sorted.last, last.y > bottom {
            var limit = bottom
            for index in sorted.indices.reversed() {
                sorted[index].y = min(sorted[index].y, limit)
                limit = sorted[index].y - spacing
            }
        }
        return sorted
    }
}
