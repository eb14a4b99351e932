/// A cursor over the bytes of a kernel text file, parsing integers and fields without
/// allocating. Kernel files are ASCII: fields separated by spaces, lines by '\n'.
public struct ByteScanner {
    public let bytes: UnsafeRawBufferPointer
    public private(set) var offset: Int

    public init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var isAtEnd: Bool { offset >= bytes.count }

    /// The byte at the cursor, or nil at the end.
    public var peek: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    public mutating func skipSpaces() {
        while offset < bytes.count, bytes[offset] == .space || bytes[offset] == .tab { offset += 1 }
    }

    /// Skips to just past the next '\n' (or to the end).
    public mutating func skipLine() {
        while offset < bytes.count, bytes[offset] != .newline { offset += 1 }
        if offset < bytes.count { offset += 1 }
    }

    /// Moves the cursor to `position`.
    public mutating func seek(to position: Int) { offset = min(position, bytes.count) }

    /// Parses an unsigned decimal after optional spaces; nil if no digit is there.
    public mutating func readUInt64() -> UInt64? {
        skipSpaces()
        var value: UInt64 = 0
        var sawDigit = false
        while offset < bytes.count {
            let digit = bytes[offset] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            sawDigit = true
            offset += 1
        }
        return sawDigit ? value : nil
    }

    /// Parses a signed decimal after optional spaces.
    public mutating func readInt64() -> Int64? {
        skipSpaces()
        var negative = false
        if peek == UInt8(ascii: "-") { negative = true; offset += 1 }
        guard let magnitude = readUInt64(), magnitude <= UInt64(Int64.max) else { return nil }
        return negative ? -Int64(magnitude) : Int64(magnitude)
    }

    /// Returns the range of the next field (bytes up to a space, tab or newline).
    public mutating func readFieldRange() -> Range<Int>? {
        skipSpaces()
        let start = offset
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == .space || byte == .tab || byte == .newline { break }
            offset += 1
        }
        return offset > start ? start..<offset : nil
    }

    /// Returns the range of the rest of the current line (without the '\n') and moves past it.
    public mutating func readLineRange() -> Range<Int> {
        let start = offset
        while offset < bytes.count, bytes[offset] != .newline { offset += 1 }
        let range = start..<offset
        if offset < bytes.count { offset += 1 }
        return range
    }

    /// Decodes a byte range as a String (UTF-8, invalid bytes replaced).
    public func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// True when the bytes in `range` equal `literal` (ASCII).
    public func matches(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        let literalBytes = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        return memoryEqual(UnsafeRawBufferPointer(rebasing: bytes[range]), literalBytes)
    }
}

@inline(__always)
func memoryEqual(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
    guard lhs.count == rhs.count else { return false }
    for index in 0..<lhs.count where lhs[index] != rhs[index] { return false }
    return true
}

extension UInt8 {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let colon = UInt8(ascii: ":")
}
