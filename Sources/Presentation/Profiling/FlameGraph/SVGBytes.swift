/// Appends SVG text to a byte buffer: XML escaping and the fixed-point numbers of
/// `flamegraph.pl` (`%.1f`, `%.2f`, `1,234`), without going through `String(format:)`, which
/// would dominate the time of a graph with a hundred thousand frames.
struct SVGBytes {
    var bytes: [UInt8] = []

    mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(integer value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        append(unsigned: UInt64(value.magnitude))
    }

    mutating func append(unsigned value: UInt64) {
        if value < 10 {
            bytes.append(0x30 + UInt8(value))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[19 - count] = 0x30 + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// `1234567` as `1,234,567`.
    mutating func append(grouped value: UInt64) {
        let digits = Array(String(value).utf8)
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(digit)
        }
    }

    /// `value` rounded to `decimals` (1 or 2) places, as `%.1f` / `%.2f` print it.
    mutating func append(_ value: Double, decimals: Int) {
        let scale = decimals == 1 ? 10.0 : 100.0
        var scaled = (value * scale).rounded()
        if scaled < 0 {
            bytes.append(UInt8(ascii: "-"))
            scaled = -scaled
        }
        let whole = UInt64(scaled)
        let divisor = UInt64(scale)
        append(unsigned: whole / divisor)
        bytes.append(UInt8(ascii: "."))
        let fraction = whole % divisor
        if decimals == 2, fraction < 10 { bytes.append(UInt8(ascii: "0")) }
        append(unsigned: fraction)
    }

    /// Appends text for XML content or a quoted attribute: `&<>"` escaped, control bytes
    /// (not allowed in XML 1.0) shown as `?`, invalid UTF-8 replaced.
    mutating func append(escaping text: some Collection<UInt8>) {
        var isPlain = true
        for byte in text
        where byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<")
            || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"")
        {
            isPlain = false
            break
        }
        if isPlain {
            bytes.append(contentsOf: text)
            return
        }
        for byte in String(decoding: Array(text), as: UTF8.self).utf8 {
            switch byte {
            case UInt8(ascii: "&"): append("&amp;")
            case UInt8(ascii: "<"): append("&lt;")
            case UInt8(ascii: ">"): append("&gt;")
            case UInt8(ascii: "\""): append("&quot;")
            case 0x09: bytes.append(byte)
            case ..<0x20, 0x7F: bytes.append(UInt8(ascii: "?"))
            default: bytes.append(byte)
            }
        }
    }
}
