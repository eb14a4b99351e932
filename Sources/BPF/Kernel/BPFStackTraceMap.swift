/// Reading a stack trace map (`BPF_MAP_TYPE_STACK_TRACE`), which `bpf_get_stackid` fills: the
/// key is the stack's id (a bucket of the map), the value its instruction pointers, leaf
/// first, padded with zeros up to the map's depth.
///
/// A bucket is never overwritten while the program does not pass `BPF_F_REUSE_STACKID` (a
/// colliding stack gets -EEXIST instead), so an id read once names the same stack until the
/// map is closed and may be cached.
extension BPFMap {
    /// `BPF_MAP_TYPE_STACK_TRACE` of `enum bpf_map_type`.
    package static let stackTraceType: UInt32 = 7

    /// The addresses of stack `id`, leaf first; nil for a negative id (no stack was taken)
    /// or an id the map does not hold.
    package func stackAddresses(id: Int32) throws(BPFError) -> [UInt64]? {
        guard id >= 0 else { return nil }
        let key = withUnsafeBytes(of: UInt32(bitPattern: id).littleEndian) { Array($0) }
        guard let value = try value(forKey: key) else { return nil }
        return Self.stackAddresses(decoding: value)
    }

    /// The instruction pointers of a stack trace map value: little-endian 64-bit words up to
    /// the first zero (the kernel zero-fills the rest of the value).
    package static func stackAddresses(decoding value: [UInt8]) -> [UInt64] {
        var addresses: [UInt64] = []
        value.withUnsafeBytes { raw in
            var offset = 0
            while offset + 8 <= raw.count {
                let address = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                if address == 0 { break }
                addresses.append(address)
                offset += 8
            }
        }
        return addresses
    }
}
