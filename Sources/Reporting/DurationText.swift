/// The one way a duration is written on Periscope's command line: `500ms`, `2s`, `1m`, `1h`, or
/// a plain number in the option's default unit (seconds for every window, interval and
/// look-back; `analyze --min/--max` keep microseconds, as lttng-analyses does). Also `ns`
/// and `us` for trace-time options.
public enum DurationText {
    /// The help wording every seconds option shares.
    public static let forms = "500ms, 2s, 1m, or plain seconds (1.5)"

    /// A text that is not a duration.
    public struct InvalidDuration: Error, CustomStringConvertible {
        /// What was given.
        public var text: String

        /// Creates a value from its fields.
        public init(text: String) { self.text = text }

        /// "\"2x\" is not a duration: write 500ms, 2s, 1m, or plain seconds (1.5)".
        public var description: String { "\"\(text)\" is not a duration: write \(DurationText.forms)" }
    }

    private static let units: [(suffix: String, seconds: Double)] = [
        ("ns", 1e-9), ("us", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)
    ]

    /// Seconds in `text`; a plain number is `defaultUnitSeconds` each (1: seconds).
    /// Negative, infinite and empty values are refused.
    public static func seconds(_ text: String, defaultUnitSeconds: Double = 1) throws(InvalidDuration) -> Double {
        var trimmed = Substring(text)
        while trimmed.first?.isWhitespace == true { trimmed = trimmed.dropFirst() }
        while trimmed.last?.isWhitespace == true { trimmed = trimmed.dropLast() }
        var number = trimmed
        var scale = defaultUnitSeconds
        // Longest suffix first: "ms" before "s" and "m".
        for unit in units.sorted(by: { $0.suffix.count > $1.suffix.count }) where trimmed.hasSuffix(unit.suffix) {
            number = trimmed.dropLast(unit.suffix.count)
            scale = unit.seconds
            break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(number),
            value.isFinite
        else {
            throw InvalidDuration(text: text)
        }
        return value * scale
    }

    /// For `@Option(transform:)`: seconds, plain numbers in seconds.
    public static func parseSeconds(_ text: String) throws -> Double { try seconds(text) }

    /// Nanoseconds in `text`, a plain number being `defaultUnitSeconds` each.
    public static func nanoseconds(_ text: String, defaultUnitSeconds: Double) throws(InvalidDuration) -> UInt64 {
        let value = try seconds(text, defaultUnitSeconds: defaultUnitSeconds) * 1e9
        guard value < 1.8e19 else { throw InvalidDuration(text: text) }
        return UInt64(value.rounded())
    }
}
