import Testing
@testable import Profiling

/// `FlameGraphOrder` ranks interned frames instead of comparing whole stacks byte by byte; its
/// order must be exactly the byte order of the documented sort key, built here the slow way.
@Suite("FlameGraphOrder")
struct FlameGraphOrderTests {
    /// The sort key of `FlameGraphOrder`'s documentation: bytes below a space escaped as `0x00`
    /// and the byte, `;` after a prefix that is a whole stack as `0x02`, the end as `0x01`.
    static func referenceKey(_ stack: [UInt8], wholeStacks: Set<[UInt8]>) -> [UInt8] {
        var key: [UInt8] = []
        for (index, byte) in stack.enumerated() {
            if byte == UInt8(ascii: ";") {
                key.append(wholeStacks.contains(Array(stack[..<index])) ? 0x02 : byte)
            } else if byte < UInt8(ascii: " ") {
                key += [0x00, byte]
            } else {
                key.append(byte)
            }
        }
        return key + [0x01]
    }

    static func referenceOrder(_ stacks: [FoldedStack]) -> [Int] {
        let wholeStacks = Set(stacks.map(\.stack))
        let keys = stacks.map { referenceKey($0.stack, wholeStacks: wholeStacks) }
        // Stable: equal keys keep their input order.
        return stacks.indices.sorted {
            keys[$0].lexicographicallyPrecedes(keys[$1]) || (keys[$0] == keys[$1] && $0 < $1)
        }
    }

    /// Names that extend each other, control bytes below and around the terminators, empty
    /// frames, bytes above 0x7f, and prefixes that are whole stacks.
    static let names: [[UInt8]] =
        [
            "a", "a:", "a ", "a!", "ab", "a-b", "b", "", "run", "runc", "runc:[2:INIT]", " sp", "b\tc", "x[k]"
        ].map { Array($0.utf8) } + [
            [0x61, 0x01], [0x61, 0x02], [0x61, 0x00], [0x1f], [0xff], [0x01], [0x02], [0x61, 0x7f]
        ]

    @Test("the interned order is the byte order of the sort key", arguments: 1...12)
    func matchesTheByteKeyOrder(seed: UInt64) {
        var random = SplitMix(seed: seed)
        var stacks: [FoldedStack] = []
        var previous: [[UInt8]] = []
        for _ in 0..<(200 * Int(seed)) {
            // Many stacks share a prefix with, or extend, the one before.
            var frames: [[UInt8]]
            let shape = random.next() % 10
            if shape < 3 {
                frames = Array(previous.prefix(Int(random.next() % UInt64(previous.count + 1))))
            } else if shape < 5 {
                frames = previous + (0..<(1 + random.next() % 3)).map { _ in Self.names.randomElement(using: &random)! }
            } else {
                frames = (0..<(1 + random.next() % 6)).map { _ in Self.names.randomElement(using: &random)! }
            }
            if random.next() % 20 == 0 { frames.append([]) }
            previous = frames
            stacks.append(FoldedStack(stack: Array(frames.joined(separator: [UInt8(ascii: ";")])), count: 1))
            if random.next() % 20 == 0, let repeated = stacks.randomElement(using: &random) { stacks.append(repeated) }
        }
        stacks.shuffle(using: &random)
        #expect(FlameGraphOrder(stacks).order == Self.referenceOrder(stacks))
    }

    @Test func emptyAndSingleInputs() {
        #expect(FlameGraphOrder([]).order == [])
        #expect(FlameGraphOrder([FoldedStack(stack: [], count: 3)]).order == [0])
        let stacks = ["", ";", "a", "a;", ""].map { FoldedStack(stack: Array($0.utf8), count: 1) }
        #expect(FlameGraphOrder(stacks).order == Self.referenceOrder(stacks))
    }
}

/// A small seeded generator, so a failing case can be replayed.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
