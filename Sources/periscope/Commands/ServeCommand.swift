import ArgumentParser
import Captures
import ContainerInventory
import Foundation
import History
import LinuxHost
import Logging
import PeriscopeServer
import Recorder
import Recording
import Reporting

/// `periscope serve`: the agent a fleet runs on every host.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Record the host's containers and serve them over HTTP: Prometheus /metrics and a JSON API.",
        discussion: """
            Runs the recorder of `periscope record` in-process: every --interval it samples the \
            host and every container into the recording --db (the same store `periscope record` \
            writes, with its --retention and --max-size), and every --diagnose-every a rolling \
            diagnosis replays the last --window of that recording (as `diagnose --db` does). Serves GET /metrics from the latest sample \
            (cAdvisor's container_* names and labels, plus PSI, D-state threads, the CPU \
            bottleneck verdict and active findings of the last rolling diagnosis, and with \
            --bpf runqlat,biolatency the histograms periscope_runqueue_latency_seconds and \
            periscope_block_io_latency_seconds per container, kept in the kernel), \
            /api/v1/inventory and /api/v1/latest from the latest sample, /api/v1/history and \
            /api/v1/diagnosis?since=&until= from the recording (containers removed since are \
            still found). `periscope stats|top|diagnose|chart --db` read the same file while it \
            serves.
            Listens on loopback unless told otherwise; any other address needs --token-file, and \
            every request must then carry `Authorization: Bearer TOKEN`. Stops cleanly on \
            SIGINT or SIGTERM. Run as root (or with the capabilities docs/deployment.md lists).
            """)

    @Option(help: "Address to listen on: HOST:PORT, [IPV6]:PORT or :PORT (every address; needs --token-file).")
    var listen = ListenAddress.defaultAddress.description

    @Option(help: "File holding the bearer token (at least 16 characters); required beyond loopback.")
    var tokenFile: String?

    @Option(help: ArgumentHelp("The recording database (created if missing).", valueName: "PATH"))
    var db: String = "/var/lib/periscope/periscope.db"

    @Option(help: "Time between two samples of every container (\(DurationText.forms)).")
    var interval = "1s"

    @Option(
        help: ArgumentHelp("Delete recorded data older than this: 7d, 12h, 30m.", valueName: "DURATION"),
        transform: RecordCommand.parseRetention)
    var retention: Double = 7 * 86_400

    @Option(
        help: ArgumentHelp(
            "Delete the oldest recorded data when the database grows past this: 500M, 2G, 1GiB, or bytes.",
            valueName: "SIZE"),
        transform: RecordCommand.parseSize)
    var maxSize: Int64?

    @Option(
        help:
            "Length of each rolling diagnosis window, the last stretch of the recording replayed, whose verdicts and findings /metrics exports (\(DurationText.forms))."
    )
    var window = "10s"

    @Option(help: "Time between two rolling diagnoses (\(DurationText.forms)); at least --window.")
    var diagnoseEvery = "60s"

    @Option(
        help: ArgumentHelp(
            "Sweep every thread for D state at least this often (\(DurationText.forms)); a sample also sweeps whenever /proc/stat counts a task blocked on I/O, so between sweeps the D-state gauges are 0 when no task waits on I/O. A sweep reads every thread's stat (5-35 ms with 100-500 containers); 0 sweeps every sample.",
            valueName: "DURATION"), transform: DurationText.parseSeconds)
    var dstateSweepEvery: Double = RecorderOptions().dStateFullSweepSeconds

    @Option(help: "The Docker Engine API socket (names and images).")
    var dockerSocket = "/var/run/docker.sock"

    @Option(
        help: "Directory for on-demand and alert-triggered captures (profiles, trace snapshots, diagnosis windows).")
    var captureDir = "/var/lib/periscope/captures"

    @Option(help: "Bytes of capture results kept (K, M, G suffixes; the oldest are deleted first).")
    var captureBudget = "512M"

    @Option(help: "The longest capture a request may ask for (\(DurationText.forms)).")
    var captureMaxDuration = "60s"

    @Option(
        help:
            "What a firing Alertmanager alert naming a container captures: comma-separated profile, trace, diagnosis, or none."
    )
    var alertCaptures = "diagnosis,profile"

    @Option(help: "How long each alert-triggered capture lasts (\(DurationText.forms)).")
    var alertCaptureDuration = "10s"

    @Option(
        help:
            "After alert-triggered captures of a container, ignore alerts about it for this long (\(DurationText.forms))."
    )
    var alertMinInterval = "5m"

    @OptionGroup var continuousBPF: ContinuousBPFOption

    @Flag(name: .shortAndLong, help: "Log every request and what the recorder does, on standard error.")
    var verbose = false

    func validate() throws {
        if !(retention >= 60) { throw ValidationError("--retention must be at least 1m") }
        if let maxSize, maxSize < 1 << 20 { throw ValidationError("--max-size must be at least 1M") }
        if !(dstateSweepEvery >= 0 && dstateSweepEvery <= 3600) {
            throw ValidationError("--dstate-sweep-every must be between 0 and 1h")
        }
    }

    func run() async throws {
        var configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration(
                listen: try ListenAddress(parsing: listen),
                token: try tokenFile.map { path throws(ServerConfigurationError) in try AccessToken.read(path: path) },
                intervalSeconds: try DurationText.seconds(interval), windowSeconds: try DurationText.seconds(window),
                diagnoseEverySeconds: try DurationText.seconds(diagnoseEvery))
        } catch {
            throw ValidationError("\(error)")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .debug : .notice
            return handler
        }
        var inventory = InventoryOptions()
        inventory.dockerSocket = dockerSocket
        // The process list of a container (GET /api/v1/processes) asks the same socket.
        configuration.inventory = inventory
        inventory.includeProcesses = false
        // About 13 descriptors stay open per container between samples.
        HostSystem.raiseOpenFileLimit()
        let store = try RecordingStoreOpening.open(path: db, retentionSeconds: retention, maximumSizeBytes: maxSize)
        var options = RecorderOptions()
        options.intervalSeconds = configuration.intervalSeconds
        options.inventory = inventory
        options.diagnoseEverySeconds = configuration.diagnoseEverySeconds
        options.dStateFullSweepSeconds = dstateSweepEvery
        options.diagnoseWindowSeconds = configuration.windowSeconds
        let captures = try makeCaptures(inventory: inventory)
        // Loaded last, just before the recorder that owns them starts: its stop closes them.
        let histograms = continuousBPF.open(command: "serve", inventory: inventory)
        defer { histograms?.close() }
        options.sampleSources = histograms.map { [$0] } ?? []
        let recorder = StoreRecorder(options: options, store: store)
        FileHandle.standardError.write(Data((configuration.startMessage + "; recording into \(db)\n").utf8))
        try await AgentServer(
            configuration: configuration, recorder: recorder, recording: RecordingReader(store: store),
            captures: captures
        ).run(logger: Logger(label: "periscope.serve"))
        if let failure = recorder.failureDescription { throw UserFacingError("the recorder stopped: \(failure)") }
    }

    /// The capture manager over --capture-dir and, unless --alert-captures none, the alert trigger.
    private func makeCaptures(inventory: InventoryOptions) throws -> AgentCaptures {
        var configuration = CaptureManager.Configuration(root: captureDir)
        guard let budget = ByteSizeText.parse(captureBudget) else {
            throw ValidationError("--capture-budget takes a size like 512M or 2G, not '\(captureBudget)'")
        }
        configuration.budgetBytes = budget
        do { configuration.maximumDurationSeconds = try DurationText.seconds(captureMaxDuration) } catch {
            throw ValidationError("--capture-max-duration: \(error)")
        }
        configuration.defaultDurationSeconds = min(10, configuration.maximumDurationSeconds)
        var runners = CaptureManager.liveRunners()
        var profile = ProfileCaptureRunner()
        profile.inventory = inventory
        var trace = TraceCaptureRunner()
        trace.inventory = inventory
        var diagnosis = DiagnosisCaptureRunner()
        diagnosis.inventory = inventory
        runners = [.profile: profile, .trace: trace, .diagnosis: diagnosis]
        let manager: CaptureManager
        do {
            manager = try CaptureManager(
                configuration: configuration, runners: runners, resolver: .live(inventory: inventory))
        } catch {
            throw ValidationError("--capture-dir \(captureDir): \(error)")
        }
        let kinds = alertCaptures.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if kinds == ["none"] { return AgentCaptures(manager: manager, alertTrigger: nil) }
        var policy = AlertCapturePolicy()
        policy.kinds = try kinds.map { text in
            guard let kind = CaptureKind(rawValue: text) else {
                throw ValidationError("--alert-captures takes profile, trace, diagnosis or none, not '\(text)'")
            }
            return kind
        }
        if policy.kinds.isEmpty {
            throw ValidationError("--alert-captures needs at least one of profile, trace, diagnosis, or none")
        }
        do {
            policy.durationSeconds = try DurationText.seconds(alertCaptureDuration)
            policy.minimumIntervalSeconds = try DurationText.seconds(alertMinInterval)
        } catch {
            throw ValidationError("\(error)")
        }
        do {
            return AgentCaptures(
                manager: manager, alertTrigger: try AlertCaptureTrigger(manager: manager, policy: policy))
        } catch {
            throw ValidationError("--alert-capture-duration: \(error)")
        }
    }
}
