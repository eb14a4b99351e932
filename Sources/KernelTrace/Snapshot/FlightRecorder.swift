#if canImport(Glibc)
import Glibc
#endif
import ContainerInventory
import LinuxHost
import Logging

/// What `periscope trace snapshot --arm` does.
public struct FlightRecorderOptions: Sendable {
    public var session: TraceSessionOptions
    /// Snapshots go to OUTPUT/snapshot-NNN.
    public var outputDirectory: String
    /// Keep only the last N seconds before the trigger (nil: all the buffer holds).
    public var windowSeconds: Double?
    public var conditions: [SnapshotCondition] = []
    public var sampleIntervalSeconds: Double = 1
    /// Triggers closer than this to the previous snapshot are ignored (and counted).
    public var minimumIntervalSeconds: Double = 10
    public var maximumSnapshots: Int?
    /// Stay armed this long (nil: until SIGINT/SIGTERM).
    public var durationSeconds: Double?
    public var containers: [String] = []
    public var inventory = InventoryOptions()
    public var rescanIntervalSeconds: Double = 2
    public var commandLine: [String] = []

    public init(session: TraceSessionOptions, outputDirectory: String) {
        self.session = session
        self.session.overwriteOldest = true
        self.outputDirectory = outputDirectory
    }
}

/// One saved snapshot.
public struct SnapshotRecord: Sendable, Codable {
    public var directory: String
    public var trigger: String
    public var triggeredAtNs: UInt64
    public var metadata: TraceMetadata
}

/// How an armed session ended.
public struct FlightRecorderSummary: Sendable, Codable {
    public var snapshots: [SnapshotRecord]
    /// Triggers dropped by the rate limit.
    public var suppressedTriggers: Int
    public var armedSeconds: Double
}

/// The flight recorder: tracing into overwriting ring buffers at the cost of the events only
/// (nothing is copied while armed), saving the buffers to a trace directory when a trigger
/// fires: SIGUSR1 (what `periscope trace snapshot --trigger` sends) or a metric condition.
/// Rate-limited so triggers cannot pile up; the instance is removed on every exit path.
public final class FlightRecorder {
    public let options: FlightRecorderOptions
    private let logger: Logger

    public init(options: FlightRecorderOptions, logger: Logger = Logger(label: "periscope.trace.snapshot")) {
        self.options = options
        self.logger = logger
    }

    public func run(
        tracefs: Tracefs, onSnapshot: (SnapshotRecord) -> Void = { _ in }
    ) throws(TraceCaptureError) -> FlightRecorderSummary {
        try TraceRecorder.prepareOutput(options.outputDirectory)
        let session: TraceSession
        do { session = try TraceSession(tracefs: tracefs, options: options.session) } catch { throw .tracefs(error) }
        defer { do { try session.close() } catch { logger.error("\(error)") } }
        let scanner = InventoryScanner(options: options.inventory, logger: logger)
        let collector = StatedumpCollector(inventory: scanner)
        let filter = try ContainerThreadFilter.install(options.containers, on: session, scanner: scanner)
        var probes: [LiveMetricProbe] = []
        if !options.conditions.isEmpty {
            let snapshot: InventorySnapshot
            do { snapshot = try scanner.scan() } catch { throw .inventory(error) }
            for condition in options.conditions {
                do {
                    probes.append(
                        try LiveMetricProbe(
                            condition: condition, snapshot: snapshot, procRoot: options.inventory.procRoot))
                } catch { throw .container(error) }
            }
        }
        let started = try session.startWithStatedump(collector)
        var statedump = started.statedump
        let armedAt = started.startNs

        var snapshots: [SnapshotRecord] = []
        var suppressed = 0
        var lastSnapshotAt: UInt64?
        var nextSample = monotonicNanoseconds()
        var nextRescan = monotonicNanoseconds() + UInt64(options.rescanIntervalSeconds * 1e9)
        let deadline = options.durationSeconds.map { armedAt + UInt64($0 * 1e9) }
        while !CaptureSignals.isStopRequested {
            let now = monotonicNanoseconds()
            if let deadline, now >= deadline { break }
            if let maximum = options.maximumSnapshots, snapshots.count >= maximum { break }
            var trigger: String?
            if CaptureSignals.takeSnapshotRequests() > 0 { trigger = "signal (SIGUSR1)" }
            if now >= nextSample {
                nextSample = now + UInt64(options.sampleIntervalSeconds * 1e9)
                for probe in probes {
                    if let value = probe.sample(), probe.condition.isMet(by: value), trigger == nil {
                        trigger = "\(probe.condition) (value \(String(Double(Int(value * 10)) / 10)))"
                    }
                }
            }
            if let trigger {
                if let lastSnapshotAt, now - lastSnapshotAt < UInt64(options.minimumIntervalSeconds * 1e9) {
                    suppressed += 1
                    logger.info("snapshot trigger ignored (rate limit): \(trigger)")
                } else {
                    let record = try takeSnapshot(
                        number: snapshots.count + 1, trigger: trigger, triggeredAt: now, armedAt: armedAt,
                        session: session, statedump: statedump, filter: filter)
                    lastSnapshotAt = monotonicNanoseconds()
                    snapshots.append(record)
                    onSnapshot(record)
                }
            }
            if now >= nextRescan {
                nextRescan = now + UInt64(options.rescanIntervalSeconds * 1e9)
                session.excludeOwnThreads()
                if let result = try? collector.rescan(at: monotonicNanoseconds(), into: &statedump), let filter,
                    let fresh = try? filter.newThreads(in: result.inventory)
                {
                    try? session.addToPIDFilter(fresh)
                }
            }
            var pause = timespec(tv_sec: 0, tv_nsec: 50_000_000)
            nanosleep(&pause, nil)
        }
        return FlightRecorderSummary(
            snapshots: snapshots, suppressedTriggers: suppressed,
            armedSeconds: Double(monotonicNanoseconds() - armedAt) / 1e9)
    }

