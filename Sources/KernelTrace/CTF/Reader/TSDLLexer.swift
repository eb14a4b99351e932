/// A token of the Trace Stream Description Language (CTF 1.8 metadata).
enum TSDLToken: Equatable {
    case identifier(String)
    case integer(Int64)
    case string(String)
    case punctuation(String)
}

/// Splits TSDL text into tokens, dropping comments; remembers each token's line for errors.
struct TSDLLexer {
    private(set) var tokens: [TSDLToken] = []
    private(set) var lines: [Int] = []

    init(_ text: String) throws {
        let bytes = Array(text.utf8)
        // LTTng's kernel metadata holds about one token per 3.5 bytes (95,000 in 330 KB): sized
        // once, the arrays are not copied as they grow.
        tokens.reserveCapacity(bytes.count / 3 + 16)
        lines.reserveCapacity(bytes.count / 3 + 16)
        var index = 0
        var line = 1
        func isIdentifierByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A { line += 1; index += 1; continue }
            if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0C || byte == 0x0B { index += 1; continue }
            if byte == 0x2F, index + 1 < bytes.count, bytes[index + 1] == 0x2A {  // /* ... */
                index += 2
                while index + 1 < bytes.count, !(bytes[index] == 0x2A && bytes[index + 1] == 0x2F) {
                    if bytes[index] == 0x0A { line += 1 }
                    index += 1
                }
                index += 2
                continue
            }
            if byte == 0x2F, index + 1 < bytes.count, bytes[index + 1] == 0x2F {  // // ...
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
                continue
            }
            if byte == 0x22 {  // "string" with C escapes
                var value: [UInt8] = []
                index += 1
                while index < bytes.count, bytes[index] != 0x22 {
                    if bytes[index] == 0x5C, index + 1 < bytes.count {
                        index += 1
                        switch bytes[index] {
                        case 0x6E: value.append(0x0A)
                        case 0x74: value.append(0x09)
                        default: value.append(bytes[index])
                        }
                    } else {
                        if bytes[index] == 0x0A { line += 1 }
                        value.append(bytes[index])
                    }
                    index += 1
                }
                guard index < bytes.count else {
                    throw CTFReaderError.metadataSyntax(line: line, reason: "unterminated string")
                }
                index += 1
                append(.string(String(decoding: value, as: UTF8.self)), line)
                continue
            }
            if (byte >= 0x30 && byte <= 0x39)
                || (byte == 0x2D && index + 1 < bytes.count && bytes[index + 1] >= 0x30 && bytes[index + 1] <= 0x39)
            {
                let negative = byte == 0x2D
                var start = negative ? index + 1 : index
                var radix: Int64 = 10
                if bytes[start] == 0x30, start + 1 < bytes.count, bytes[start + 1] | 0x20 == 0x78 {
                    radix = 16; start += 2
                } else if bytes[start] == 0x30, start + 1 < bytes.count, bytes[start + 1] >= 0x30,
                    bytes[start + 1] <= 0x37
                {
                    radix = 8; start += 1
                }
                var end = start
                var magnitude: UInt64 = 0
                var fits = true
                while end < bytes.count, isIdentifierByte(bytes[end]) {
                    let digit: UInt64
                    switch bytes[end] {
                    case 0x30...0x39: digit = UInt64(bytes[end] - 0x30)
                    case 0x61...0x66: digit = UInt64(bytes[end] - 0x61 + 10)
                    case 0x41...0x46: digit = UInt64(bytes[end] - 0x41 + 10)
                    case 0x75, 0x55, 0x6C, 0x4C: end += 1; continue  // U and L suffixes
                    default: throw CTFReaderError.metadataSyntax(line: line, reason: "bad number")
                    }
                    guard digit < UInt64(radix) else {
                        throw CTFReaderError.metadataSyntax(line: line, reason: "bad digit")
                    }
                    let (shifted, overflowed) = magnitude.multipliedReportingOverflow(by: UInt64(radix))
                    let (next, carried) = shifted.addingReportingOverflow(digit)
                    fits = fits && !overflowed && !carried
                    magnitude = next
                    end += 1
                }
                // Unsigned values up to 2^64-1 keep their bit pattern (a 64-bit mask, an enum
                // range); a negative one must fit in Int64, down to -2^63 itself.
                guard fits, !negative || magnitude <= UInt64(1) << 63 else {
                    throw CTFReaderError.metadataSyntax(line: line, reason: "number out of 64-bit range")
                }
                let value = Int64(bitPattern: magnitude)
                append(.integer(negative ? 0 &- value : value), line)
                index = end
                continue
            }
            if isIdentifierByte(byte) {
                var end = index
                while end < bytes.count, isIdentifierByte(bytes[end]) { end += 1 }
                append(.identifier(String(decoding: bytes[index..<end], as: UTF8.self)), line)
                index = end
                continue
            }
            if byte == 0x3A, index + 1 < bytes.count, bytes[index + 1] == 0x3D {
                append(.punctuation(":="), line); index += 2; continue
            }
            if byte == 0x2E, index + 2 < bytes.count, bytes[index + 1] == 0x2E, bytes[index + 2] == 0x2E {
                append(.punctuation("..."), line); index += 3; continue
            }
            if byte == 0x2D, index + 1 < bytes.count, bytes[index + 1] == 0x3E {
                append(.punctuation("->"), line); index += 2; continue
            }
            append(.punctuation(String(UnicodeScalar(byte))), line)
            index += 1
        }
    }

    private mutating func append(_ token: TSDLToken, _ line: Int) {
        tokens.append(token)
        lines.append(line)
    }
}
