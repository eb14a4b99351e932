#if canImport(Glibc)
import Glibc
#endif

/// The stacks of a flame graph as sequences of interned frames, and the order in which the graph
/// lays them out, computed by comparing short integer keys.
///
/// flamegraph.pl sorts whole `stack count` lines. At the first frame where two stacks' names
/// differ, a name is followed by a space when some stack ends at that frame and by `;`
/// otherwise, and a stack that ends where the other goes on is followed by its count's
/// separator, a space. As bytes, each frame of a stack is its name followed by a terminator,
/// and that order is the plain byte order of:
///
/// - the name, with bytes below a space written as two bytes, `0x00` then the byte (below
///   everything else);
/// - then `0x01` after the last frame (the end of the stack: after those control bytes, before
///   the space that follows), `0x02` for a `;` after a prefix that is itself a whole stack (it
///   sorts as a space, but after the end of a stack), else `;`.
///
/// Those per-frame strings (tokens) never extend one another, so comparing two stacks' byte
/// strings is comparing their token sequences token by token. Each distinct token is ranked
/// once, and a stack's sort key is its tokens' ranks as big-endian 32-bit integers: a few bytes
/// per frame instead of the whole text, compared eight bytes at a time. Building byte keys and
/// hashing every prefix byte by byte was half of a 200,000-stack graph's time.
///
/// Stacks that compare equal keep their input order, as flamegraph.pl's stable sort does.
final class FlameGraphOrder {
    /// The distinct frame names.
    let names = FrameNameTable()
    /// The stack indices in layout order (empty until `finish()`).
    private(set) var order: [Int] = []
    /// The stacks added so far.
    private(set) var stackCount = 0
    /// Stack `s`'s frames are `keys[frameStarts[s]..<frameStarts[s + 1]]`, root first, one per
    /// `;`-separated field (trailing empty ones included): name ids while stacks are added,
    /// then each its token's big-endian rank. Grown with `realloc`, which moves a large block's
    /// pages instead of copying them, so growing never holds two copies.
    private var keys: UnsafeMutablePointer<UInt32>
    private var keyCapacity = 1 << 12
    private var frameStarts: UnsafeMutablePointer<Int>
    private var stackCapacity = 1 << 10
    private var finished = false
    /// Each token rank's name id.
    private var rankNameIDs: [UInt32] = []
    /// The (at most three) ranks of the empty name's tokens, `UInt32.max` where unused.
    private var emptyNameRanks: (UInt32, UInt32, UInt32) = (.max, .max, .max)

    /// What follows a frame's name in the sort: the end of the stack, a `;` after a prefix that
    /// is a whole stack, or another `;`; the token is `name id * 3 + terminator`.
    private static let terminatorBytes: (UInt8, UInt8, UInt8) = (0x01, 0x02, UInt8(ascii: ";"))

    /// An empty order: add stacks with `append(_:)`, then `finish()`.
    init() {
        keys = Self.resized(nil, to: keyCapacity)
        frameStarts = Self.resized(nil, to: stackCapacity + 1)
        frameStarts[0] = 0
    }

    /// The order of `stacks`, finished.
    convenience init(_ stacks: [FoldedStack]) {
        self.init()
        for stack in stacks { stack.stack.withUnsafeBytes { append($0) } }
        finish()
    }

    deinit {
        free(keys)
        free(frameStarts)
    }

    private static func resized<Element>(
        _ pointer: UnsafeMutablePointer<Element>?, to capacity: Int
    )
        -> UnsafeMutablePointer<Element>
    {
        guard let raw = realloc(pointer, capacity * MemoryLayout<Element>.stride) else {
            fatalError("out of memory for \(capacity) flame graph entries")
        }
        return raw.assumingMemoryBound(to: Element.self)
    }

