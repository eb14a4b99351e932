#if canImport(Glibc)
import Glibc
#endif
import ContainerInventory
import Diagnosis
import History
import LinuxHost
import Recording
import ResourceMetrics

/// `periscope record` as a library: samples the host and every container each interval and
/// writes one batch per interval to a `RecordingSink`, until told to stop. The HTTP agent
/// runs the same type in-process.
///
/// Per container a sample is one pread per counter file on descriptors opened when the
/// container appears (`CompactCgroupReader`), into values reused sample after sample:
/// no path is built, no string hashed, nothing allocated on the container's side of the
/// loop. Beside the samples: Docker's events (lifecycle, create → running) on their own
/// thread, `GET /_ping` latency, the kernel log, D-state sweeps and a rolling diagnosis of
/// the recorded samples on a thread of its own. Not thread-safe: one thread calls `sample()`
/// or `run`.
package final class Recorder {
    /// What it records and how often.
    package let options: RecorderOptions
    private let sink: any RecordingSink
    private let procfs: Procfs
    private let cheapScanner: InventoryScanner
    private let namingScanner: InventoryScanner
    private let metadataLookup: RuntimeMetadataLookup
    private let layout: CgroupLayout?
    private let hostSampler: HostSampler
    private var wholeDisks: Set<String> = []
    private var tracked: [TrackedContainer] = []
    private var lifecycle = ContainerLifecycle()
    private let dockerEvents: DockerEventStream?
    private let kernelLog: KernelLogFollower
    private let dState: DStateSweeps
    private let diagnosis: RollingDiagnosis?
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    private var hostValues = RecordedValues()
    private var lastScanSeconds = -Double.infinity
    private var scanDue = true
    private var firstScanDone = false
    private var namesByID: [String: String] = [:]
    private var problems: [String] = []
    private var stopped = false

    /// Called on the recording thread after each batch is written, with the tracked
    /// containers' facts when they changed since the previous call (nil: unchanged). The
    /// agent keeps the latest batch for /metrics from here instead of sampling again.
    package var onBatchWritten: ((RecordingBatch, [TrackedContainerFacts]?) -> Void)?
    private var factsChanged = true

    /// What the last sample cost and saw: for status lines and benchmarks.
    package private(set) var lastStatus = RecorderStatus()
    /// Called just before the counters are read (tests: a thread descheduled under load).
    var willReadCounters: (() -> Void)?

    /// Opens what the recorder reads (nothing is sampled until `sample()` or `run`).
    package init(options: RecorderOptions, sink: any RecordingSink) {
        self.options = options
        self.sink = sink
        procfs = Procfs(root: options.inventory.procRoot)
        var cheap = options.inventory
        cheap.queryRuntimes = false
        cheap.resolveHostnames = false
        cheap.includeProcesses = false
        var naming = cheap
        naming.queryRuntimes = options.inventory.queryRuntimes
        cheapScanner = InventoryScanner(options: cheap)
        namingScanner = InventoryScanner(options: naming)
        metadataLookup = RuntimeMetadataLookup(options: naming)
        hostSampler = HostSampler(reader: HostCounterReader(procRoot: options.inventory.procRoot))
        layout = try? CgroupLayout.read(
            mountInfoPath: options.inventory.procRoot + "/self/mountinfo", reader: procfs.reader)
        if layout == nil {
            problems.append("cgroup mounts unreadable (/proc/self/mountinfo): no per-container counters")
        }
        dockerEvents =
            options.followsDockerEvents && options.inventory.queryRuntimes
            ? DockerEventStream(socketPath: options.inventory.dockerSocket) : nil
        kernelLog = KernelLogFollower(
            path: options.kernelLogPath, procfs: procfs, layout: layout,
            bootUnixMilliseconds: Self.bootUnixMilliseconds())
        if let problem = kernelLog.problem { problems.append("kernel log unreadable: \(problem)") }
        dState = DStateSweeps(
            procfs: procfs,
            fullSweepEvery: DStateSweepGate.opportunities(
                everySeconds: options.dStateFullSweepSeconds, intervalSeconds: options.intervalSeconds))
        if options.diagnoseEverySeconds > 0, let store = sink.readBack {
            diagnosis = RollingDiagnosis(options: options, recording: RecordingReader(store: store))
        } else {
            if options.diagnoseEverySeconds > 0 {
                problems.append("no rolling diagnosis: the recorder writes to no store it can read back")
            }
            diagnosis = nil
        }
        wholeDisks = Self.wholeDisks()
    }

    deinit {
        stop()
        buffer.deallocate()
    }

    /// Samples every interval until `shouldStop` returns true (polled every 100 ms), then
    /// writes one last batch and stops the threads. `onSample` sees each batch's status.
    package func run(shouldStop: () -> Bool, onSample: (RecorderStatus) -> Void = { _ in }) throws {
        let intervalNanoseconds = UInt64(max(0.01, options.intervalSeconds) * 1e9)
        var next = MonotonicInstant.now().nanoseconds
        defer { stop() }
        while true {
            let stopping = shouldStop()
            let now = MonotonicInstant.now().nanoseconds
            if now >= next || stopping {
                let batch = try sample()
                let writeStart = Self.threadCPUNanoseconds()
                try sink.append(batch)
                lastStatus.writeCPUNanoseconds = Self.threadCPUNanoseconds() - writeStart
                if let diagnosis, let newest = batch.samples.lazy.map(\.unixMilliseconds).max() {
                    diagnosis.batchCommitted(newestSampleMilliseconds: newest)
                }
                if let onBatchWritten {
                    onBatchWritten(batch, factsChanged ? tracked.map(\.facts) : nil)
                    factsChanged = false
                }
                onSample(lastStatus)
                if stopping { return }
                next += intervalNanoseconds
                // Fell behind (a suspended VM, a slow disk): skip the missed ticks.
                if next < now { next = now + intervalNanoseconds }
                continue
            }
            Self.sleep(nanoseconds: min(next - now, 100_000_000))
        }
    }

    /// Stops the event and diagnosis threads and closes every counter file. Idempotent.
    package func stop() {
        guard !stopped else { return }
        stopped = true
        dockerEvents?.stop()
        diagnosis?.stop()
        for source in options.sampleSources { source.close() }
        tracked.removeAll()
    }

    /// Takes one sample of everything and returns it as a batch (not yet written).
    package func sample() throws -> RecordingBatch {
        let cpuStart = Self.threadCPUNanoseconds()
        let unixMilliseconds = Self.unixMilliseconds()
        var batch = RecordingBatch(unixMilliseconds: unixMilliseconds)
        for problem in problems {
            batch.events.append(RecordedEvent(unixMilliseconds: unixMilliseconds, kind: .recorder, message: problem))
        }
        problems.removeAll()

        let inventoryStart = Self.threadCPUNanoseconds()
        if let dockerEvents {
            let changes = lifecycle.apply(dockerEvents.drain())
            batch.events += changes.events
            batch.containers += changes.descriptions
            if !changes.startedIDs.isEmpty { scanDue = true }
            for (id, name) in changes.renamed {
                namesByID[id] = name
                for container in tracked where container.key.id == id {
                    container.name = name
                    container.descriptionChanged = true
                }
            }
        }
        let monotonicSeconds = Double(MonotonicInstant.now().nanoseconds) / 1e9
        if scanDue || monotonicSeconds - lastScanSeconds >= options.rescanSeconds {
            rescan(at: unixMilliseconds, into: &batch)
            lastScanSeconds = monotonicSeconds
        }
        let inventoryEnd = Self.threadCPUNanoseconds()

        // Each sample is stamped when its counters were read, not when this sample began: under
        // load the thread can lose seconds between the two (a rescan, or just no CPU), and a
        // rate over the scheduled interval would then exceed what is physically possible.
        willReadCounters?()
        let host = try hostSampler.sample().counters
        let hostReadAt = Self.unixMilliseconds()
        hostValues.setHost(host, wholeDisks: wholeDisks)
        let sampleStart = Self.threadCPUNanoseconds()
        let includeMemoryStat = lastStatus.samples % max(1, options.memoryStatEverySamples) == 0
        batch.samples.reserveCapacity(tracked.count + 1)
        // Context switches are read from half the demand the CPU tree asks for, so a replay with
        // somewhat lower thresholds still finds them.
        let switchesDemandCores = options.thresholds.demandCores / 2
        let switchesPressurePercent = options.thresholds.cpuPressurePercent / 2
        var index = 0
        while index < tracked.count {
            let container = tracked[index]
            let readAt: Int64
            let readAtNanoseconds: UInt64
            do {
                try container.reader.read(
                    into: &container.counters, buffer: buffer, includeMemoryStat: includeMemoryStat)
                readAt = Self.unixMilliseconds()
                readAtNanoseconds = MonotonicInstant.now().nanoseconds
            } catch {
                // Its cgroup is gone: stopped between two samples.
                stopTracking(at: index, unixMilliseconds: unixMilliseconds, into: &batch)
                continue
            }
            if monotonicSeconds - container.limitsReadAt >= options.limitsRefreshSeconds {
                container.limits = ContainerLimits.read(CgroupDirectories(layout: layout!, cgroups: container.cgroups))
                container.limitsReadAt = monotonicSeconds
            }
            container.fillValues()
            if container.wantsCPU(
                readAtNanoseconds: readAtNanoseconds, demandCores: switchesDemandCores,
                pressurePercent: switchesPressurePercent), container.switches.read()
            {
                container.fillContextSwitches()
            }
            batch.samples.append(
                RecordingBatch.Entry(
                    container: container.recordedKey, unixMilliseconds: readAt, values: container.values))
            if container.descriptionChanged {
                factsChanged = true
                batch.containers.append(container.description)
                container.descriptionChanged = false
            }
            index += 1
        }
        let containersEnd = Self.threadCPUNanoseconds()

        let sweep = dState.sweep(blockedTasks: host.cpu.blockedTasks, unixMilliseconds: unixMilliseconds) {
            [procfs, layout] pid in
            Self.containerKey(ofPID: pid, procfs: procfs, layout: layout)?.description
        }
        let sweepEnd = Self.threadCPUNanoseconds()
        batch.events += sweep.events
        batch.events += kernelLog.poll()
        hostValues.set(.kernelLogErrors, kernelLog.errorCount)
        hostValues.set(.dStateThreadsMilli, UInt64(sweep.counts[nil] ?? 0) * 1000)
        hostValues.set(.containersRunning, UInt64(tracked.count))
        if !sweep.counts.isEmpty {
            for container in tracked {
                if let count = sweep.counts[container.key.description] {
                    container.values.set(.dStateThreadsMilli, UInt64(count) * 1000)
                }
            }
        }
        if options.probesDockerEngine && options.inventory.queryRuntimes {
            switch DockerEngineProbe.pingNanoseconds(socketPath: options.inventory.dockerSocket) {
            case .success(let nanoseconds): hostValues.set(.runtimeAPILatencyMicroseconds, nanoseconds / 1000)
            case .failure: hostValues[.runtimeAPILatencyMicroseconds] = nil
            }
        }
        batch.samples.append(
            RecordingBatch.Entry(container: .host, unixMilliseconds: hostReadAt, values: hostValues))
        if let diagnosis {
            let drained = diagnosis.drain()
            batch.findings += drained.findings
            lastStatus.diagnoses = drained.runs
            lastStatus.diagnosisReplayCPUNanoseconds = drained.lastCost?.replayCPUNanoseconds
            lastStatus.diagnosisRulesCPUNanoseconds = drained.lastCost?.rulesCPUNanoseconds
            if let problem = drained.problem {
                batch.events.append(
                    RecordedEvent(unixMilliseconds: unixMilliseconds, kind: .recorder, message: problem))
            }
        }

        if !options.sampleSources.isEmpty {
            let sourcesStart = Self.threadCPUNanoseconds()
            for source in options.sampleSources {
                for problem in source.contribute(to: &batch) {
                    batch.events.append(
                        RecordedEvent(unixMilliseconds: unixMilliseconds, kind: .recorder, message: problem))
                }
            }
            lastStatus.sourcesCPUNanoseconds = Self.threadCPUNanoseconds() - sourcesStart
        }

        let end = Self.threadCPUNanoseconds()
        lastStatus.samples += 1
        lastStatus.unixMilliseconds = unixMilliseconds
        lastStatus.containers = tracked.count
        lastStatus.sampleCPUNanoseconds = end - cpuStart
        lastStatus.containersCPUNanoseconds = containersEnd - sampleStart
        lastStatus.inventoryCPUNanoseconds = inventoryEnd - inventoryStart
        lastStatus.dStateSweepCPUNanoseconds = sweepEnd - containersEnd
        lastStatus.dStateSwept = sweep.swept
        lastStatus.events = batch.events.count
        lastStatus.findings = batch.findings.count
        lastStatus.dockerEventsConnected = dockerEvents?.isConnected
        lastStatus.kernelLogReadable = kernelLog.problem == nil
        return batch
    }

    // MARK: - Inventory

    private func rescan(at unixMilliseconds: Int64, into batch: inout RecordingBatch) {
        scanDue = false
        guard layout != nil else { return }
        let scanner = firstScanDone ? cheapScanner : namingScanner
        guard let snapshot = try? scanner.scan() else { return }
        firstScanDone = true
        var seen = Set<ContainerKey>()
        seen.reserveCapacity(snapshot.containers.count)
        for container in snapshot.containers { seen.insert(container.key) }
        var index = 0
        while index < tracked.count {
            if seen.contains(tracked[index].key) {
                seen.remove(tracked[index].key)
                index += 1
            } else {
                stopTracking(at: index, unixMilliseconds: unixMilliseconds, into: &batch)
            }
        }
        for container in snapshot.containers where seen.contains(container.key) {
            guard let cgroups = container.cgroups else { continue }
            var name = container.name ?? namesByID[container.key.id]
            var image = container.image
            if name == nil || image == nil, let metadata = metadataLookup.metadata(for: container.key) {
                name = name ?? metadata.name
                image = image ?? metadata.image
            }
            startTracking(
                container.key, name: name, image: image, initPID: container.initPID, cgroups: cgroups,
                cgroupPath: container.cgroupPath, sharesHostNetwork: container.namespacesSharedWithHost.contains(.net))
        }
    }

    /// Opens a container's counter files and samples it from now on.
    private func startTracking(
        _ key: ContainerKey, name: String?, image: String?, initPID: Int32?, cgroups: ProcessCgroups,
        cgroupPath: String?, sharesHostNetwork: Bool
    ) {
        guard let layout else { return }
        let directories = CgroupDirectories(layout: layout, cgroups: cgroups)
        let netDev = sharesHostNetwork ? nil : initPID.map { "\(options.inventory.procRoot)/\($0)/net/dev" }
        guard let reader = try? CompactCgroupReader(directories: directories, networkDevicesPath: netDev) else {
            return
        }
        tracked.append(
            TrackedContainer(
                key: key, name: name ?? "\(key.runtime.rawValue):\(key.shortID)", image: image, initPID: initPID,
                cgroupPath: cgroupPath, sharesHostNetwork: sharesHostNetwork, reader: reader, cgroups: cgroups,
                switches: ContainerContextSwitches(procfs: procfs, cpu: directories.cpu)))
    }

    /// Drops a container whose cgroup vanished. Docker's `die` event gives the exact stop
    /// time; other runtimes' containers are stamped with this sample's time.
    private func stopTracking(at index: Int, unixMilliseconds: Int64, into batch: inout RecordingBatch) {
        let container = tracked.remove(at: index)
        scanDue = true
        factsChanged = true
        guard container.key.runtime != .docker || dockerEvents == nil else { return }
        var description = container.description
        description.stoppedAtUnixMilliseconds = unixMilliseconds
        batch.containers.append(description)
        batch.events.append(
            RecordedEvent(
                unixMilliseconds: unixMilliseconds, kind: .stopped, container: container.recordedKey,
                message: "\(container.name) stopped (its cgroup vanished)"))
    }

    /// The container of a host PID from its cgroup path; nil for the host's processes.
    static func containerKey(ofPID pid: Int32, procfs: Procfs, layout: CgroupLayout?) -> ContainerKey? {
        guard let read = try? procfs.cgroups(TaskID(pid: pid)) else { return nil }
        let cgroups = layout?.hostView(of: read) ?? read
        for membership in cgroups.memberships {
            if let match = CgroupPathRules.match(membership.path) { return match.key }
        }
        return nil
    }

    // MARK: - Clocks and host facts

    /// Whole disks: /sys/block entries but loop and ram devices (their partitions are in
    /// /proc/diskstats too, and would count twice).
    private static func wholeDisks() -> Set<String> {
        Set(
            (DirectoryEntries.names(in: "/sys/block") ?? []).filter {
                !$0.hasPrefix(".") && !$0.hasPrefix("loop") && !$0.hasPrefix("ram")
            })
    }

    static func unixMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// The Unix time of boot, for kernel log stamps (µs since boot).
    private static func bootUnixMilliseconds() -> Int64 {
        var boot = timespec()
        clock_gettime(CLOCK_MONOTONIC, &boot)
        return unixMilliseconds() - (Int64(boot.tv_sec) * 1000 + Int64(boot.tv_nsec) / 1_000_000)
    }

    static func threadCPUNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    private static func sleep(nanoseconds: UInt64) {
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
