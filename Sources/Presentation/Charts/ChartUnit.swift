import Reporting

/// The unit of a panel's values: it picks the scale of the tick labels (KiB or GiB, µs or s)
/// and the words on the y axis.
package enum ChartUnit: String, Sendable, Equatable, CaseIterable {
    /// CPU cores (1 = one CPU busy for the whole interval).
    case cores
    /// Percent, 0-100.
    case percent
    /// Bytes (a memory level).
    case bytes
    /// Bytes per second (a throughput).
    case bytesPerSecond
    /// Seconds (a latency), written in ns, µs, ms or s.
    case seconds
    /// Milliseconds per second (throttled time).
    case millisecondsPerSecond
    /// Operations per second (IOPS).
    case operationsPerSecond
    /// Events per second (context switches, packets).
    case perSecond
    /// A plain count (PIDs, container starts).
    case count

    /// What the panel title adds in brackets; nil where the tick labels say it (ms, counts).
    package var axisName: String? {
        switch self {
        case .cores: "CPU cores"
        case .percent: "% of the time"
        case .bytes: "bytes"
        case .bytesPerSecond: "bytes/s"
        case .seconds: nil
        case .millisecondsPerSecond: "ms/s"
        case .operationsPerSecond: "op/s"
        case .perSecond: "/s"
        case .count: nil
        }
    }

    /// The scale tick labels of an axis up to `maximum` are written in: a divisor and its suffix.
    /// Binary units step by 1024, latencies by 1000, plain counts take k and M.
    package func scale(forMaximum maximum: Double) -> (divisor: Double, suffix: String) {
        let magnitude = abs(maximum)
        switch self {
        case .bytes, .bytesPerSecond:
            let (_, name) = BinaryUnits.scaled(magnitude)
            let index = Double(BinaryUnits.names.firstIndex(of: name) ?? 0)
            let rate = self == .bytesPerSecond ? "/s" : ""
            return (Self.power(1024, index), " " + name + rate)
        case .seconds:
            if magnitude >= 1 { return (1, " s") }
            if magnitude >= 1e-3 { return (1e-3, " ms") }
            if magnitude >= 1e-6 { return (1e-6, " µs") }
            return (1e-9, " ns")
        case .percent: return (1, "%")
        case .cores: return (1, "")
        case .millisecondsPerSecond: return (1, " ms/s")
        case .operationsPerSecond, .perSecond, .count:
            let rate = self == .operationsPerSecond ? " op/s" : self == .perSecond ? "/s" : ""
            if magnitude >= 1e6 { return (1e6, "M" + rate) }
            if magnitude >= 1e4 { return (1e3, "k" + rate) }
            return (1, rate)
        }
    }

    /// `value` written with this unit at the scale `axisMaximum` picks, with `decimals` digits.
    package func text(_ value: Double, axisMaximum: Double, decimals: Int) -> String {
        let (divisor, suffix) = scale(forMaximum: axisMaximum)
        return ChartNumber.text(value / divisor, decimals: decimals) + suffix
    }

    /// `value` alone, scaled to itself with three significant digits (trailing zeros dropped):
    /// for hover, end labels and tables. 0.045 cores stays 0.045, not 0.05.
    package func text(_ value: Double) -> String {
        let (divisor, suffix) = scale(forMaximum: value)
        let scaled = value / divisor
        var decimals = 0
        var magnitude = abs(scaled)
        while magnitude > 0, magnitude < 100, decimals < 4 {
            magnitude *= 10
            decimals += 1
        }
        var text = ChartNumber.text(scaled, decimals: decimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text + suffix
    }

    private static func power(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(exponent)
        while remaining > 0 {
            result *= base
            remaining -= 1
        }
        return result
    }
}

/// Numbers as the chart writes them: fixed decimals, no locale, no exponent.
enum ChartNumber {
    /// `value` with exactly `decimals` digits after the point ("-0" written "0").
    static func text(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded()
        let negative = rounded < 0
        let magnitude = abs(rounded)
        let whole = (magnitude / scale).rounded(.down)
        var text = String(Int64(whole))
        if decimals > 0 {
            let fraction = Int64(magnitude - whole * scale)
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: decimals - digits.count) + digits
        }
        return negative ? "-" + text : text
    }

    /// A pixel coordinate with two decimals at most, trailing zeros dropped.
    static func coordinate(_ value: Double) -> String {
        var text = self.text(value, decimals: 2)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
