import ArgumentParser
import ContainerInventory
import Diagnosis
import Foundation
import History
import LinuxHost
import Presentation
import Reporting
import ResourceMetrics

struct DiagnoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract:
            "Watch the host and its containers for a window and say what is wrong, with evidence and whose fault it is.",
        discussion: """
            The container performance method of "Container Performance Analysis", automated: \
            the 60-second checklist (uptime, dmesg, vmstat, mpstat, pidstat, iostat, free, sar) \
            evaluated, the USE method for the host's CPUs, memory, disks and interfaces and for \
            each container's CPU cap, shares, memory, PIDs and block I/O limits, the CPU \
            bottleneck tree per container (cap throttled / share throttled / physical CPU \
            throttled / not throttled), noisy neighbours with their share, memory limits and \
            OOM kills from the cgroup counters and the kernel log, and storage stalls: threads \
            in uninterruptible sleep (D) with their kernel wait channel and stack, latency \
            rising while IOPS fall to a floor, and with --probe-storage a synchronous write probe.

            Each finding has a verdict, the metrics with their change over the window (first \
            third → last third), whose fault it is and the next command to run. Thresholds \
            are in docs/diagnose.md and can be changed with --threshold or --thresholds-file.
            Exit status: 0 healthy, 1 findings (warning or critical), 2 could not diagnose.
            Reads /proc, cgroupfs and /dev/kmsg (root for every process, the kernel log and \
            kernel stacks). Changes nothing, except --probe-storage, which writes and removes \
            one file of 10 MiB (unlinked as soon as it is opened).

            Examples:
              periscope diagnose
              periscope diagnose web --duration 30s
              periscope diagnose --probe-storage /var/lib/docker --json
              periscope diagnose --db /var/lib/periscope/recording.db --since 03:00 --until 03:30
            """
    )

    @OptionGroup var source: InventorySourceOptions
    @OptionGroup var window: DiagnoseWindowOptions
    @OptionGroup(title: "Replay a recording") var recording: RecordingRangeOptions

    @Argument(help: "Containers to diagnose (name, id prefix, or a host PID in it); all when none is given.")
    var containers: [String] = []

    @Flag(
        name: .customLong("probe-storage"),
        help: ArgumentHelp(
            "Run a synchronous write probe (like dd oflag=sync) in PATH (an argument starting with / or .); default /var/lib/docker, else the current directory.",
            valueName: "PATH"))
    var probeStorage = false

    @Option(
        help: ArgumentHelp(
            "Also write what was observed (every sample, D-state thread and kernel log event) as JSON to FILE.",
            valueName: "FILE"))
    var saveWindow: String?

    @Option(
        help: ArgumentHelp(
            "Diagnose a window saved with --save-window instead of watching (to tune thresholds, or on another machine).",
            valueName: "FILE"))
    var fromWindow: String?

    /// The probe's directory, taken from the arguments.
    private var probePath: String?

    mutating func validate() throws {
        if window.listThresholds { return }
        try window.validateWindow()
        // `--probe-storage [PATH]`: the optional path arrives among the container arguments.
        let paths = containers.filter { $0.hasPrefix("/") || $0.hasPrefix(".") }
        containers.removeAll { $0.hasPrefix("/") || $0.hasPrefix(".") }
        if !paths.isEmpty && !probeStorage {
            throw ValidationError("\(paths[0]) is a path, not a container: did you mean --probe-storage \(paths[0])?")
        }
        if paths.count > 1 { throw ValidationError("--probe-storage takes one path") }
        probePath = paths.first
        if let path = probePath {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--probe-storage \(path): not a directory")
            }
        }
    }

    /// A saved window. Containers named on the command line are looked up among the window's
    /// (by `ContainerMatcher`'s rule) and replace its focus.
    private static func loadWindow(_ path: String, queries: [String]) throws -> ObservationWindow {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UserFacingError("cannot read --from-window \(path)")
        }
        var window: ObservationWindow
        do {
            window = try JSONDecoder().decode(ObservationWindow.self, from: data)
        } catch {
            throw UserFacingError(
                "--from-window \(path) is not a window saved by periscope diagnose --save-window: \(error)")
        }
        guard !queries.isEmpty else { return window }
        let matcher = ContainerMatcher(
            recorded: window.containers.map { ContainerCandidate(key: $0.key, name: $0.displayName) },
            source: "the saved window \(path)")
        window.focus = try matcher.matchAll(queries).map { window.containers[$0].key }
        return window
    }

    /// The recorded window `range` of `path`, focused on the containers `queries` name
    /// (found by name, earlier name or id even when they no longer exist).
    private static func replayWindow(
        _ path: String, range: (start: Double, end: Double), queries: [String]
    ) throws -> ObservationWindow {
        let reader = try RecordingReader(path: path)
        try reader.requireSamples(from: range.start, to: range.end)
        let focus = try reader.resolve(queries, among: try reader.containers(from: range.start, to: range.end))
        if let host = focus.first(where: \.key.isHost) {
            throw UserFacingError("\(host.name) is the host, not a container: run periscope diagnose --db without it")
        }
        return try RecordedWindow(reader: reader, start: range.start, end: range.end).observationWindow(focus: focus)
    }

    func run() throws {
        do {
            try diagnose()
        } catch  where !(error is ExitCode || error is ValidationError || error is CleanExit) {
            // 1 means findings: anything that stopped the diagnosis (an unreadable or corrupt
            // --from-window, /proc unreadable, a probe that cannot write) is 2.
            printStandardError("periscope: \(error)")
            throw ExitCode(2)
        }
    }

    private func diagnose() throws {
        if window.listThresholds {
            print(DiagnoseWindowOptions.thresholdList())
            return
        }
        let logger = source.makeLogger()
        var focus: Set<ContainerKey> = []
        if recording.db != nil && (fromWindow != nil || probeStorage) {
            throw UserFacingError(
                "--db replays a recording: it cannot be combined with --from-window or --probe-storage")
        }
        if !containers.isEmpty && fromWindow == nil && recording.db == nil {
            let snapshot = try source.scan(includeProcesses: false, logger: logger)
            for query in containers {
                switch ContainerMatcher.resolve(query, in: snapshot) {
                case .failure(let failure): throw UserFacingError(failure.description)
                case .success(let container):
                    if container.key.isHost {
                        throw UserFacingError(
                            "\(query) is a host process, not in a container: run periscope diagnose without it")
                    }
                    focus.insert(container.key)
                }
            }
        }
        var options = WindowOptions()
        options.durationSeconds = window.duration
        options.intervalSeconds = window.interval
        options.inventory = source.inventoryOptions(includeProcesses: false)
        options.kernelLogLookbackSeconds = window.kernelLogLookback
        if probeStorage {
            let directory =
                probePath
                ?? (FileManager.default.fileExists(atPath: "/var/lib/docker")
                    ? "/var/lib/docker" : FileManager.default.currentDirectoryPath)
            if let reason = SyncWriteProbe.cannotWriteReason(directory: directory) {
                throw UserFacingError("--probe-storage \(directory): cannot create the probe file: \(reason)")
            }
            options.probeDirectory = directory
        }
        if !window.json && fromWindow == nil && recording.db == nil {
            printStandardError("periscope: watching for \(String(format: "%g", window.duration)) s...")
        }
        let observed: ObservationWindow
        if let db = recording.db {
            observed = try Self.replayWindow(db, range: try recording.range(), queries: containers)
        } else if let fromWindow {
            observed = try Self.loadWindow(fromWindow, queries: containers)
        } else {
            DiagnoseInterrupt.install()
            observed = try WindowRecorder(options: options).record(
                focus: focus, shouldStop: { DiagnoseInterrupt.wasReceived })
            DiagnoseInterrupt.remove()
        }
        if let saveWindow {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let bytes: [UInt8]
            do {
                bytes = Array(try encoder.encode(observed))
            } catch {
                throw UserFacingError("cannot encode the window for --save-window: \(error)")
            }
            try writeOutputFile(bytes, to: saveWindow)
        }
        let report = Diagnoser(thresholds: try window.thresholds()).diagnose(observed)
        if window.json {
            print(try JSONOutput.encode(report))
        } else {
            print(
                DiagnosisTextRenderer(useColor: TerminalStyle.standardOutput.usesColor, verbose: window.full).render(
                    report), terminator: "")
        }
        if report.status != .healthy { throw ExitCode(report.status.exitCode) }
    }
}
