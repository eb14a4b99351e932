/// Where everything of a chart goes, in SVG pixels: the panels' plot areas, their value axes
/// and the time-to-x mapping. The renderers draw from it and tests check points against it.
package struct ChartGeometry: Sendable {
    /// One panel's plot area and value axis.
    package struct PanelFrame: Sendable, Equatable {
        /// The plot area's left edge.
        package var left: Double
        /// The plot area's top edge.
        package var top: Double
        /// The plot area's width.
        package var width: Double
        /// The plot area's height.
        package var height: Double
        /// The value axis ticks (their last value is the axis top).
        package var ticks: NiceTicks

        /// The y of `value`: 0 at the bottom, `ticks.maximum` at the top.
        package func y(_ value: Double) -> Double {
            top + height - (value / ticks.maximum) * height
        }
    }

    /// The whole picture's width.
    package let width: Double
    /// The whole picture's height.
    package let height: Double
    /// The title's baseline.
    package let titleBaseline: Double
    /// Legend rows: labels in colour order, with their x and baseline.
    package let legend: [(label: String, x: Double, baseline: Double)]
    /// One frame per panel, top to bottom.
    package let panels: [PanelFrame]
    /// The baseline of the time labels under the last panel.
    package let timeAxisBaseline: Double
    /// The first baseline of the list of marks.
    package let marksListTop: Double
    /// The chart's time range in Unix seconds.
    package let startSeconds: Double
    /// The chart's time range in Unix seconds.
    package let endSeconds: Double

    static let plotLeft = 84.0
    /// Room right of the plots for end labels ("name value"), from the longest name.
    package let plotRight: Double
    /// Characters of a mark's line under the chart that fit the width.
    package let marksLineCharacters: Int
    static let plotHeight = 150.0
    static let panelTitleHeight = 26.0
    static let panelGap = 18.0
    static let legendRowHeight = 20.0
    static let marksLineHeight = 17.0

    /// Lays out `chart` `width` pixels wide; `labels` are the series labels in colour order.
    package init(_ chart: TimeSeriesChart, labels: [String], width: Double = 1000) {
        self.width = width
        let longestName =
            (chart.panels.flatMap(\.lines).map(\.label.count) + chart.panels.flatMap(\.limits).map(\.label.count)).max()
            ?? 0
        // About 6.8 px per character at 12 px, plus the value after the name.
        plotRight = min(max(120, Double(longestName + 11) * 6.8), width * 0.4)
        marksLineCharacters = max(20, Int((width - Self.plotLeft - 10) / 6.8))
        startSeconds = chart.startSeconds
        endSeconds = max(chart.endSeconds, chart.startSeconds + 1)
        titleBaseline = 24
        var legend: [(String, Double, Double)] = []
        var x = Self.plotLeft
        var baseline = 50.0
        for label in labels {
            let labelWidth = 26 + Double(label.count) * 7.2
            if x + labelWidth > width - 10, x > Self.plotLeft {
                x = Self.plotLeft
                baseline += Self.legendRowHeight
            }
            legend.append((label, x, baseline))
            x += labelWidth + 14
        }
        self.legend = legend
        var top = (labels.isEmpty ? 34 : baseline + 12) + Self.panelTitleHeight
        let plotWidth = width - Self.plotLeft - plotRight
        var panels: [PanelFrame] = []
        for panel in chart.panels {
            let inRange = panel.lines.flatMap(\.points).filter {
                $0.timeSeconds >= chart.startSeconds && $0.timeSeconds <= chart.endSeconds
            }
            let largest = (inRange.map(\.value) + panel.limits.map(\.value)).filter(\.isFinite).max() ?? 0
            panels.append(
                PanelFrame(
                    left: Self.plotLeft, top: top, width: plotWidth, height: Self.plotHeight,
                    ticks: NiceTicks(maximum: largest, unit: panel.unit)))
            top += Self.plotHeight + Self.panelGap + Self.panelTitleHeight
        }
        self.panels = panels
        let bottom = top - Self.panelGap - Self.panelTitleHeight
        timeAxisBaseline = bottom + 18
        marksListTop = bottom + 62
        height = marksListTop + Double(chart.marks.count) * Self.marksLineHeight + 8
    }

    /// The x of `timeSeconds` on every panel.
    package func x(_ timeSeconds: Double) -> Double {
        Self.plotLeft + (timeSeconds - startSeconds) / (endSeconds - startSeconds) * (width - Self.plotLeft - plotRight)
    }
}
