import ArgumentParser
import Foundation
import Presentation
import Profiling
import Reporting

struct FlamegraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flamegraph",
        abstract: "Draw folded stacks as an interactive SVG flame graph (what flamegraph.pl does).",
        discussion: """
            Reads `frame;frame;frame count` lines (from `periscope fold`, stackcollapse-*.pl or \
            any profiler that writes folded stacks) and writes a self-contained SVG to standard \
            output: click a frame to zoom, Search (or Ctrl-F) takes a regular expression and \
            shows the matched share, tooltips give samples and percentages, and opening the file \
            with ?s=REGEX in the URL applies a search. Kernel (_[k]), JIT (_[j]), inlined (_[i]) \
            and symbol-less ([unknown]) frames have their own colours in every palette. Frames \
            narrower than --min-width are left out, as flamegraph.pl does.
              perf script | periscope fold --all | periscope flamegraph > cpu.svg
            With --baseline the graph is differential (FlameGraph's difffolded.pl + flamegraph.pl): \
            widths come from INPUT, and each frame is coloured by how its self samples changed \
            since the baseline, red where they grew, blue where they shrank, white if unchanged; \
            tooltips add the change in percent of all samples. --normalize scales the baseline \
            to INPUT's total first; --negate draws the baseline's widths instead.
              periscope flamegraph --baseline before.folded --normalize after.folded > diff.svg
            """
    )

    @Argument(help: "The folded stacks to read, or - for standard input.")
    var input: String = "-"

    @Option(help: "The title at the top (default: Flame Graph, or Icicle Graph with --inverted).")
    var title: String?

    @Option(help: "The width of the image in pixels.")
    var width: Int = 1200

    @Option(help: "The height of each frame in pixels.")
    var height: Int = 16

    @Option(
        help: ArgumentHelp(
            "Leave out frames narrower than this: pixels (0.1), or percent of all samples with a % suffix (0.5%).",
            valueName: "width"))
    var minWidth: String = "0.1"

    @Option(
        help:
            "The colour palette of user frames: \(FlameGraphPalette.allCases.map(\.rawValue).joined(separator: ", ")).")
    var colors: String = FlameGraphPalette.hot.rawValue

    @Flag(help: "Draw an icicle graph: roots at the top, stacks growing down.")
    var inverted = false

    @Option(name: .shortAndLong, help: "Write the SVG here instead of standard output.")
    var output: String?

    @Flag(
        help: "Print a JSON summary (frames drawn and omitted, total count) on standard output; needs -o for the SVG.")
    var json = false

    @Option(
        help: ArgumentHelp("Draw a differential flame graph against these earlier folded stacks.", valueName: "folded"))
    var baseline: String?

    @Flag(help: "With --baseline: scale the baseline to the input's total first (difffolded.pl -n).")
    var normalize = false

    @Flag(
        help:
            "With --baseline: draw the baseline's widths, coloured by the change seen from it (flamegraph.pl --negate)."
    )
    var negate = false

    @Option(help: "What the counts are, for tooltips (samples, bytes, ms...).")
    var countname: String = "samples"

    @Option(help: "The label in front of a hovered frame's details.")
    var nametype: String = "Function:"

    func validate() throws {
        if width < 100 || width > 100_000 {
            throw ValidationError("--width must be between 100 and 100000 pixels, not \(width)")
        }
        if height < 4 || height > 1_000 {
            throw ValidationError("--height must be between 4 and 1000 pixels, not \(height)")
        }
        if FlameGraphPalette(rawValue: colors) == nil {
            throw ValidationError(
                "unknown palette '\(colors)'; choose one of \(FlameGraphPalette.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        _ = try parsedMinimumWidth()
        if baseline == nil, normalize || negate { throw ValidationError("--normalize and --negate need --baseline") }
        if baseline == "-", input == "-" {
            throw ValidationError("only one of --baseline and the input can be standard input")
        }
        if json, output == nil {
            throw ValidationError("--json prints the summary on standard output: give -o FILE for the SVG")
        }
    }

    private static func readFolded(_ path: String) throws -> FoldedStacks {
        do {
            return try FoldedStacks.read(path: path)
        } catch {
            throw UserFacingError("\(error)")
        }
    }

    private func parsedMinimumWidth() throws -> FlameGraphOptions.MinimumWidth {
        let isPercent = minWidth.hasSuffix("%")
        let number = isPercent ? String(minWidth.dropLast()) : minWidth
        guard let value = Double(number), value.isFinite, value >= 0 else {
            throw ValidationError(
                "--min-width takes a number of pixels (0.1) or a percentage (0.5%), not '\(minWidth)'")
        }
        return isPercent ? .percent(value) : .pixels(value)
    }

    func run() throws {
        var options = FlameGraphOptions()
        options.title = title
        options.imageWidth = width
        options.frameHeight = height
        options.minimumWidth = try parsedMinimumWidth()
        options.palette = FlameGraphPalette(rawValue: colors) ?? .hot
        options.inverted = inverted
        options.countName = countname
        options.nameType = nametype
        let graph: FlameGraphSVG
        let stackCount: Int, ignoredLineCount: Int
        if let baseline {
            let after = try Self.readFolded(input), before = try Self.readFolded(baseline)
            if options.title == nil {
                options.title = negate ? "Differential Flame Graph (baseline widths)" : "Differential Flame Graph"
            }
            graph = FlameGraphSVG(
                differential: DifferentialStacks(before: before, after: after, normalize: normalize, negate: negate),
                options: options)
            (stackCount, ignoredLineCount) = (after.stacks.count, after.ignoredLineCount)
        } else {
            // Read straight into interned frames: the text of the stacks is never held.
            let stacks: FlameGraphStacks
            do {
                stacks = try FlameGraphStacks.read(path: input)
            } catch {
                throw UserFacingError("\(error)")
            }
            graph = FlameGraphSVG(stacks: stacks, options: options)
            (stackCount, ignoredLineCount) = (stacks.count, stacks.ignoredLineCount)
        }
        if let output {
            try writeOutputFile(graph.bytes, to: output)
        } else {
            try writeStandardOutput(graph.bytes)
        }
        if json {
            let summary = FlamegraphSummary(
                output: output ?? "-", totalCount: graph.totalCount, framesDrawn: graph.frameCount,
                framesOmitted: graph.omittedFrameCount, stacks: stackCount,
                ignoredLines: ignoredLineCount,
                differential: baseline != nil)
            try writeStandardOutput(Array((try JSONOutput.encode(summary) + "\n").utf8))
        }
        if ignoredLineCount > 0 {
            printStandardError("periscope: ignored \(ignoredLineCount) lines that were not `stack count`")
        }
        if graph.totalCount == 0 {
            printStandardError("periscope: no stack counts found in \(input == "-" ? "standard input" : input)")
            throw ExitCode(2)
        }
    }
}

/// `flamegraph --json`.
struct FlamegraphSummary: Encodable {
    var output: String
    var totalCount: UInt64
    var framesDrawn: Int
    var framesOmitted: Int
    var stacks: Int
    var ignoredLines: Int
    var differential: Bool
}
