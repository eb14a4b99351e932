import Testing
@testable import Presentation
@testable import Profiling

@Suite("FoldedStacks")
struct FoldedStacksTests {
    @Test func parsesAndWritesStackCountLines() throws {
        let text = "a;b;c 5\na;b 2\nnot a stack line\n\nx y;z 10\n"
        let stacks = try FoldedStacks.parse(Array(text.utf8))
        #expect(stacks.stacks.map(\.frames) == [["a", "b", "c"], ["a", "b"], ["x y", "z"]])
        #expect(stacks.stacks.map(\.count) == [5, 2, 10])
        #expect(stacks.ignoredLineCount == 1)
        #expect(stacks.totalCount == 17)
        #expect(String(decoding: stacks.text(), as: UTF8.self) == "a;b;c 5\na;b 2\nx y;z 10\n")
    }

    @Test func fractionalCountsAreRoundedAndCRLFIsAccepted() throws {
        let stacks = try FoldedStacks.parse(Array("a;b 2.5\r\na 3.25\r\n".utf8))
        #expect(stacks.stacks.map(\.count) == [3, 3])
    }

    @Test func foldedGoldensRoundTripByteForByte() throws {
        for capture in PerfFixtures.captures {
            let golden = try PerfFixtures.golden(capture, "all")
            #expect(try FoldedStacks.parse(golden).text() == golden)
        }
    }

    @Test("a count past 2^64-1 is refused, naming the line, not clamped")
    func countTooLargeIsRefused() {
        #expect {
            try FoldedStacks.parse(Array("a;b 1\na;c 100000000000000000000000000000000\n".utf8))
        } throws: { error in
            "\(error)"
                == "folded stacks line 2: count 100000000000000000000000000000000 is larger than 18446744073709551615"
        }
        #expect(throws: ProfilingInputError.self) { try FoldedStacks.parse(Array("a 18446744073709551615.5\n".utf8)) }
    }

    @Test("counts whose sum overflows are refused; the largest count alone is fine")
    func totalOverflowIsRefused() throws {
        #expect {
            try FoldedStacks.parse(Array("a;b 18446744073709551615\na;c 1\n".utf8))
        } throws: { error in
            "\(error)" == "folded stacks line 2: the counts add up to more than 18446744073709551615"
        }
        let largest = try FoldedStacks.parse(Array("a;b 18446744073709551615\n".utf8))
        #expect(largest.totalCount == .max)
        let graph = FlameGraphSVG(stacks: largest.stacks)
        #expect(graph.totalCount == .max)
    }

    @Test func framesFromStrings() {
        #expect(FoldedStack(frames: ["main", "work"], count: 4).stack == Array("main;work".utf8))
    }
}
