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
        var cell = ""
        appendCell(text, width, rightAligned: rightAligned, to: &cell)
        return cell
    }

    /// Appends `text` padded or cut to exactly `width` characters to `line`: a row grows in
    /// place instead of a String per cell and per padding (a batch frame of 400 containers
    /// has 4,400 cells).
    static func appendCell(_ text: String, _ width: Int, rightAligned: Bool, to line: inout String) {
        let count = characterCount(text)
        if count > width {
            line += text.prefix(width)
            return
        }
        if rightAligned { appendSpaces(width - count, to: &line) }
        line += text
        if !rightAligned { appendSpaces(width - count, to: &line) }
    }

    /// Paddings of 0 to 31 spaces: small strings, appended without walking characters.
    private static let paddings = (0..<32).map { String(repeating: " ", count: $0) }

    private static func appendSpaces(_ count: Int, to line: inout String) {
        var left = count
        while left > 0 {
            let chunk = min(left, paddings.count - 1)
            line += paddings[chunk]
            left -= chunk
        }
    }

    /// `text.count` without walking grapheme clusters when every byte is ASCII other than CR
    /// (each such byte is one character; CR LF would be one).
    static func characterCount(_ text: String) -> Int {
        var bytes = 0
        for byte in text.utf8 {
            if byte >= 0x80 || byte == 0x0D { return text.count }
            bytes += 1
        }
        return bytes
    }

    /// Cuts `text` to `width` characters; nil width leaves it whole.
    static func truncate(_ text: String, to width: Int?) -> String {
        guard let width, text.count > width else { return text }
        return String(text.prefix(max(width, 0)))
    }
}
