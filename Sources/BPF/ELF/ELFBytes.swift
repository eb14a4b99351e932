/// Bounds-checked little-endian reads from an ELF object held in memory.
///
/// BPF objects are ELF64 little-endian (`clang -target bpf` on x86-64 and arm64 hosts): every
/// read names its offset so a truncated or corrupt object fails with where it broke.
struct ELFBytes {
    let bytes: [UInt8]

    func integer<T: FixedWidthInteger>(at offset: UInt64, as type: T.Type = T.self) throws(BPFObjectError) -> T {
        let size = UInt64(MemoryLayout<T>.size)
        guard offset <= UInt64(bytes.count), size <= UInt64(bytes.count) - offset else {
            throw .truncated(offset: offset, needed: size)
        }
        var value: T = 0
        for index in 0..<Int(size) { value |= T(bytes[Int(offset) + index]) << (8 * index) }
        return value
    }

    func slice(at offset: UInt64, count: UInt64) throws(BPFObjectError) -> ArraySlice<UInt8> {
        guard offset <= UInt64(bytes.count), count <= UInt64(bytes.count) - offset else {
            throw .truncated(offset: offset, needed: count)
        }
        return bytes[Int(offset)..<Int(offset + count)]
    }

    /// The NUL-terminated string at `offset` of a string table slice.
    static func string(in table: ArraySlice<UInt8>, at offset: UInt32) -> String {
        let start = table.startIndex + Int(offset)
        guard start < table.endIndex else { return "" }
        let end = table[start...].firstIndex(of: 0) ?? table.endIndex
        return String(decoding: table[start..<end], as: UTF8.self)
    }
}