    /// Pauses tracing, moves the buffers into OUTPUT/snapshot-NNN, trims them to the window,
    /// writes formats, statedump and metadata, and resumes.
    private func takeSnapshot(
        number: Int, trigger: String, triggeredAt: UInt64, armedAt: UInt64, session: TraceSession,
        statedump: RecordedStatedump, filter: ContainerThreadFilter?
    ) throws(TraceCaptureError) -> SnapshotRecord {
        let directory =
            "\(options.outputDirectory)/snapshot-\(String(repeating: "0", count: max(0, 3 - String(number).count)))\(number)"
        let layout = TraceDirectoryLayout(root: directory)
        // Built under a hidden name and renamed once its metadata is written: a snapshot-NNN
        // directory always has what a reader needs, even when the recorder is killed.
        let partial = "\(options.outputDirectory)/.snapshot-\(number).partial"
        let partialLayout = TraceDirectoryLayout(root: partial)
        do { try TraceDirectoryWriter.makeDirectory(partial) } catch { throw .directory(error) }
        do { try session.stop() } catch { throw .tracefs(error) }
        let stoppedAt = monotonicNanoseconds()
        let windowNs = options.windowSeconds.map { UInt64($0 * 1e9) } ?? .max
        let cutoff = triggeredAt > windowNs ? triggeredAt - windowNs : 0
        var copiers: [RawPageCopier] = []
        defer { for copier in copiers { copier.close() } }
        // Formats, statedump and metadata (marked incomplete) first: a recorder killed while
        // copying leaves a snapshot readable up to the last page written.
        var incomplete = TraceMetadata(
            session: session, copiers: [], mode: "snapshot", startNs: max(armedAt, cutoff), endNs: stoppedAt,
            realtimeOffsetNs: realtimeOffsetNanoseconds(), containerFilter: filter?.filteredContainers ?? [],
            snapshotTrigger: trigger,
            commandLine: options.commandLine)
        incomplete.isComplete = false
        do {
            try session.writeFormats(to: partialLayout)
            try TraceDirectoryWriter.writeJSON(statedump, to: partialLayout.statedumpPath)
            try TraceDirectoryWriter.writeJSON(incomplete, to: partialLayout.metadataPath)
        } catch { throw .directory(error) }
        guard rename(partial, directory) == 0 else {
            throw .directory(.io(path: directory, errno: errno, operation: "rename \(partial) to"))
        }
        do {
            for cpu in session.onlineCPUs {
                let copier = try RawPageCopier(
                    instance: session.instance.files, cpu: cpu, pageSize: session.pageSize,
                    outputPath: layout.rawPagesPath(cpu: cpu))
                copiers.append(copier)
                try copier.drainRemaining()
            }
        } catch { throw .tracefs(error) }
        let metadata = TraceMetadata(
            session: session, copiers: copiers, mode: "snapshot",
            startNs: max(armedAt, cutoff), endNs: stoppedAt,
            realtimeOffsetNs: realtimeOffsetNanoseconds(), containerFilter: filter?.filteredContainers ?? [],
            snapshotTrigger: trigger,
            commandLine: options.commandLine)
        for copier in copiers { copier.close() }
        do { try session.resume() } catch { throw .tracefs(error) }
        var trimmed = metadata
        do {
            if options.windowSeconds != nil {
                for index in trimmed.cpuStreams.indices {
                    let kept = try RawPageWindow.trim(
                        path: layout.rawPagesPath(cpu: trimmed.cpuStreams[index].cpu), pageSize: session.pageSize,
                        cutoffNs: cutoff)
                    trimmed.cpuStreams[index].pageCount = kept
                    trimmed.cpuStreams[index].byteCount = UInt64(kept * session.pageSize)
                }
            }
            trimmed.isComplete = true
            try TraceDirectoryWriter.writeJSON(trimmed, to: layout.metadataPath)
        } catch { throw .directory(error) }
        logger.notice("snapshot \(number) saved to \(directory): \(trigger)")
        return SnapshotRecord(directory: directory, trigger: trigger, triggeredAtNs: triggeredAt, metadata: trimmed)
    }

    /// Sends the snapshot signal to every armed flight recorder on this host (instances in
    /// overwrite mode whose Periscope still runs). Returns their PIDs.
    public static func triggerArmedRecorders(tracefs: Tracefs, only pid: Int32? = nil) -> [Int32] {
        guard let names = DirectoryEntries.names(in: tracefs.path("instances")) else { return [] }
        var signalled: [Int32] = []
        for name in names where name.hasPrefix(TracefsInstance.namePrefix) {
            guard let owner = Int32(name.dropFirst(TracefsInstance.namePrefix.count)), pid == nil || pid == owner,
                TracefsInstance.isLivePeriscope(pid: owner),
                (try? tracefs.read("instances/\(name)/options/overwrite"))?.hasPrefix("1") == true
            else { continue }
            if kill(owner, SIGUSR1) == 0 { signalled.append(owner) }
        }
        return signalled
    }
}
