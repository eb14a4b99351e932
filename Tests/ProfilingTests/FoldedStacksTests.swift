import Testing
@testable import Profiling

@Suite("FoldedStacks")
struct FoldedStacksTests {
    @Test func parsesAndWritesStackCountLines() {
        let text = "a;b;c 5\na;b 2\nnot a stack line\n\nx y;z 10\n"
        let stacks = FoldedStacks.parse(Array(text.utf8))
        #expect(stacks.stacks.map(\.frames) == [["a", "b", "c"], ["a", "b"], ["x y", "z"]])
        #expect(stacks.stacks.map(\.count) == [5, 2, 10])
        #expect(stacks.ignoredLineCount == 1)
        #expect(stacks.totalCount == 17)
        #expect(String(decoding: stacks.text(), as: UTF8.self) == "a;b;c 5\na;b 2\nx y;z 10\n")
    }

    @Test func fractionalCountsAreRoundedAndCRLFIsAccepted() {
        let stacks = FoldedStacks.parse(Array("a;b 2.5\r\na 3.25\r\n".utf8))
        #expect(stacks.stacks.map(\.count) == [3, 3])
    }

    @Test func foldedGoldensRoundTripByteForByte() throws {
        for capture in PerfFixtures.captures {
            let golden = try PerfFixtures.golden(capture, "all")
            #expect(FoldedStacks.parse(golden).text() == golden)
        }
    }

    @Test func framesFromStrings() {
        #expect(FoldedStack(frames: ["main", "work"], count: 4).stack == Array("main;work".utf8))
    }
}
