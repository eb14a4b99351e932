/// A map as declared in the object's legacy `maps` section (`struct bpf_map_def`).
public struct BPFMapSpec: Sendable, Equatable {
    /// The variable's name in the C source.
    public var name: String
    /// `enum bpf_map_type` (1 hash, 2 array, 5 per-CPU hash, 6 per-CPU array, ...).
    public var type: UInt32
    public var keyByteCount: UInt32
    public var valueByteCount: UInt32
    public var maximumEntries: UInt32
    public var flags: UInt32
    /// Where the definition sits in `maps`: what relocations point at.
    var sectionOffset: UInt64
}
