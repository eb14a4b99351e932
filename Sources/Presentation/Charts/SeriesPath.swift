/// A series turned into the SVG path data of its line: points outside the chart's range
/// dropped, a gap where samples stop (a container that was not running), and at most the
/// lowest and highest point per pixel column so a day of 1 s samples stays a small file
/// without hiding a spike.
enum SeriesPath {
    /// The runs of points drawn as one stroke each, in time order.
    static func segments(of line: ChartLine, start: Double, end: Double, columns: Int) -> [[ChartPoint]] {
        let points = line.points.filter { $0.timeSeconds >= start && $0.timeSeconds <= end && $0.value.isFinite }
        guard !points.isEmpty else { return [] }
        let gap = gapSeconds(points)
        var segments: [[ChartPoint]] = [[points[0]]]
        for point in points.dropFirst() {
            if let previous = segments[segments.count - 1].last, point.timeSeconds - previous.timeSeconds > gap {
                segments.append([])
            }
            segments[segments.count - 1].append(point)
        }
        return segments.map { thinned($0, start: start, end: end, columns: columns) }
    }

    /// A break between samples longer than three typical intervals is a gap, not a slope.
    private static func gapSeconds(_ points: [ChartPoint]) -> Double {
        guard points.count > 2 else { return .infinity }
        var intervals: [Double] = []
        intervals.reserveCapacity(points.count - 1)
        for index in 1..<points.count { intervals.append(points[index].timeSeconds - points[index - 1].timeSeconds) }
        intervals.sort()
        return max(intervals[intervals.count / 2] * 3, 1e-9)
    }

    /// Keeps, per pixel column, the lowest and the highest point in their time order; a run
    /// with fewer points than two per column is returned as it is.
    private static func thinned(_ points: [ChartPoint], start: Double, end: Double, columns: Int) -> [ChartPoint] {
        guard points.count > columns * 2, columns > 0 else { return points }
        let span = max(end - start, 1e-9)
        var result: [ChartPoint] = []
        result.reserveCapacity(columns * 2)
        var index = 0
        while index < points.count {
            let column = Int((points[index].timeSeconds - start) / span * Double(columns))
            var low = points[index]
            var high = points[index]
            index += 1
            while index < points.count, Int((points[index].timeSeconds - start) / span * Double(columns)) == column {
                if points[index].value < low.value { low = points[index] }
                if points[index].value > high.value { high = points[index] }
                index += 1
            }
            if low == high {
                result.append(low)
            } else {
                result += low.timeSeconds <= high.timeSeconds ? [low, high] : [high, low]
            }
        }
        return result
    }

    /// Path data (`M x y L x y ...`) for `segments`; `.steps` holds each value until the next sample.
    static func data(
        _ segments: [[ChartPoint]], style: ChartPanel.Style, x: (Double) -> Double, y: (Double) -> Double
    ) -> String {
        var parts: [String] = []
        for segment in segments {
            var previousY: Double?
            for (index, point) in segment.enumerated() {
                let px = ChartNumber.coordinate(x(point.timeSeconds))
                let py = ChartNumber.coordinate(y(point.value))
                if index == 0 {
                    parts.append("M\(px) \(py)")
                } else {
                    if style == .steps, let previousY { parts.append("L\(px) \(ChartNumber.coordinate(previousY))") }
                    parts.append("L\(px) \(py)")
                }
                previousY = y(point.value)
            }
            // A lone sample would draw nothing: a dot-sized stroke shows it.
            if segment.count == 1 { parts.append("l0.01 0") }
        }
        return parts.joined(separator: " ")
    }
}
