/// The short number formats of the `top` table, sized for narrow fixed-width columns.
enum TopFormat {
    /// `-` for unknown.
    static let unknown = "-"

    /// Binary units with one letter, as top and htop print them: `0`, `812K`, `1.5G`.
    static func bytes(_ count: Double?) -> String {
        guard let count else { return unknown }
        let units = ["", "K", "M", "G", "T", "P"]
        var value = count
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return String(Int(value.rounded())) }
        return (value < 10 ? fixed(value, 1) : String(Int(value.rounded()))) + units[unit]
    }

    /// Bytes of a gauge.
    static func bytes(_ count: UInt64?) -> String { bytes(count.map { Double($0) }) }

    static func fixed(_ value: Double?, _ digits: Int) -> String {
        guard let value, value.isFinite else { return unknown }
        // Integer arithmetic instead of String(format:), which needs Foundation here.
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return String(value) }
        let whole = Int64(scaled) / Int64(scale), fraction = Int64(scaled) % Int64(scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard digits > 0 else { return sign + String(whole) }
        let fractionText = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
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