    /// Splits a stack (`;`-separated frame names, root first) at `;` and adds its frames as
    /// name ids. Its text is not kept.
    func append(_ stack: UnsafeRawBufferPointer) {
        precondition(!finished, "a stack added to a finished flame graph order")
        if stackCount == stackCapacity {
            stackCapacity *= 2
            frameStarts = Self.resized(frameStarts, to: stackCapacity + 1)
        }
        var frameCount = frameStarts[stackCount]
        var start = 0
        var hash = FrameNameTable.seed
        if let base = stack.baseAddress?.assumingMemoryBound(to: UInt8.self) {
            for position in 0..<stack.count {
                let byte = base[position]
                if byte == UInt8(ascii: ";") {
                    if frameCount == keyCapacity { growKeys() }
                    keys[frameCount] = names.id(of: base + start, length: position - start, hash: hash)
                    frameCount += 1
                    start = position + 1
                    hash = FrameNameTable.seed
                } else {
                    hash = FrameNameTable.hash(hash, byte)
                }
            }
            if frameCount == keyCapacity { growKeys() }
            keys[frameCount] = names.id(of: base + start, length: stack.count - start, hash: hash)
        } else {
            if frameCount == keyCapacity { growKeys() }
            var noBytes: UInt8 = 0
            keys[frameCount] = names.id(of: &noBytes, length: 0, hash: hash)
        }
        stackCount += 1
        frameStarts[stackCount] = frameCount + 1
    }

    private func growKeys() {
        keyCapacity *= 2
        keys = Self.resized(keys, to: keyCapacity)
    }

    /// Ranks the tokens and sorts the stacks; stacks can no longer be added. Once only.
    func finish() {
        guard !finished else { return }
        finished = true
        names.finishInterning()
        markTerminators(stackCount: stackCount)
        rank(stackCount: stackCount)
        sort(stackCount: stackCount)
    }

    /// The number of `;`-separated fields of stack `stack`, trailing empty ones included.
    @inline(__always)
    func frameCount(of stack: Int) -> Int { frameStarts[stack + 1] - frameStarts[stack] }

    /// The rank of the token of frame `depth` (0 = root) of stack `stack`.
    @inline(__always)
    func rank(of stack: Int, depth: Int) -> UInt32 { UInt32(bigEndian: keys[frameStarts[stack] + depth]) }

    /// The name id of a token rank.
    @inline(__always)
    func nameID(ofRank rank: UInt32) -> UInt32 { rankNameIDs[Int(rank)] }

    /// Whether a token rank's name is empty.
    @inline(__always)
    func isEmptyName(_ rank: UInt32) -> Bool {
        rank == emptyNameRanks.0 || rank == emptyNameRanks.1 || rank == emptyNameRanks.2
    }

    /// How many leading frames of stacks `left` and `right` have the same key (name and terminator).
    @inline(__always)
    func commonKeyCount(_ left: Int, _ right: Int) -> Int {
        let leftStart = frameStarts[left], rightStart = frameStarts[right]
        let count = min(frameStarts[left + 1] - leftStart, frameStarts[right + 1] - rightStart)
        var index = 0
        while index < count, keys[leftStart + index] == keys[rightStart + index] { index += 1 }
        return index
    }

    /// Adds each frame's terminator to its key, in the top two bits above the name id (0: the
    /// end of the stack, 1: a `;` after a prefix that is a whole stack, 2: any other `;`).
    private func markTerminators(stackCount: Int) {
        // Only a prefix whose last name ends some stack can be a whole stack.
        let endsAStack = UnsafeMutablePointer<Bool>.allocate(capacity: max(names.count, 1))
        endsAStack.initialize(repeating: false, count: max(names.count, 1))
        defer { endsAStack.deallocate() }
        for stack in 0..<stackCount { endsAStack[Int(keys[frameStarts[stack + 1] - 1])] = true }
        // Most profiles have names that only end stacks (leaves): then no prefix is a whole
        // stack and the table is not built.
        var probed = false
        for stack in 0..<stackCount where !probed {
            for frame in frameStarts[stack]..<(frameStarts[stack + 1] - 1) where endsAStack[Int(keys[frame])] {
                probed = true
                break
            }
        }
        let table = probed ? WholeStackTable(keys: keys, frameStarts: frameStarts, stackCount: stackCount) : nil
        for stack in 0..<stackCount {
            let start = frameStarts[stack], end = frameStarts[stack + 1]
            var hash = WholeStackTable.seed
            for frame in start..<(end - 1) {
                let id = keys[frame]
                hash = WholeStackTable.hash(hash, id)
                let wholeStack =
                    endsAStack[Int(id)] && table!.contains(keys + start, count: frame + 1 - start, hash: hash)
                keys[frame] = id | (wholeStack ? 1 : 2) << Self.terminatorShift
            }
        }
    }

