/// Appends CTF field values (little-endian, byte-aligned) to a packet's bytes.
public struct CTFEventEncoder {
    public var bytes: [UInt8] = []

    public init() { bytes.reserveCapacity(1 << 18) }

    @inline(__always) public mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// An integer of `bits` (8, 16, 32, 64) from a 64-bit pattern, truncated.
    @inline(__always) public mutating func appendInteger(_ value: UInt64, bits: Int) {
        switch bits {
        case 8: append(UInt8(truncatingIfNeeded: value))
        case 16: append(UInt16(truncatingIfNeeded: value))
        case 32: append(UInt32(truncatingIfNeeded: value))
        default: append(value)
        }
    }

    /// `char[count]`: the text, cut or NUL-padded to `count` bytes.
    public mutating func appendFixedText(_ text: UnsafeRawBufferPointer, count: Int) {
        let used = min(text.count, count)
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[..<used]))
        if used < count { bytes.append(contentsOf: repeatElement(0, count: count - used)) }
    }

    /// A NUL-terminated string; embedded NULs end it early, as a C reader would.
    public mutating func appendString(_ text: UnsafeRawBufferPointer) {
        for byte in text {
            if byte == 0 { break }
            bytes.append(byte)
        }
        bytes.append(0)
    }

    public mutating func appendString(_ text: String) {
        var copy = text
        copy.withUTF8 { appendString(UnsafeRawBufferPointer($0)) }
    }

    public mutating func appendFixedText(_ text: String, count: Int) {
        var copy = text
        copy.withUTF8 { appendFixedText(UnsafeRawBufferPointer($0), count: count) }
    }

    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }
}
