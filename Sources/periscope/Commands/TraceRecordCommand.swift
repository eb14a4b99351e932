import ArgumentParser
import Foundation
import KernelTrace
import Presentation
import Reporting

struct TraceRecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record kernel events and a process/container statedump to a trace directory.",
        discussion: """
            Enables the chosen tracepoints in a private tracefs instance, dumps every thread \
            with its namespaces, cgroups and container, and copies the raw per-CPU ring-buffer \
            pages to TRACE_DIR until -d elapses or Ctrl-C/SIGTERM. TRACE_DIR then holds the \
            pages, the event formats, statedump.json and metadata.json (host, kernel, CPUs, \
            clock, events, times, lost events per CPU), and can be read on another machine.
            Lost events are reported at the end and stored in metadata.json. When a CPU \
            loses events or its buffer is found 75 % full, the buffers grow (see \
            --max-buffer-size-kb); each growth is printed and stored too, and events lost \
            before it stay counted.
            Changes on the host: creates and then removes instances/periscope-PID in tracefs.

            Examples:
              periscope trace record -e sched syscalls -d 10 -o /tmp/t1
              periscope trace record --container web -e sched block -o /tmp/web
              periscope trace record -e sched:sched_switch irq -o /tmp/t2   # Ctrl-C to stop
            """
    )

    @OptionGroup var source: InventorySourceOptions
    @OptionGroup var capture: TraceCaptureOptions

    @Option(
        name: .customShort("d"),
        help: ArgumentHelp(
            "How long to record: \(DurationText.forms) (default: until Ctrl-C or SIGTERM).", valueName: "duration"),
        transform: DurationText.parseSeconds)
    var duration: Double?

    @Option(name: .shortAndLong, help: "The trace directory to create (must be new or empty).")
    var output: String

    @Option(
        help: ArgumentHelp(
            "How far the ring buffers may grow, KiB per CPU: when a CPU loses events or is found 75 % full, every CPU's buffer doubles, up to this (default: 4x --buffer-size-kb, at most an eighth of the available memory; --buffer-size-kb's value: never grow). Each growth is printed and stored in metadata.json.",
            valueName: "kib"))
    var maxBufferSizeKB: Int?

    @Option(help: ArgumentHelp("How full a CPU's buffer is, in percent, when the copier wakes.", visibility: .hidden))
    var wakeupPercent: Int = 25

    @Option(help: ArgumentHelp("The copier's longest sleep, ms.", visibility: .hidden))
    var drainIntervalMs: Int = 100

    @Flag(help: "Print the summary as JSON (the trace's metadata, in the --json vocabulary of docs/json.md).")
    var json = false

    func validate() throws {
        try capture.validateCapture()
        if let duration, !(duration > 0 && duration <= 86_400) {
            throw ValidationError("-d must be between 0 and 86400 seconds")
        }
        if let maxBufferSizeKB, maxBufferSizeKB < capture.bufferSizeKB || maxBufferSizeKB > 4 << 20 {
            throw ValidationError("--max-buffer-size-kb must be between --buffer-size-kb and 4194304")
        }
        if !(1...100).contains(wakeupPercent) { throw ValidationError("--wakeup-percent must be between 1 and 100") }
        if !(1...10_000).contains(drainIntervalMs) {
            throw ValidationError("--drain-interval-ms must be between 1 and 10000")
        }
    }

    func run() throws {
        // First, before anything that needs cleaning up exists (a mounted tracefs, an
        // instance): a signal from here on stops the capture cleanly instead of killing it.
        let previous = CaptureSignals.install()
        defer { CaptureSignals.uninstall(previous) }
        let logger = source.makeLogger()
        let tracefs = try capture.locateTracefs()
        var sessionOptions = try capture.sessionOptions(tracefs: tracefs)
        sessionOptions.wakeupPercent = wakeupPercent
        var options = TraceRecordOptions(session: sessionOptions, outputDirectory: output)
        options.durationSeconds = duration
        options.maximumBufferSizeKBPerCPU = maxBufferSizeKB
        options.drainIntervalMilliseconds = drainIntervalMs
        options.containers = capture.containers
        options.inventory = source.inventoryOptions(includeProcesses: false)
        options.commandLine = CommandLine.arguments
        if duration == nil && !json { printStandardError("periscope: recording to \(output); Ctrl-C to stop") }
        let result: TraceRecordResult
        do { result = try TraceRecorder(options: options, logger: logger).run(tracefs: tracefs) } catch {
            throw UserFacingError("\(error)")
        }
        if json {
            print(try JSONOutput.encode(TraceMetadataJSON(metadata: result.metadata)))
        } else {
            print(
                TraceSummaryText.render(
                    result.metadata, threads: result.threadCount, containers: result.containerCount, directory: output))
        }
    }
}