    /// Where a key keeps its terminator while the name ids are being ranked.
    static let terminatorShift: UInt32 = 30
    static let nameIDMask: UInt32 = (1 << terminatorShift) - 1

    /// Ranks the distinct tokens and replaces each frame's name id by its token's big-endian rank.
    private func rank(stackCount: Int) {
        let frameTotal = frameStarts[stackCount]
        precondition(names.count <= Int(Self.nameIDMask), "more distinct frame names than a flame graph can rank")
        let tokenCount = names.count * 3
        var ranks = [UInt32](repeating: 0, count: tokenCount)
        var tokens: [UInt32] = []
        ranks.withUnsafeMutableBufferPointer { ranks in
            for frame in 0..<frameTotal {
                let token = Self.token(keys[frame])
                if ranks[token] == 0 {
                    ranks[token] = 1
                    tokens.append(UInt32(truncatingIfNeeded: token))
                }
            }
        }
        let names = self.names
        tokens.sort { Self.precedes($0, $1, names) }
        rankNameIDs = tokens.map { $0 / 3 }
        var emptyRanks: [UInt32] = []
        for (rank, id) in rankNameIDs.enumerated() where names.length(of: id) == 0 {
            emptyRanks.append(UInt32(truncatingIfNeeded: rank))
        }
        emptyNameRanks = (
            emptyRanks.count > 0 ? emptyRanks[0] : .max, emptyRanks.count > 1 ? emptyRanks[1] : .max,
            emptyRanks.count > 2 ? emptyRanks[2] : .max
        )
        ranks.withUnsafeMutableBufferPointer { ranks in
            for (rank, token) in tokens.enumerated() { ranks[Int(token)] = UInt32(truncatingIfNeeded: rank) }
            for frame in 0..<frameTotal {
                keys[frame] = ranks[Self.token(keys[frame])].bigEndian
            }
        }
    }

    /// A key with its terminator as a token: `name id * 3 + terminator`.
    @inline(__always)
    private static func token(_ key: UInt32) -> Int {
        Int(key & nameIDMask) * 3 + Int(key >> terminatorShift)
    }

    /// Whether token `left` sorts before token `right`: their names escaped, then terminators.
    private static func precedes(_ left: UInt32, _ right: UInt32, _ names: FrameNameTable) -> Bool {
        let leftName = left / 3, rightName = right / 3
        let leftEnd = terminatorByte(left % 3), rightEnd = terminatorByte(right % 3)
        if leftName == rightName { return leftEnd < rightEnd }
        let a = names.bytes(of: leftName), b = names.bytes(of: rightName)
        let common = min(a.count, b.count)
        // At the first differing byte, escaping keeps the order: a byte below a space becomes
        // 0x00 then itself, below any unescaped byte.
        if common > 0 {
            let compared = memcmp(a.baseAddress!, b.baseAddress!, common)
            if compared != 0 { return compared < 0 }
        }
        // One name extends the other (distinct names never have equal bytes): the shorter one's
        // terminator meets the longer one's next byte, escaped. They are never equal.
        if a.count < b.count { return leftEnd < escapedFirstByte(b[common]) }
        return escapedFirstByte(a[common]) < rightEnd
    }

    @inline(__always)
    private static func terminatorByte(_ terminator: UInt32) -> UInt8 {
        terminator == 0 ? terminatorBytes.0 : terminator == 1 ? terminatorBytes.1 : terminatorBytes.2
    }

