import LinuxHost

/// Bytes of text built without Foundation or String interpolation, flushed to a descriptor
/// in large writes: millions of dump lines cost no allocation each.
public struct TextLineBuffer {
    public private(set) var bytes: [UInt8] = []
    public let descriptor: Int32?
    private let flushThreshold = 1 << 16

    /// `descriptor` nil keeps everything in memory (tests).
    public init(descriptor: Int32?) {
        self.descriptor = descriptor
        bytes.reserveCapacity(flushThreshold + 4096)
    }

    @inline(__always) public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    public mutating func append(_ raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }

    @inline(__always) public mutating func append(byte: UInt8) { bytes.append(byte) }

    public mutating func appendDecimal(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            appendDecimal(UInt64(0) &- UInt64(bitPattern: value))
        } else {
            appendDecimal(UInt64(value))
        }
    }

    public mutating func appendDecimal(_ value: UInt64, minimumDigits: Int = 1) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch for up to 20 digits
        withUnsafeMutableBytes(of: &digits) { scratch in
            var remaining = value
            var count = 0
            repeat {
                scratch[23 - count] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
                count += 1
            } while remaining > 0 || count < minimumDigits && count < 20
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[(24 - count)...]))
        }
    }

    public mutating func appendHexadecimal(_ value: UInt64) {
        append("0x")
        var started = false
        for shift in stride(from: 60, through: 0, by: -4) {
            let nibble = UInt8((value >> UInt64(shift)) & 0xf)
            if nibble != 0 || started || shift == 0 {
                started = true
                bytes.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
            }
        }
    }

    /// A double-quoted string; quotes, backslashes and non-printable bytes escaped.
    public mutating func appendQuoted(_ raw: UnsafeRawBufferPointer) {
        bytes.append(UInt8(ascii: "\""))
        for byte in raw {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0x20..<0x7f, 0x80...:
                bytes.append(byte)
            default:
                append("\\x")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xf)])
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes out once the buffer is large.
    @inline(__always) public mutating func flushIfLarge() throws(TraceDirectoryError) {
        if bytes.count >= flushThreshold { try flush() }
    }

    public mutating func flush() throws(TraceDirectoryError) {
        guard let descriptor, !bytes.isEmpty else { return }
        do {
            try SystemCall.writeAll(descriptor, bytes)
        } catch {
            throw .io(path: "standard output", errno: error.rawValue, operation: "write")
        }
        bytes.removeAll(keepingCapacity: true)
    }
}
