#if canImport(Glibc)
import Glibc
#endif
import ContainerInventory
import Foundation
import LinuxHost
import Logging

/// What `periscope trace record` does.
public struct TraceRecordOptions: Sendable {
    public var session: TraceSessionOptions
    public var outputDirectory: String
    /// Seconds to record; nil records until SIGINT/SIGTERM/SIGHUP.
    public var durationSeconds: Double?
    /// `--container` queries (name, id, id prefix, host PID); empty records everything.
    public var containers: [String] = []
    public var inventory = InventoryOptions()
    /// How often threads and containers that appeared are added to the statedump (and filter).
    public var rescanIntervalSeconds: Double = 2
    /// How often full pages are moved out of the ring buffers.
    public var drainIntervalMilliseconds: Int = 100
    /// How far the buffers may grow when a CPU loses events or nearly fills (KiB per CPU);
    /// nil: `BufferGrowthPolicy.defaultMaximumKBPerCPU`. The starting size: never grow.
    public var maximumBufferSizeKBPerCPU: Int?
    public var commandLine: [String] = []

    public init(session: TraceSessionOptions, outputDirectory: String) {
        self.session = session
        self.outputDirectory = outputDirectory
    }
}

/// What a finished capture wrote.
public struct TraceRecordResult: Sendable {
    public var metadata: TraceMetadata
    public var threadCount: Int
    public var containerCount: Int
    /// Stale instances of killed runs that were removed before starting.
    public var removedStaleInstances: [String]
}

/// Records a trace directory: private instance, mono clock, events on, statedump, raw pages
/// copied per CPU until the duration ends or a stop signal arrives; then the final pages,
/// the loss counters and the metadata, and the instance removed on every path.
public final class TraceRecorder {
    public let options: TraceRecordOptions
    private let logger: Logger

    public init(options: TraceRecordOptions, logger: Logger = Logger(label: "periscope.trace")) {
        self.options = options
        self.logger = logger
    }

    /// Records until the duration ends or `shouldStop` returns true (checked at every drain,
    /// 100 ms by default; the agent passes its own flag instead of the process's signals).
    public func run(
        tracefs: Tracefs, shouldStop: () -> Bool = { CaptureSignals.isStopRequested }
    ) throws(TraceCaptureError) -> TraceRecordResult {
        let layout = TraceDirectoryLayout(root: options.outputDirectory)
        let createdOutput = try Self.prepareOutput(layout.root)
        let stale = TracefsInstance.removeStaleInstances(tracefs: tracefs)
        for name in stale { logger.notice("removed stale tracefs instance \(name) of a run that did not exit cleanly") }

        let session: TraceSession
        do { session = try TraceSession(tracefs: tracefs, options: options.session) } catch { throw .tracefs(error) }
        var copiers: [RawPageCopier] = []
        var drainer: CaptureDrainer?
        // Every exit path, errors and signals included, ends here: the draining thread
        // stopped, readers closed, instance gone (and with it any pages the buffers grew by).
        defer {
            _ = try? drainer?.stop()
            for copier in copiers { copier.close() }
            do { try session.close() } catch { logger.error("\(error)") }
        }
        do { try session.writeFormats(to: layout) } catch { throw .directory(error) }

        let scanner = InventoryScanner(options: options.inventory, logger: logger)
        let collector = StatedumpCollector(inventory: scanner)
        let filter: ContainerThreadFilter?
        do { filter = try ContainerThreadFilter.install(options.containers, on: session, scanner: scanner) } catch {
            // Nothing was recorded: leave no half-made directory that the next run would refuse.
            try? FileManager.default.removeItem(atPath: layout.formatsDirectory)
            if createdOutput { rmdir(layout.root) }
            throw error
        }

        do {
            for cpu in session.onlineCPUs {
                copiers.append(
                    try RawPageCopier(
                        instance: session.instance.files, cpu: cpu, pageSize: session.pageSize,
                        outputPath: layout.rawPagesPath(cpu: cpu)))
            }
        } catch { throw .tracefs(error) }
        // A SIGKILL cannot be handled: from the first page file on, the directory always has
        // the metadata a reader needs, marked incomplete until the end rewrites it.
        let realtimeOffset = realtimeOffsetNanoseconds()
        func writeMetadata(
            startNs: UInt64, endNs: UInt64, isComplete: Bool, growths: [BufferGrowth] = []
        ) throws(TraceCaptureError) -> TraceMetadata {
            var metadata = TraceMetadata(
                session: session, copiers: copiers, mode: "record", startNs: startNs, endNs: endNs,
                realtimeOffsetNs: realtimeOffset,
                containerFilter: filter?.filteredContainers ?? [], snapshotTrigger: nil,
                commandLine: options.commandLine, bufferGrowths: growths)
            metadata.isComplete = isComplete
            do { try TraceDirectoryWriter.writeJSON(metadata, to: layout.metadataPath) } catch {
                throw .directory(error)
            }
            return metadata
        }
        let preparedAt = monotonicNanoseconds()
        _ = try writeMetadata(startNs: preparedAt, endNs: preparedAt, isComplete: false)
        // From before tracing_on until the stop, the buffers are drained on a thread of their
        // own: the statedump's work below (dump, JSON, rescans) never holds a drain up.
        let draining = CaptureDrainer(
            copiers: copiers, session: session, policy: growthPolicy(cpuCount: session.onlineCPUs.count),
            drainIntervalMilliseconds: options.drainIntervalMilliseconds, logger: logger)
        drainer = draining
        draining.start()
        // Bracket the capture: the first event comes after startNs, the last before endNs.
        let started = try session.startWithStatedump(collector)
        var statedump = started.statedump
        let startNs = started.startNs
        do { try TraceDirectoryWriter.writeJSON(statedump, to: layout.statedumpPath) } catch { throw .directory(error) }
        _ = try writeMetadata(startNs: startNs, endNs: startNs, isComplete: false)
        logger.debug("statedump: \(statedump.threads.count) threads, \(statedump.containers.count) containers")

        let deadline = options.durationSeconds.map { startNs + UInt64($0 * 1e9) }
        var nextRescan = monotonicNanoseconds() + UInt64(options.rescanIntervalSeconds * 1e9)
        while !shouldStop(), !draining.hasFailed {
            let now = monotonicNanoseconds()
            if let deadline, now >= deadline { break }
            if now >= nextRescan {
                nextRescan = now + UInt64(options.rescanIntervalSeconds * 1e9)
                rescan(collector: collector, filter: filter, session: session, statedump: &statedump)
            }
            // Looks at the stop flag every 100 ms; a signal to this thread cuts it short.
            var waitNs: UInt64 = 100_000_000
            if let deadline { waitNs = min(waitNs, deadline &- min(deadline, monotonicNanoseconds())) }
            var pause = timespec(tv_sec: 0, tv_nsec: Int(waitNs))
            nanosleep(&pause, nil)
        }
        let growths: [BufferGrowth]
        do { growths = try draining.stop() } catch { throw .tracefs(error) }

        do { try session.stop() } catch { throw .tracefs(error) }
        let endNs = monotonicNanoseconds()
        do {
            for copier in copiers { try copier.drainRemaining() }
        } catch { throw .tracefs(error) }
        do { try TraceDirectoryWriter.writeJSON(statedump, to: layout.statedumpPath) } catch { throw .directory(error) }
        let metadata = try writeMetadata(startNs: startNs, endNs: endNs, isComplete: true, growths: growths)
        return TraceRecordResult(
            metadata: metadata, threadCount: statedump.threads.count, containerCount: statedump.containers.count,
            removedStaleInstances: stale)
    }

