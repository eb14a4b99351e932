#if canImport(Glibc)
import Glibc
#endif

/// A token of the Trace Stream Description Language (CTF 1.8 metadata): its kind, its line, and
/// where its text lies in the lexer's bytes.
///
/// A name stays a range of bytes until the parser needs it as a `String`: an LTTng kernel
/// metadata holds ~95,000 tokens, most of them keywords, numbers and punctuation the parser only
/// compares.
struct TSDLToken {
    enum Kind: UInt8 {
        case identifier, integer, string, punctuation
    }

    var kind: Kind
    var line: Int32
    /// An identifier's bytes are `start..<end` of the text; an integer's value is
    /// `TSDLLexer.integers[start]`, a string's `TSDLLexer.strings[start]`; a punctuation's
    /// `TSDLPunctuation.code` is `start`. Sixteen bytes a token: the ~95,000 tokens' pages are
    /// touched once, and a fault per page is a large part of lexing.
    var start: Int32
    var end: Int32
}

/// A punctuation token: one byte (`{`, `;`, `=`), or `:=`, `...` or `->`.
struct TSDLPunctuation: Equatable, ExpressibleByUnicodeScalarLiteral {
    let code: Int32

    init(unicodeScalarLiteral scalar: Unicode.Scalar) { code = Int32(scalar.value) }

    init(code: Int32) { self.code = code }

    /// Codes past a byte's range for the symbols of several bytes.
    static let typeAssignment = TSDLPunctuation(code: 0x100)
    static let ellipsis = TSDLPunctuation(code: 0x101)
    static let arrow = TSDLPunctuation(code: 0x102)

    /// As written, for error messages.
    var text: String {
        switch self {
        case .typeAssignment: ":="
        case .ellipsis: "..."
        case .arrow: "->"
        default: String(UnicodeScalar(UInt8(truncatingIfNeeded: code)))
        }
    }
}

/// Splits TSDL text into tokens, dropping comments; remembers each token's line for errors.
struct TSDLLexer {
    /// The text, whose UTF-8 bytes identifier tokens point into.
    private let text: String
    private(set) var tokens: [TSDLToken] = []
    /// String literals with their escapes resolved, indexed by a string token's `start`.
    private(set) var strings: [String] = []
    /// Integer literals, indexed by an integer token's `start`.
    private(set) var integers: [Int64] = []

    init(_ text: String) throws {
        var text = text
        text.makeContiguousUTF8()
        self.text = text
        // LTTng's kernel metadata holds about one token per 3.5 bytes (95,000 in 330 KB): sized
        // once, the array is not copied as it grows.
        var tokens: [TSDLToken] = []
        tokens.reserveCapacity(text.utf8.count / 3 + 16)
        var strings: [String] = []
        var integers: [Int64] = []
        integers.reserveCapacity(text.utf8.count / 16 + 16)
        try withBytes { bytes in try Self.scan(bytes, tokens: &tokens, strings: &strings, integers: &integers) }
        self.tokens = tokens
        self.strings = strings
        self.integers = integers
    }

    /// An integer token's value.
    func integer(of token: TSDLToken) -> Int64 { integers[Int(token.start)] }

    /// A string token's text, its escapes resolved.
    func string(of token: TSDLToken) -> String { strings[Int(token.start)] }

