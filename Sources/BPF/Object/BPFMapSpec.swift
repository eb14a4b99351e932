/// A map as declared in the object's legacy `maps` section (`struct bpf_map_def`).
package struct BPFMapSpec: Sendable, Equatable {
    /// The variable's name in the C source.
    package var name: String
    /// `enum bpf_map_type` (1 hash, 2 array, 5 per-CPU hash, 6 per-CPU array, ...).
    package var type: UInt32
    package var keyByteCount: UInt32
    package var valueByteCount: UInt32
    package var maximumEntries: UInt32
    package var flags: UInt32
    /// Where the definition sits in `maps`: what relocations point at.
    var sectionOffset: UInt64
}
