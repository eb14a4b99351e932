#if canImport(Glibc)
import Glibc
#endif

/// The order in which a flame graph lays out stacks, computed as one byte comparison per pair.
///
/// flamegraph.pl sorts whole `stack count` lines. At the first frame where two stacks' names
/// differ, a name is followed by a space when some stack ends at that frame and by `;`
/// otherwise, and a stack that ends where the other goes on is followed by its count's
/// separator, a space. Comparing frame by frame with those rules cost a third of a large
/// graph's time, so each stack is encoded once into a sort key whose plain byte order is that
/// order:
///
/// - a `;` after a prefix that is itself a whole stack becomes `0x02` (it sorts as a space but
///   after the end of a stack), other `;` stay;
/// - bytes below a space become two bytes, `0x00` then the byte (below everything else);
/// - the end of the stack is `0x01` (after those control bytes, before the space that follows).
///
/// Stacks that compare equal keep their input order, as flamegraph.pl's stable sort does.
enum FlameGraphOrder {
    static func sorted(_ stacks: [FoldedStack]) -> [Int] {
        guard stacks.count > 1 else { return Array(stacks.indices) }
        let wholeStacks = WholeStackTable(stacks)
        var keys: [UInt8] = []
        keys.reserveCapacity(stacks.reduce(stacks.count) { $0 + $1.stack.count })
        var keyStarts: [Int] = []
        keyStarts.reserveCapacity(stacks.count + 1)
        for stack in stacks {
            keyStarts.append(keys.count)
            stack.stack.withUnsafeBufferPointer { bytes in
                var hash = WholeStackTable.seed
                for (index, byte) in bytes.enumerated() {
                    if byte == UInt8(ascii: ";") {
                        keys.append(wholeStacks.contains(bytes, prefixLength: index, hash: hash) ? 0x02 : byte)
                    } else if byte < UInt8(ascii: " ") {
                        keys.append(0x00)
                        keys.append(byte)
                    } else {
                        keys.append(byte)
                    }
                    hash = WholeStackTable.hash(hash, byte)
                }
            }
            keys.append(0x01)
        }
        keyStarts.append(keys.count)
        var order = Array(stacks.indices)
        keys.withUnsafeBufferPointer { keyBytes in
            keyStarts.withUnsafeBufferPointer { starts in
                let base = keyBytes.baseAddress!
                order.sort { left, right in
                    let leftStart = starts[left], rightStart = starts[right]
                    let leftCount = starts[left + 1] - leftStart, rightCount = starts[right + 1] - rightStart
                    let compared = memcmp(base + leftStart, base + rightStart, min(leftCount, rightCount))
                    return compared != 0 ? compared < 0 : leftCount < rightCount
                }
            }
        }
        return order
    }
}

/// Which prefixes of a stack are whole stacks, asked while hashing the stack byte by byte
/// (FNV-1a), so a prefix is never copied or hashed again.
private struct WholeStackTable {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    static func hash(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }

    private let stacks: [FoldedStack]
    /// Open addressing: stack index + 1, 0 for an empty bucket.
    private var buckets: [Int]
    private var hashes: [UInt64]
    private let mask: Int

    init(_ stacks: [FoldedStack]) {
        self.stacks = stacks
        var capacity = 16
        while capacity < stacks.count * 2 { capacity <<= 1 }
        mask = capacity - 1
        buckets = Array(repeating: 0, count: capacity)
        hashes = Array(repeating: 0, count: capacity)
        for (index, stack) in stacks.enumerated() {
            let hash = stack.stack.reduce(Self.seed, Self.hash)
            var bucket = Int(truncatingIfNeeded: hash) & mask
            while buckets[bucket] != 0 { bucket = (bucket + 1) & mask }
            buckets[bucket] = index + 1
            hashes[bucket] = hash
        }
    }

    /// Whether `bytes[..<prefixLength]`, whose hash is `hash`, is one of the stacks.
    func contains(_ bytes: UnsafeBufferPointer<UInt8>, prefixLength: Int, hash: UInt64) -> Bool {
        var bucket = Int(truncatingIfNeeded: hash) & mask
        while buckets[bucket] != 0 {
            if hashes[bucket] == hash {
                let found = stacks[buckets[bucket] - 1].stack
                if found.count == prefixLength,
                    prefixLength == 0
                        || found.withUnsafeBufferPointer({
                            memcmp($0.baseAddress!, bytes.baseAddress!, prefixLength) == 0
                        })
                {
                    return true
                }
            }
            bucket = (bucket + 1) & mask
        }
        return false
    }
}
