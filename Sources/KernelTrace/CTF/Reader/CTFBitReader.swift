/// Reads CTF fields at bit positions inside one packet buffer.
///
/// The buffer must have at least 16 readable bytes past `limitInBits / 8` (packets are read in
/// place from a file mapping followed by zeroed slack) so that unaligned 64-bit loads near the
/// end stay in bounds.
struct CTFBitReader {
    let base: UnsafeRawPointer
    /// Bit offset of the end of the packet's content.
    let limitInBits: Int
    var bitPosition: Int

    @inline(__always)
    mutating func align(_ alignmentInBits: Int) {
        if alignmentInBits > 1 {
            let mask = alignmentInBits - 1
            bitPosition = (bitPosition + mask) & ~mask
        }
    }

    @inline(__always)
    func hasBits(_ count: Int) -> Bool { bitPosition + count <= limitInBits }

    /// Reads an integer of 1...64 bits and advances; the caller checked `hasBits`.
    @inline(__always)
    mutating func readInteger(sizeInBits size: Int, signed: Bool, bigEndian: Bool) -> UInt64 {
        let byteOffset = bitPosition >> 3
        let shift = bitPosition & 7
        bitPosition += size
        var value: UInt64
        if shift == 0 && size & 7 == 0 {
            switch size {
            case 8: return extend(UInt64(base.load(fromByteOffset: byteOffset, as: UInt8.self)), size, signed)
            case 16:
                let raw = base.loadUnaligned(fromByteOffset: byteOffset, as: UInt16.self)
                return extend(UInt64(bigEndian ? UInt16(bigEndian: raw) : UInt16(littleEndian: raw)), size, signed)
            case 32:
                let raw = base.loadUnaligned(fromByteOffset: byteOffset, as: UInt32.self)
                return extend(UInt64(bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)), size, signed)
            case 64:
                let raw = base.loadUnaligned(fromByteOffset: byteOffset, as: UInt64.self)
                return bigEndian ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw)
            default: break
            }
        }
        let word = base.loadUnaligned(fromByteOffset: byteOffset, as: UInt64.self)
        if bigEndian {
            var combined = UInt64(bigEndian: word) << shift
            if shift + size > 64 {
                combined |= UInt64(base.load(fromByteOffset: byteOffset + 8, as: UInt8.self)) >> (8 - shift)
            }
            value = combined >> (64 - size)
        } else {
            value = UInt64(littleEndian: word) >> shift
            if shift + size > 64 {
                value |= UInt64(base.load(fromByteOffset: byteOffset + 8, as: UInt8.self)) << (64 - shift)
            }
            if size < 64 { value &= (1 << size) - 1 }
        }
        return extend(value, size, signed)
    }

    @inline(__always)
    private func extend(_ value: UInt64, _ size: Int, _ signed: Bool) -> UInt64 {
        guard signed, size < 64 else { return value }
        let unused = 64 - size
        return UInt64(bitPattern: Int64(bitPattern: value << unused) >> unused)
    }

    /// Pointer to the byte at the current (byte-aligned) position.
    @inline(__always)
    var currentByte: UnsafeRawPointer { base + (bitPosition >> 3) }
}
