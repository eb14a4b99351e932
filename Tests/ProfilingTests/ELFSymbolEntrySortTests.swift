import Testing
@testable import Profiling

/// The bucket sort of symbol entries must give exactly what sorting them by (start, order) does.
@Suite("ELF symbol entries sorted by address")
struct ELFSymbolEntrySortTests {
    typealias Entry = ELFSymbolTable.Entry

    /// Entries as the parser makes them: `order` is the binding rank over the position in the file.
    static func entries(starts: [UInt64], ranks: [UInt32]) -> [Entry] {
        starts.indices.map { index in
            Entry(
                start: starts[index], size: UInt64(index), nameOffset: UInt32(index),
                order: ranks[index % ranks.count] << 30 | UInt32(index))
        }
    }

    static func expectSameOrder(_ entries: [Entry]) {
        let expected = entries.sorted { $0.precedes($1) }
        let sorted = Entry.sortedByAddress(entries)
        #expect(sorted.map(\.start) == expected.map(\.start))
        #expect(sorted.map(\.order) == expected.map(\.order))
        #expect(sorted.map(\.nameOffset) == expected.map(\.nameOffset))
    }

    @Test("a compiler-sized table in file order, with aliases of every binding")
    func largeShuffled() {
        var generator = SystemRandomNumberGenerator()
        let starts: [UInt64] = (0..<250_000).map { _ in
            let offset = UInt64.random(in: 0..<0x6C0_0000, using: &generator)
            return 0x66_0000 + offset & ~UInt64(7)
        }
        Self.expectSameOrder(Self.entries(starts: starts + starts.prefix(5_000), ranks: [0, 2, 1, 0]))
    }

    static let edgeCases: [[UInt64]] = [
        [], [42], [UInt64](repeating: 7, count: 33),
        [0, .max, 1, .max - 1, 1 << 63, 0, .max, 12, 1 << 40],
        (0..<1_000).map { (index: Int) -> UInt64 in index % 3 == 0 ? 0 : UInt64.max - UInt64(index) }
    ]

    @Test("tiny, empty, one address, and addresses across the whole 64-bit range", arguments: edgeCases)
    func edges(starts: [UInt64]) {
        Self.expectSameOrder(Self.entries(starts: starts, ranks: [2, 0, 1]))
    }

    @Test("already in address order, and in reverse")
    func presorted() {
        let starts = (0..<10_000).map { UInt64($0) * 16 + 0x1000 }
        Self.expectSameOrder(Self.entries(starts: starts, ranks: [0]))
        Self.expectSameOrder(Self.entries(starts: starts.reversed(), ranks: [1, 0]))
    }
}
