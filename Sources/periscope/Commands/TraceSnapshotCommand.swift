import ArgumentParser
import Foundation
import KernelTrace
import Presentation
import Reporting

struct TraceSnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract:
            "Flight recorder: keep tracing into overwriting buffers and save the last seconds when a trigger fires.",
        discussion: """
            --arm traces into the private instance's ring buffers in overwrite mode (nothing is \
            copied while armed, so the cost is the events alone) and saves them to \
            OUTPUT/snapshot-NNN, a trace directory like `record` writes, when a trigger fires:
              - `periscope trace snapshot --trigger` (or SIGUSR1 to the armed process),
              - a condition on a live metric, checked every --sample-interval seconds:
                [container:NAME:]METRIC>VALUE with METRIC throttled (percent of CFS periods \
            throttled, per container), cpu-pressure, memory-pressure, io-pressure (PSI some avg10).
            Triggers within --min-interval of the previous snapshot are ignored and counted. \
            Ctrl-C or SIGTERM disarms; the tracefs instance is removed on every exit path.

            Examples:
              periscope trace snapshot --arm -e sched syscalls --window 5 -o /tmp/snaps \\
                  --when container:web:throttled>50
              periscope trace snapshot --trigger
            """
    )

    @OptionGroup var source: InventorySourceOptions
    @OptionGroup var capture: TraceCaptureOptions

    @Flag(help: "Arm a flight recorder (runs until Ctrl-C, -d, or --max-snapshots).")
    var arm = false

    @Flag(help: "Make every armed flight recorder on this host save a snapshot now.")
    var trigger = false

    @Option(name: .customLong("pid"), help: "With --trigger: only the recorder with this PID.")
    var recorderPID: Int32?

    @Option(
        name: .shortAndLong, help: "With --arm: the directory that receives snapshot-NNN directories (new or empty).")
    var output: String?

    @Option(
        help: "History to keep in each snapshot: \(DurationText.forms) (default: all the buffers hold).",
        transform: DurationText.parseSeconds)
    var window: Double?

    @Option(
        name: .customLong("when"), parsing: .singleValue,
        help: "A trigger condition, [container:NAME:]METRIC>VALUE; repeatable.")
    var conditions: [String] = []

    @Option(
        help: "Time between metric samples: \(DurationText.forms) (default 1s).", transform: DurationText.parseSeconds)
    var sampleInterval: Double = 1

    @Option(
        help:
            "Minimum time between two snapshots; triggers in between are ignored: \(DurationText.forms) (default 10s).",
        transform: DurationText.parseSeconds)
    var minInterval: Double = 10

    @Option(help: "Disarm after this many snapshots.")
    var maxSnapshots: Int?

    @Option(
        name: .customShort("d"),
        help: ArgumentHelp(
            "How long to stay armed: \(DurationText.forms) (default: until Ctrl-C or SIGTERM).", valueName: "duration"),
        transform: DurationText.parseSeconds)
    var duration: Double?

    @Flag(help: "Print the snapshots taken as JSON.")
    var json = false

    func validate() throws {
        if arm == trigger { throw ValidationError("give exactly one of --arm or --trigger") }
        if arm {
            try capture.validateCapture()
            if output == nil { throw ValidationError("--arm needs -o OUTPUT") }
            if let window, !(window > 0) { throw ValidationError("--window must be positive") }
            if !(sampleInterval >= 0.05) { throw ValidationError("--sample-interval must be at least 0.05 seconds") }
            if !(minInterval >= 0) { throw ValidationError("--min-interval cannot be negative") }
            if let maxSnapshots, maxSnapshots < 1 { throw ValidationError("--max-snapshots must be at least 1") }
            if let duration, !(duration > 0) { throw ValidationError("-d must be positive") }
            for condition in conditions {
                do { _ = try SnapshotCondition.parse(condition) } catch { throw ValidationError(error.description) }
            }
        }
    }

    func run() throws {
        // First, before anything that needs cleaning up exists: see `trace record`.
        let previous = arm ? CaptureSignals.install() : [:]
        defer { CaptureSignals.uninstall(previous) }
        let tracefs = try capture.locateTracefs()
        if trigger {
            let signalled = FlightRecorder.triggerArmedRecorders(tracefs: tracefs, only: recorderPID)
            if signalled.isEmpty {
                throw UserFacingError(
                    "no armed snapshot session\(recorderPID.map { " with PID \($0)" } ?? "") on this host")
            }
            if json {
                print(try JSONOutput.encode(["triggered": signalled]))
            } else {
                print("periscope: snapshot requested from \(signalled.map(String.init).joined(separator: ", "))")
            }
            return
        }
        let logger = source.makeLogger()
        let sessionOptions = try capture.sessionOptions(tracefs: tracefs)
        var options = FlightRecorderOptions(session: sessionOptions, outputDirectory: output!)
        options.windowSeconds = window
        options.conditions = try conditions.map { text in
            do { return try SnapshotCondition.parse(text) } catch { throw UserFacingError("\(error)") }
        }
        options.sampleIntervalSeconds = sampleInterval
        options.minimumIntervalSeconds = minInterval
        options.maximumSnapshots = maxSnapshots
        options.durationSeconds = duration
        options.containers = capture.containers
        options.inventory = source.inventoryOptions(includeProcesses: false)
        options.commandLine = CommandLine.arguments
        if !json {
            printStandardError(
                "periscope: armed (PID \(getpid())); `periscope trace snapshot --trigger` saves a snapshot, Ctrl-C disarms"
            )
        }
        let summary: FlightRecorderSummary
        do {
            summary = try FlightRecorder(options: options, logger: logger).run(tracefs: tracefs) { record in
                if !json { printStandardError("periscope: snapshot saved to \(record.directory): \(record.trigger)") }
            }
        } catch { throw UserFacingError("\(error)") }
        if json {
            print(try JSONOutput.encode(FlightRecorderSummaryJSON(summary)))
        } else {
            print(
                "periscope: disarmed after \(String(format: "%.1f", summary.armedSeconds)) s: \(summary.snapshots.count) snapshots, \(summary.suppressedTriggers) triggers ignored by the rate limit"
            )
        }
    }
}
