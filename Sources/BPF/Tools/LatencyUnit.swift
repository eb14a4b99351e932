/// The unit of a latency histogram, applied in the kernel before the log2 (as bcc's `-m`).
package enum LatencyUnit: String, Sendable, Codable {
    case microseconds = "usecs"
    case milliseconds = "msecs"

    /// What the kernel side divides nanoseconds by (the `settings` map's entry 0).
    var nanosecondsPerUnit: UInt64 { self == .microseconds ? 1_000 : 1_000_000 }

    /// The `settings` value, little-endian.
    var settingBytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: nanosecondsPerUnit >> (8 * $0)) } }
}

/// Decoding of the little-endian integers and slot arrays the programs' maps hold.
enum MapBytes {
    /// The little-endian integer of `count` bytes (4 or 8) at `offset`; callers check the size.
    static func integer(_ bytes: [UInt8], at offset: Int, bytes count: Int) -> UInt64 {
        bytes.withUnsafeBytes { raw in
            count == 8
                ? UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                : UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        }
    }

    /// `struct latency_slots` (`__u64 counts[slotCount]`).
    static func slots(_ value: [UInt8], count: Int) -> [UInt64] {
        value.withUnsafeBytes { raw in
            (0..<count).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
    }
}
