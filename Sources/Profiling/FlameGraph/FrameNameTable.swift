#if canImport(Glibc)
import Glibc
#endif

/// The distinct frame names of a set of stacks, each given a dense id.
///
/// A large profile repeats a few thousand names across millions of frames: interning them once
/// lets the order and the layout compare 4-byte ids instead of walking names byte by byte.
/// Names are copied into one arena, so a lookup compares against contiguous bytes and touches
/// no reference-counted storage. The storage is manual (a final class owning raw buffers) so
/// the per-frame path pays neither bounds-checked appends nor uniqueness checks.
final class FrameNameTable {
    /// FNV-1a, fed one byte at a time while the caller looks for the `;` that ends the name.
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    static func hash(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }

    private(set) var count = 0
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0
    private var arenaCapacity: Int
    /// Per name: its offset in the arena and its length.
    private var offsets: UnsafeMutablePointer<Int>
    private var lengths: UnsafeMutablePointer<Int>
    /// Per name: its mixed hash, to rehash without reading the name again.
    private var hashes: UnsafeMutablePointer<UInt64>
    private var capacity: Int
    /// Open addressing: the low 32 bits of the mixed hash, then id + 1 (0 for an empty bucket).
    private var buckets: UnsafeMutablePointer<UInt64>
    private var bucketShift: UInt64
    private var interning = true

    init() {
        capacity = 1024
        arenaCapacity = 1 << 16
        arena = .allocate(capacity: arenaCapacity)
        offsets = .allocate(capacity: capacity)
        lengths = .allocate(capacity: capacity)
        hashes = .allocate(capacity: capacity)
        bucketShift = 64 - 11
        buckets = .allocate(capacity: 1 << 11)
        buckets.initialize(repeating: 0, count: 1 << 11)
    }

    deinit {
        arena.deallocate()
        offsets.deallocate()
        lengths.deallocate()
        hashes.deallocate()
        buckets.deallocate()
    }

    /// Frees the lookup table: no name is added after this.
    func finishInterning() {
        buckets.deallocate()
        hashes.deallocate()
        buckets = .allocate(capacity: 0)
        hashes = .allocate(capacity: 0)
        interning = false
    }

    /// The bytes of name `id`, valid until the next `id(of:...)` call (for good after `finishInterning()`).
    @inline(__always)
    func bytes(of id: UInt32) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: arena + offsets[Int(id)], count: lengths[Int(id)])
    }

    /// The length of name `id` in bytes.
    @inline(__always)
    func length(of id: UInt32) -> Int { lengths[Int(id)] }

    /// The id of `name`, whose FNV-1a hash is `hash`, added (copied) if new.
    @inline(__always)
    func id(of name: UnsafePointer<UInt8>, length: Int, hash: UInt64) -> UInt32 {
        precondition(interning, "a name looked up after finishInterning()")
        let mixed = (hash ^ UInt64(truncatingIfNeeded: length)) &* 0x9e37_79b9_7f4a_7c15
        // The bucket comes from the high bits, the tag that rejects most mismatches from the low ones.
        let tag = mixed << 32
        let mask = (1 << (64 - bucketShift)) - 1
        var bucket = Int(truncatingIfNeeded: mixed >> bucketShift)
        while true {
            let entry = buckets[bucket]
            if entry == 0 { break }
            if entry & 0xffff_ffff_0000_0000 == tag {
                let id = Int(truncatingIfNeeded: entry & 0xffff_ffff) - 1
                if lengths[id] == length, length == 0 || memcmp(arena + offsets[id], name, length) == 0 {
                    return UInt32(truncatingIfNeeded: id)
                }
            }
            bucket = (bucket + 1) & mask
        }
        return add(name, length: length, mixed: mixed, bucket: bucket)
    }

    private func add(_ name: UnsafePointer<UInt8>, length: Int, mixed: UInt64, bucket: Int) -> UInt32 {
        let id = count
        if id == capacity { growEntries() }
        if arenaCount + length > arenaCapacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(arenaCapacity * 2, arenaCount + length))
            grown.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = grown
            arenaCapacity = max(arenaCapacity * 2, arenaCount + length)
        }
        (arena + arenaCount).update(from: name, count: length)
        offsets[id] = arenaCount
        lengths[id] = length
        hashes[id] = mixed
        arenaCount += length
        count += 1
        buckets[bucket] = mixed << 32 | UInt64(id + 1)
        // At most half full, so probes stay short.
        if count * 2 > 1 << (64 - bucketShift) { growBuckets() }
        return UInt32(truncatingIfNeeded: id)
    }

    private func growEntries() {
        func grown<T>(_ old: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            let new = UnsafeMutablePointer<T>.allocate(capacity: capacity * 2)
            new.moveInitialize(from: old, count: count)
            old.deallocate()
            return new
        }
        offsets = grown(offsets)
        lengths = grown(lengths)
        hashes = grown(hashes)
        capacity *= 2
    }

    private func growBuckets() {
        let oldCount = 1 << (64 - bucketShift)
        let old = buckets
        bucketShift -= 1
        let newCount = oldCount * 2
        buckets = .allocate(capacity: newCount)
        buckets.initialize(repeating: 0, count: newCount)
        let mask = newCount - 1
        for index in 0..<oldCount where old[index] != 0 {
            let entry = old[index]
            let id = Int(truncatingIfNeeded: entry & 0xffff_ffff) - 1
            let mixed = hashes[id]
            var bucket = Int(truncatingIfNeeded: mixed >> bucketShift)
            while buckets[bucket] != 0 { bucket = (bucket + 1) & mask }
            buckets[bucket] = entry
        }
        old.deallocate()
    }
}