    @inline(__always)
    private static func escapedFirstByte(_ byte: UInt8) -> UInt8 { byte < UInt8(ascii: " ") ? 0 : byte }

    private func sort(stackCount: Int) {
        var order = Array(0..<stackCount)
        let keys = UnsafeRawPointer(self.keys)
        let starts = frameStarts
        order.sort { left, right in
            let leftStart = starts[left], rightStart = starts[right]
            let leftCount = starts[left + 1] - leftStart, rightCount = starts[right + 1] - rightStart
            // Two big-endian ranks at a time: byte order is the ranks' order.
            let a = keys + leftStart * 4, b = keys + rightStart * 4
            let bytes = min(leftCount, rightCount) * 4
            var offset = 0
            while offset + 8 <= bytes {
                let x = a.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                let y = b.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                if x != y { return UInt64(bigEndian: x) < UInt64(bigEndian: y) }
                offset += 8
            }
            if offset < bytes {
                let x = a.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
                let y = b.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
                if x != y { return UInt32(bigEndian: x) < UInt32(bigEndian: y) }
            }
            return leftCount < rightCount
        }
        self.order = order
    }
}

/// Which prefixes of a stack (as name ids) are whole stacks, asked while hashing the stack
/// frame by frame, so a prefix is never copied or hashed again.
private struct WholeStackTable {
    static let seed: UInt64 = 0x243f_6a88_85a3_08d3

    @inline(__always)
    static func hash(_ hash: UInt64, _ id: UInt32) -> UInt64 {
        (hash &+ UInt64(id) &+ 1) &* 0x9e37_79b9_7f4a_7c15
    }

    private let keys: UnsafeMutablePointer<UInt32>
    private let frameStarts: UnsafeMutablePointer<Int>
    /// Open addressing: stack index + 1, 0 for an empty bucket; the full hash beside it.
    private var buckets: [Int]
    private var hashes: [UInt64]
    private let shift: UInt64
    private let mask: Int

    init(keys: UnsafeMutablePointer<UInt32>, frameStarts: UnsafeMutablePointer<Int>, stackCount: Int) {
        self.keys = keys
        self.frameStarts = frameStarts
        var bits: UInt64 = 4
        while 1 << bits < stackCount * 2 { bits += 1 }
        shift = 64 - bits
        mask = (1 << bits) - 1
        buckets = Array(repeating: 0, count: 1 << bits)
        hashes = Array(repeating: 0, count: 1 << bits)
        for stack in 0..<stackCount {
            var hash = Self.seed
            for frame in frameStarts[stack]..<frameStarts[stack + 1] { hash = Self.hash(hash, keys[frame]) }
            // Built before any terminator is marked: the keys are plain name ids here.
            var bucket = Int(truncatingIfNeeded: Self.mix(hash) >> shift)
            while buckets[bucket] != 0 { bucket = (bucket + 1) & mask }
            buckets[bucket] = stack + 1
            hashes[bucket] = hash
        }
    }

    @inline(__always)
    private static func mix(_ hash: UInt64) -> UInt64 { (hash ^ (hash >> 31)) &* 0xbf58_476d_1ce4_e5b9 }

    /// Whether the `count` name ids at `frames` (terminators masked off), whose hash is `hash`,
    /// are one of the stacks.
    func contains(_ frames: UnsafeMutablePointer<UInt32>, count: Int, hash: UInt64) -> Bool {
        var bucket = Int(truncatingIfNeeded: Self.mix(hash) >> shift)
        while buckets[bucket] != 0 {
            if hashes[bucket] == hash {
                let stack = buckets[bucket] - 1
                let start = frameStarts[stack]
                // Earlier stacks already carry terminators in their top bits: compare the ids only.
                if frameStarts[stack + 1] - start == count {
                    var index = 0
                    let mask = FlameGraphOrder.nameIDMask
                    while index < count, keys[start + index] & mask == frames[index] & mask { index += 1 }
                    if index == count { return true }
                }
            }
            bucket = (bucket + 1) & mask
        }
        return false
    }
}
