import ArgumentParser
import Diagnosis
import Foundation
import LinuxHost
import Recorder
import Recording
import Reporting

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record the host and every container into a database until stopped, for history, replay and charts.",
        discussion: """
            Every interval: what top and stats sample for the host and each container (CPU, \
            throttling, memory and working set, OOM kills, block I/O, network per network \
            namespace, PIDs, PSI), the inventory over time (name, runtime, image, limits, start \
            and stop), the Docker Engine's latency (GET /_ping), kernel log errors and the \
            threads in D state: every thread is swept when /proc/stat counts a task blocked on \
            I/O (procs_blocked), and at least every --dstate-sweep-every otherwise, so a 0 in \
            between means no task waited on I/O at that sample; a D wait that is not I/O (a \
            lock) is seen only by those periodic sweeps. Docker's events give the lifecycle (created, started with how long create → \
            running took, stopped, restarted, renamed, removed) even for containers that live \
            less than an interval. A rolling diagnosis (the rules of `periscope diagnose`) runs \
            every --diagnose-every over the last --diagnose-window of what was recorded, read \
            back as `periscope diagnose --db` reads it; its findings are stored. \
            With --bpf runqlat,biolatency, each container's run-queue and block I/O latency \
            histograms (BPF, kept in the kernel, drained every interval) are stored too, as \
            cumulative log2 slots of microseconds.

            The store is one SQLite file in WAL mode, written in one transaction per interval: \
            a crash or kill -9 loses at most the interval in flight. Old samples are rolled up \
            and deleted past --retention or --max-size. SIGINT or SIGTERM stops cleanly: the \
            last batch is committed and every file closed.

            Examples:
              periscope record
              periscope record --db /tmp/rec.db --interval 5s --retention 2d --max-size 2G
              periscope record --db /tmp/rec.db --duration 1m --json
              periscope record --db /tmp/rec.db --bpf runqlat,biolatency
            """
    )

    @OptionGroup var source: InventorySourceOptions

    @Option(help: ArgumentHelp("The recording database (created if missing).", valueName: "PATH"))
    var db: String = "/var/lib/periscope/periscope.db"

    @Option(
        help: ArgumentHelp("Time between samples: \(DurationText.forms).", valueName: "DURATION"),
        transform: DurationText.parseSeconds)
    var interval: Double = 1

    @Option(
        help: ArgumentHelp("Delete data older than this: 7d, 12h, 30m.", valueName: "DURATION"),
        transform: RecordCommand.parseRetention)
    var retention: Double = 7 * 86_400

    @Option(
        help: ArgumentHelp(
            "Delete the oldest data when the database grows past this: 500M, 2G, 1GiB, or bytes.", valueName: "SIZE"),
        transform: RecordCommand.parseSize)
    var maxSize: Int64?

    @Option(
        help: ArgumentHelp("Stop after this long (default: until SIGINT or SIGTERM).", valueName: "DURATION"),
        transform: DurationText.parseSeconds)
    var duration: Double?

    @Option(
        help: ArgumentHelp("Seconds between rolling diagnoses; 0 turns them off.", valueName: "DURATION"),
        transform: DurationText.parseSeconds)
    var diagnoseEvery: Double = 60

    @Option(
        help: ArgumentHelp(
            "How much of the recording each rolling diagnosis replays (as diagnose --db).", valueName: "DURATION"),
        transform: DurationText.parseSeconds)
    var diagnoseWindow: Double = 10

    @Option(
        help: ArgumentHelp(
            "Full inventory scans this often (Docker containers are seen at once from its events).",
            valueName: "DURATION"), transform: DurationText.parseSeconds)
    var rescan: Double = RecorderOptions().rescanSeconds

    @Option(
        help: ArgumentHelp(
            "Read each container's memory.stat (page cache, anon, inactive file) every this many samples; in between the working set is usage minus the last inactive-file figure. memory.stat is the costliest cgroup file to read.",
            valueName: "N"))
    var memoryStatEvery: Int = RecorderOptions().memoryStatEverySamples

    @Option(
        help: ArgumentHelp(
            "Sweep every thread for D state at least this often; a sample also sweeps whenever /proc/stat counts a task blocked on I/O. A sweep reads every thread's stat (5-35 ms with 100-500 containers); 0 sweeps every sample.",
            valueName: "DURATION"), transform: DurationText.parseSeconds)
    var dstateSweepEvery: Double = RecorderOptions().dStateFullSweepSeconds

    @OptionGroup var continuousBPF: ContinuousBPFOption

    @Flag(
        help:
            "Print one JSON status line per interval (samples, containers, CPU per sample and per write) instead of a start and a stop message."
    )
    var json = false

    func validate() throws {
        if !(interval >= 0.1 && interval <= 3600) { throw ValidationError("--interval must be between 100ms and 1h") }
        if !(retention >= 60) { throw ValidationError("--retention must be at least 1m") }
        if let maxSize, maxSize < 1 << 20 { throw ValidationError("--max-size must be at least 1M") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be more than 0") }
        if diagnoseEvery != 0 && !(diagnoseWindow >= 1 && diagnoseWindow <= diagnoseEvery) {
            throw ValidationError("--diagnose-window must be between 1s and --diagnose-every")
        }
        if !(rescan >= 0 && rescan <= 3600) { throw ValidationError("--rescan must be between 0 and 1h") }
        if !(dstateSweepEvery >= 0 && dstateSweepEvery <= 3600) {
            throw ValidationError("--dstate-sweep-every must be between 0 and 1h")
        }
        if !(1...3600).contains(memoryStatEvery) {
            throw ValidationError("--memory-stat-every must be between 1 and 3600 samples")
        }
    }

    func run() throws {
        _ = source.makeLogger()
        // About 13 descriptors stay open per container between samples.
        HostSystem.raiseOpenFileLimit()
        let store = try RecordingStoreOpening.open(
            path: db, retentionSeconds: retention, maximumSizeBytes: maxSize)
        var options = RecorderOptions()
        options.intervalSeconds = interval
        options.inventory = source.inventoryOptions(includeProcesses: false)
        options.rescanSeconds = rescan
        options.diagnoseEverySeconds = diagnoseEvery
        options.diagnoseWindowSeconds = diagnoseWindow
        options.memoryStatEverySamples = memoryStatEvery
        options.dStateFullSweepSeconds = dstateSweepEvery
        DiagnoseInterrupt.install()
        defer { DiagnoseInterrupt.remove() }
        // After the signal handlers: SIGINT or SIGTERM from here on ends the loop, whose stop
        // detaches and closes the programs.
        let histograms = continuousBPF.open(command: "record", inventory: options.inventory)
        defer { histograms?.close() }
        options.sampleSources = histograms.map { [$0] } ?? []
        let recorder = Recorder(options: options, sink: store)
        let deadline = duration.map { Date().addingTimeInterval($0) }
        if !json {
            printStandardError(
                "periscope record: recording every \(interval) s into \(db) (retention \(HumanDuration.format(seconds: retention))\(maxSize.map { ", at most \($0) bytes" } ?? "")); SIGINT or SIGTERM stops"
            )
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try recorder.run(shouldStop: { DiagnoseInterrupt.wasReceived || deadline.map { Date() >= $0 } == true }) {
                status in
                guard json, let line = try? encoder.encode(status) else { return }
                print(String(decoding: line, as: UTF8.self))
                fflush(nil)
            }
            try store.flush()
        } catch let error as RecordingError {
            recorder.stop()
            throw UserFacingError(error.description)
        }
        if !json {
            printStandardError(
                "periscope record: stopped after \(recorder.lastStatus.samples) samples; \(db) is complete")
        }
    }

    /// Seconds in a retention: `7d`, or any duration form.
    static func parseRetention(_ text: String) throws -> Double {
        if text.hasSuffix("d"), let days = Double(text.dropLast()), days > 0, days.isFinite { return days * 86_400 }
        return try DurationText.parseSeconds(text)
    }

    /// Bytes in `500M`, `2G`, `1GiB`, `64KiB` or a plain number (powers of 1024).
    static func parseSize(_ text: String) throws -> Int64 {
        let units: [(String, Double)] = [
            ("KiB", 0x1p10), ("MiB", 0x1p20), ("GiB", 0x1p30), ("TiB", 0x1p40),
            ("K", 0x1p10), ("M", 0x1p20), ("G", 0x1p30), ("T", 0x1p40), ("B", 1)
        ]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value > 0, value * scale < 9e18 {
                return Int64(value * scale)
            }
        }
        if let value = Int64(text), value > 0 { return value }
        throw ValidationError("\"\(text)\" is not a size: write 500M, 2G, 1GiB or a number of bytes")
    }
}