    /// The text's bytes, in place (`init` made its storage contiguous).
    private func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let result = try text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return try Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// An identifier token's text.
    func name(of token: TSDLToken) -> String {
        withBytes { bytes in
            String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(token.start)..<Int(token.end)]), as: UTF8.self)
        }
    }

    /// Whether `token` is the identifier `word`, compared byte for byte without making a `String`.
    func isIdentifier(_ token: TSDLToken, _ word: StaticString) -> Bool {
        guard token.kind == .identifier, Int(token.end - token.start) == word.utf8CodeUnitCount else { return false }
        return withBytes { bytes in
            memcmp(bytes.baseAddress! + Int(token.start), word.utf8Start, word.utf8CodeUnitCount) == 0
        }
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x5F
    }

    /// The loop over the bytes, on a buffer pointer so no access is bounds-checked twice.
    private static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, tokens: inout [TSDLToken], strings: inout [String],
        integers: inout [Int64]
    ) throws {
        let count = bytes.count
        var index = 0
        var line: Int32 = 1
        while index < count {
            let byte = bytes[index]
            if byte == 0x0A { line += 1; index += 1; continue }
            if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0C || byte == 0x0B { index += 1; continue }
            if isIdentifierByte(byte) && !(byte >= 0x30 && byte <= 0x39) {
                var end = index + 1
                while end < count, isIdentifierByte(bytes[end]) { end += 1 }
                tokens.append(TSDLToken(kind: .identifier, line: line, start: Int32(index), end: Int32(end)))
                index = end
                continue
            }
            if byte == 0x2F, index + 1 < count, bytes[index + 1] == 0x2A {  // /* ... */
                index += 2
                while index + 1 < count, !(bytes[index] == 0x2A && bytes[index + 1] == 0x2F) {
                    if bytes[index] == 0x0A { line += 1 }
                    index += 1
                }
                index += 2
                continue
            }
            if byte == 0x2F, index + 1 < count, bytes[index + 1] == 0x2F {  // // ...
                while index < count, bytes[index] != 0x0A { index += 1 }
                continue
            }
            if byte == 0x22 {  // "string" with C escapes
                var value: [UInt8] = []
                index += 1
                while index < count, bytes[index] != 0x22 {
                    if bytes[index] == 0x5C, index + 1 < count {
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
                guard index < count else {
                    throw CTFReaderError.metadataSyntax(line: Int(line), reason: "unterminated string")
                }
                index += 1
                tokens.append(TSDLToken(kind: .string, line: line, start: Int32(strings.count), end: 0))
                strings.append(String(decoding: value, as: UTF8.self))
                continue
            }
            if (byte >= 0x30 && byte <= 0x39)
                || (byte == 0x2D && index + 1 < count && bytes[index + 1] >= 0x30 && bytes[index + 1] <= 0x39)
            {
                let negative = byte == 0x2D
                var start = negative ? index + 1 : index
                var radix: UInt64 = 10
                if bytes[start] == 0x30, start + 1 < count, bytes[start + 1] | 0x20 == 0x78 {
                    radix = 16; start += 2
                } else if bytes[start] == 0x30, start + 1 < count, bytes[start + 1] >= 0x30, bytes[start + 1] <= 0x37 {
                    radix = 8; start += 1
                }
                var end = start
                var magnitude: UInt64 = 0
                var fits = true
                while end < count, isIdentifierByte(bytes[end]) {
                    let digit: UInt64
                    switch bytes[end] {
                    case 0x30...0x39: digit = UInt64(bytes[end] - 0x30)
                    case 0x61...0x66: digit = UInt64(bytes[end] - 0x61 + 10)
                    case 0x41...0x46: digit = UInt64(bytes[end] - 0x41 + 10)
                    case 0x75, 0x55, 0x6C, 0x4C: end += 1; continue  // U and L suffixes
                    default: throw CTFReaderError.metadataSyntax(line: Int(line), reason: "bad number")
                    }
                    guard digit < radix else {
                        throw CTFReaderError.metadataSyntax(line: Int(line), reason: "bad digit")
                    }
                    let (shifted, overflowed) = magnitude.multipliedReportingOverflow(by: radix)
                    let (next, carried) = shifted.addingReportingOverflow(digit)
                    fits = fits && !overflowed && !carried
                    magnitude = next
                    end += 1
                }
                // Unsigned values up to 2^64-1 keep their bit pattern (a 64-bit mask, an enum
                // range); a negative one must fit in Int64, down to -2^63 itself.
                guard fits, !negative || magnitude <= UInt64(1) << 63 else {
                    throw CTFReaderError.metadataSyntax(line: Int(line), reason: "number out of 64-bit range")
                }
                let value = Int64(bitPattern: magnitude)
                tokens.append(TSDLToken(kind: .integer, line: line, start: Int32(integers.count), end: 0))
                integers.append(negative ? 0 &- value : value)
                index = end
                continue
            }
            let punctuation: TSDLPunctuation
            if byte == 0x3A, index + 1 < count, bytes[index + 1] == 0x3D {
                punctuation = .typeAssignment; index += 2
            } else if byte == 0x2E, index + 2 < count, bytes[index + 1] == 0x2E, bytes[index + 2] == 0x2E {
                punctuation = .ellipsis; index += 3
            } else if byte == 0x2D, index + 1 < count, bytes[index + 1] == 0x3E {
                punctuation = .arrow; index += 2
            } else {
                punctuation = TSDLPunctuation(code: Int32(byte)); index += 1
            }
            tokens.append(TSDLToken(kind: .punctuation, line: line, start: punctuation.code, end: 0))
        }
    }
}
