import Reporting

/// The short number formats of the `top` table, sized for narrow fixed-width columns.
enum TopFormat {
    /// `-` for unknown.
    static let unknown = "-"

    /// Binary units with one letter, as top and htop print them: `0`, `812K`, `1.5G`.
    static func bytes(_ count: Double?) -> String {
        guard let count else { return unknown }
        let (value, unit) = BinaryUnits.scaled(count)
        if unit == "B" { return String(Int(value.rounded())) }
        return (value < 10 ? fixed(value, 1) : String(Int(value.rounded()))) + unit.prefix(1)
    }

    /// Bytes of a gauge.
    static func bytes(_ count: UInt64?) -> String { bytes(count.map { Double($0) }) }

    /// `value` with `digits` decimals; `-` for unknown.
    static func fixed(_ value: Double?, _ digits: Int) -> String {
        value.map { Reporting.fixed($0, digits) } ?? unknown
    }

    /// Pads or cuts `text` to exactly `width` characters.
    static func cell(_ text: String, _ width: Int, rightAligned: Bool) -> String {
        if text.count > width { return String(text.prefix(width)) }
        let padding = String(repeating: " ", count: width - text.count)
        return rightAligned ? padding + text : text + padding
    }

    /// Cuts `text` to `width` characters; nil width leaves it whole.
    static func truncate(_ text: String, to width: Int?) -> String {
        guard let width, text.count > width else { return text }
        return String(text.prefix(max(width, 0)))
    }
}