    /// The growth ceiling: the option's, or four times the start within an eighth of the memory.
    private func growthPolicy(cpuCount: Int) -> BufferGrowthPolicy {
        let start = options.session.bufferSizeKBPerCPU
        let maximum =
            options.maximumBufferSizeKBPerCPU
            ?? BufferGrowthPolicy.defaultMaximumKBPerCPU(
                startKB: start, cpuCount: cpuCount, availableMemoryKB: Self.availableMemoryKB())
        return BufferGrowthPolicy(maximumKBPerCPU: max(start, maximum))
    }

    /// /proc/meminfo's MemAvailable, KiB; nil when unknown.
    private static func availableMemoryKB() -> UInt64? {
        (try? HostCounterReader().memoryInfo())?.availableBytes.map { $0 / 1024 }
    }

    /// Adds new threads and containers to the statedump and, with `--container`, new
    /// threads of the target containers to the kernel's PID filter.
    private func rescan(
        collector: StatedumpCollector, filter: ContainerThreadFilter?, session: TraceSession,
        statedump: inout RecordedStatedump
    ) {
        session.excludeOwnThreads()
        do {
            let result = try collector.rescan(at: monotonicNanoseconds(), into: &statedump)
            if let filter, let fresh = try? filter.newThreads(in: result.inventory), !fresh.isEmpty {
                try? session.addToPIDFilter(fresh)
            }
        } catch {
            logger.warning("rescan failed: \(error)")
        }
    }

    /// Creates the output directory; refuses one that already holds files.
    /// Accepts an empty directory or makes a new one; true when it made it.
    @discardableResult
    static func prepareOutput(_ path: String) throws(TraceCaptureError) -> Bool {
        if let names = DirectoryEntries.names(in: path) {
            if !names.isEmpty { throw .outputNotEmpty(path) }
            return false
        }
        do { try TraceDirectoryWriter.makeDirectory(path) } catch { throw .directory(error) }
        return true
    }
}
