/// Appends LEB128 varints and raw bytes to a growing buffer: the sample blocks' wire format.
struct ByteWriter {
    /// What was written so far.
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Writes `value` 7 bits at a time, low bits first, the high bit meaning "more follows".
    mutating func writeVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    /// Writes a signed value zigzag-mapped (0, -1, 1, -2, ... → 0, 1, 2, 3, ...) so small
    /// magnitudes of either sign take one byte.
    mutating func writeSignedVarint(_ value: Int64) { writeVarint(ZigZag.encode(value)) }

    mutating func writeByte(_ byte: UInt8) { bytes.append(byte) }

    mutating func write(contentsOf other: [UInt8]) { bytes.append(contentsOf: other) }
}

/// Reads what `ByteWriter` wrote, refusing truncated or overlong input with `SampleBlockError`.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset >= bytes.count }

    mutating func readVarint() throws(SampleBlockError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw .truncated(offset: offset) }
            let byte = bytes[offset]
            offset += 1
            // The tenth byte may only carry the top bit of a 64-bit value.
            guard shift < 64, shift < 63 || byte <= 1 else {
                throw .corrupt(offset: offset - 1, "varint longer than 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    mutating func readSignedVarint() throws(SampleBlockError) -> Int64 { ZigZag.decode(try readVarint()) }

    mutating func readByte() throws(SampleBlockError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// Moves past `count` bytes (a column the caller did not ask for).
    mutating func skip(_ count: Int) throws(SampleBlockError) {
        guard count >= 0, count <= bytes.count - offset else { throw .truncated(offset: offset) }
        offset += count
    }
}

/// Protocol Buffers' zigzag mapping between signed and unsigned integers.
enum ZigZag {
    static func encode(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
    static func decode(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }

    /// Bytes `writeVarint` would take for `value`.
    static func varintLength(_ value: UInt64) -> Int {
        value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }
}
