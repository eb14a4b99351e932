import ArgumentParser
import Profiling
import Reporting

struct FoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fold",
        abstract: "Fold `perf script` output into stacks with counts (what stackcollapse-perf.pl does).",
        discussion: """
            Reads the text of `perf script` (after `perf record -g`) and prints one \
            `frame;frame;frame count` line per distinct stack, root first, sorted, exactly as \
            FlameGraph's stackcollapse-perf.pl prints them for the same options, so the output \
            feeds `periscope flamegraph`, flamegraph.pl, speedscope or Grafana. The root frame \
            is the command name. Only samples of one event are kept: the first seen, or \
            --event-filter. Reads a file or standard input; changes nothing.
              perf record -F 99 -g -p PID -- sleep 30 && perf script | periscope fold > out.folded
            """
    )

    @Argument(help: "The `perf script` output to read, or - for standard input.")
    var input: String = "-"

    @Flag(help: "Include the PID in the root frame: comm-PID (needs `perf script -F` with pid).")
    var pid = false

    @Flag(help: "Include PID and TID in the root frame: comm-PID/TID.")
    var tid = false

    @Flag(help: "Annotate kernel frames with a _[k] suffix.")
    var kernel = false

    @Flag(help: "Annotate JIT frames (from /tmp/perf-PID.map) with a _[j] suffix.")
    var jit = false

    @Flag(help: "All annotations: --kernel and --jit.")
    var all = false

    @Flag(help: "Show the address of frames without a symbol: [dso <address>].")
    var addrs = false

    @Option(
        help: ArgumentHelp(
            "Keep only samples of this event (default: the first event in the input).", valueName: "event"))
    var eventFilter: String?

    @Flag(help: "Print JSON: [{\"stack\": [frames, root first], \"count\": N}].")
    var json = false

    func validate() throws {
        if let eventFilter, eventFilter.isEmpty || eventFilter.contains(where: \.isWhitespace) {
            throw ValidationError("--event-filter needs an event name without spaces, such as cpu-clock or cycles")
        }
    }

    func run() throws {
        var options = PerfScriptFoldOptions(
            includePID: pid, includeTID: tid, annotateKernel: kernel, annotateJIT: jit,
            includeAddresses: addrs, eventFilter: eventFilter
        )
        if all { options.annotateAll = true }
        let (stacks, folder): (FoldedStacks, PerfScriptFolder)
        do {
            (stacks, folder) = try PerfScriptFolder.fold(path: input, options: options)
        } catch {
            throw UserFacingError("\(error)")
        }
        if json {
            print(try JSONOutput.encode(stacks.stacks.map { FoldedStackJSON(stack: $0.frames, count: $0.count) }))
        } else {
            try writeStandardOutput(stacks.text())
        }
        if folder.filteredSampleCount > 0, let kept = folder.keptEvent {
            printStandardError(
                "periscope: kept only '\(kept)' samples; \(folder.filteredSampleCount) samples of other events skipped (choose with --event-filter)"
            )
        }
        if folder.unrecognizedLineCount > 0 {
            printStandardError(
                "periscope: \(folder.unrecognizedLineCount) lines were not perf script output and were skipped")
        }
        if folder.sampleCount == 0 {
            printStandardError(
                "periscope: no samples with stacks found; was the input made by `perf script` after `perf record -g`?")
        }
    }
}

/// One folded stack in `fold --json` output.
private struct FoldedStackJSON: Encodable {
    let stack: [String]
    let count: UInt64
}
