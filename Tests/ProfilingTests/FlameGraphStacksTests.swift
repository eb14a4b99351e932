import Foundation
import Testing
@testable import Presentation
@testable import Profiling

/// `flamegraph` reads a file straight into interned frames (`FlameGraphStacks.read`) instead of
/// holding every stack's text: the graph, the counts and the errors must be the ones drawn from
/// the parsed `FoldedStacks`.
@Suite("FlameGraphStacks")
struct FlameGraphStacksTests {
    private static func temporaryFile(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-flamegraph-stacks-\(getpid())-\(name)"
        ).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("the golden folded files draw the same SVG either way", arguments: PerfFixtures.captures)
    func sameGraphAsParsedStacks(capture: String) throws {
        for option in ["all", "default"] {
            // A line that is not `stack count` and a blank line: both readers count the same.
            let text = try PerfFixtures.golden(capture, option) + Array("not a stack line\n\n".utf8)
            let path = try Self.temporaryFile(text, "\(capture)-\(option)")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let parsed = try FoldedStacks.read(path: path)
            let interned = try FlameGraphStacks.read(path: path)
            #expect(interned.count == parsed.stacks.count)
            #expect(interned.counts == parsed.stacks.map(\.count))
            #expect(interned.ignoredLineCount == 1)
            #expect(interned.ignoredLineCount == parsed.ignoredLineCount)
            for options in [FlameGraphOptions(), Self.narrowFramesDrawn(inverted: true)] {
                let expected = FlameGraphSVG(stacks: parsed.stacks, options: options)
                let drawn = FlameGraphSVG(stacks: interned, options: options)
                #expect(drawn.bytes == expected.bytes, "\(capture).\(option)")
                #expect(drawn.frameCount == expected.frameCount)
            }
        }
    }

    private static func narrowFramesDrawn(inverted: Bool) -> FlameGraphOptions {
        var options = FlameGraphOptions()
        options.minimumWidth = .pixels(0)
        options.inverted = inverted
        return options
    }

    @Test("a count past 2^64-1 is the same error, naming the file and line")
    func sameErrorAsParsedStacks() throws {
        let path = try Self.temporaryFile(Array("a;b 1\na;c 100000000000000000000000000000000\n".utf8), "overflow")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var parsedError = ""
        var internedError = ""
        do { _ = try FoldedStacks.read(path: path) } catch { parsedError = "\(error)" }
        do { _ = try FlameGraphStacks.read(path: path) } catch { internedError = "\(error)" }
        #expect(internedError.contains("line 2: count 100000000000000000000000000000000 is larger than"))
        #expect(internedError == parsedError)
    }

    @Test("one set of stacks can be laid out more than once")
    func laidOutTwice() {
        let stacks = FlameGraphStacks(
            ["a;b;c 3", "a;b 2", "x;y 1", "a;b;d 4"].map {
                let parts = $0.split(separator: " ")
                return FoldedStack(stack: Array(parts[0].utf8), count: UInt64(parts[1])!)
            })
        let first = FlameGraphSVG(stacks: stacks)
        let second = FlameGraphSVG(stacks: stacks, options: Self.narrowFramesDrawn(inverted: false))
        let third = FlameGraphSVG(stacks: stacks)
        #expect(first.bytes == third.bytes)
        #expect(first.totalCount == 10)
        #expect(second.frameCount == 7)
    }
}
