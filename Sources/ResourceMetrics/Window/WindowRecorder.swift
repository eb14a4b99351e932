#if canImport(Glibc)
import Glibc
#endif
import ContainerInventory
import LinuxHost

/// Watches the host and its containers for a window and returns what it saw as an
/// `ObservationWindow`: host rates, each container's cgroup rates, context switches of all
/// its threads and network/TCP activity per interval; D-state threads swept several times
/// per interval; the kernel log's errors; the optional sync-write probe, run concurrently so
/// its own stalls show in the sweeps. Holds descriptors while recording. Not thread-safe.
package final class WindowRecorder {
    private struct Tracked {
        var observed: ObservedContainer
        var files: CgroupCounterFiles?
        var cgroupPath: String?
        var initPID: Int32?
        /// The PID whose /proc/PID/net files are open (released when it changes or vanishes).
        var networkPID: Int32?
        var previousNetwork: CounterSample<[NetworkDeviceStats]>?
        var previousTCP: CounterSample<TCPCounters>?
        var sampledRealtimeBefore = false
        /// Naming scans tried since it appeared without a name (a runtime lists a container
        /// only once it runs, a moment after its cgroup exists).
        var namingAttempts = 0
    }

    /// What to watch.
    package let options: WindowOptions
    /// Called after every sample with the live containers' counters (the agent serves them
    /// while the window is still open). Runs on the recording thread.
    package var onSample: ((WindowSample) -> Void)?
    private let procfs: Procfs
    private let namingScanner: InventoryScanner
    private let cheapScanner: InventoryScanner
    private let metadataLookup: RuntimeMetadataLookup
    private let hostSampler: HostSampler
    private let cgroupSampler = CgroupSampler()
    private var blockIOFallback: BlockIOFallback?
    private let switches: ContextSwitchSampler
    private let realtime: RealtimeThreadSampler
    private let networkReader: HostCounterReader
    private var layout: CgroupLayout?
    private var tracked: [ContainerKey: Tracked] = [:]
    private var order: [ContainerKey] = []
    private var limitations: [String] = []
    private let blockedGate: HostCounterReader
    private var sweepGate: DStateSweepGate
    private var dStateCounts: [ContainerKey: Int] = [:]
    private var dStateSweepsInInterval = 0

    /// Creates a recorder; nothing is read until `record(focus:)`.
    package init(options: WindowOptions) {
        self.options = options
        procfs = Procfs(root: options.inventory.procRoot)
        var cheap = options.inventory
        cheap.queryRuntimes = false
        cheap.resolveHostnames = false
        cheap.includeProcesses = false
        var naming = options.inventory
        naming.includeProcesses = false
        namingScanner = InventoryScanner(options: naming)
        cheapScanner = InventoryScanner(options: cheap)
        metadataLookup = RuntimeMetadataLookup(options: options.inventory)
        hostSampler = HostSampler(reader: HostCounterReader(procRoot: options.inventory.procRoot))
        switches = ContextSwitchSampler(procfs: Procfs(root: options.inventory.procRoot))
        realtime = RealtimeThreadSampler(procfs: Procfs(root: options.inventory.procRoot))
        networkReader = HostCounterReader(procRoot: options.inventory.procRoot)
        blockedGate = HostCounterReader(procRoot: options.inventory.procRoot)
        sweepGate = DStateSweepGate(fullSweepEvery: options.fullSweepEvery)
    }

    /// Sweeps every thread for D when `DStateSweepGate` says so (a task blocked on I/O, and at
    /// least every `options.fullSweepEvery` sweeps). A healthy host then costs one /proc/stat
    /// read per sweep instead of opening every thread's stat.
    private func sweepDState(_ sampler: DStateSampler, containers: [Int32: ContainerKey]) -> [ContainerKey?: Int] {
        guard sweepGate.shouldSweep(blockedTasks: try? blockedGate.cpuStat().blockedTasks) else {
            sampler.recordIdleSweep()
            return [:]
        }
        return sampler.sweep { containers[$0] }
    }

    /// Watches for `options.durationSeconds`. `focus` keeps only these containers' ids in the
    /// window's focus (all are still sampled: neighbours matter).
    /// `shouldStop` is polled between sweeps: when it turns true (Ctrl-C) the window ends
    /// early with one last sample, so what was seen so far is still diagnosed.
    package func record(
        focus: Set<ContainerKey> = [], shouldStop: () -> Bool = { false }
    ) throws(HostReadError) -> ObservationWindow {
        layout = try? CgroupLayout.read(
            mountInfoPath: options.inventory.procRoot + "/self/mountinfo", reader: procfs.reader)
        if layout == nil {
            limitations.append("cgroup mounts unreadable (/proc/self/mountinfo): no per-container counters")
        }
        if !options.guest { blockIOFallback = BlockIOFallback(layout: layout, procRoot: options.inventory.procRoot) }
        let firstSnapshot = try namingScanner.scan()
        limitations += firstSnapshot.warnings.filter { !$0.isMinor }.map(\.description)
        let kernelLog = openKernelLog()
        let startedAt = MonotonicInstant.now()
        let startedAtUnixSeconds = SystemClock.realtime.seconds()
        let dState = DStateSampler(procfs: Procfs(root: options.inventory.procRoot), startedAt: startedAt)
        var pidToContainer = containerByPID(firstSnapshot)
        var hostSeries: [HostRates] = []
        var previousHost = try hostSampler.sample()
        sampleContainers(firstSnapshot)
        let probe = options.probeDirectory.map { directory in
            ProbeRunner(
                directory: directory, blockBytes: options.probeBlockBytes, writes: options.probeWrites,
                timeLimitSeconds: max(5, options.durationSeconds))
        }

        let interval = options.effectiveIntervalSeconds
        var nextSample = startedAt.nanoseconds + UInt64(interval * 1e9)
        let end = startedAt.nanoseconds + UInt64(options.durationSeconds * 1e9)
        var lastSnapshot = firstSnapshot
        while true {
            let counts = sweepDState(dState, containers: pidToContainer)
            dStateSweepsInInterval += 1
            for case let (key?, count) in counts { dStateCounts[key, default: 0] += count }
            var now = MonotonicInstant.now().nanoseconds
            let stopping = shouldStop()
            if stopping {
                // Close the window now: one more sample gives the last interval its rates.
                nextSample = now
                limitations.append(
                    "window cut short (interrupted) after \(Int(MonotonicInstant.now().seconds(since: startedAt).rounded())) s of \(Int(options.durationSeconds.rounded())) s"
                )
            }
            if now >= nextSample {
                let hostSample = try hostSampler.sample()
                if let rates = HostRates(old: previousHost, new: hostSample) { hostSeries.append(rates) }
                previousHost = hostSample
                lastSnapshot = try cheapScanner.scan()
                pidToContainer = containerByPID(lastSnapshot)
                sampleContainers(lastSnapshot)
                if now >= end || stopping { break }
                nextSample += UInt64(interval * 1e9)
                now = MonotonicInstant.now().nanoseconds
            }
            let wake = min(nextSample, now + UInt64(options.dStateSweepIntervalSeconds * 1e9))
            sleepUntil(wake)
        }
        let duration = MonotonicInstant.now().seconds(since: startedAt)
        let probeResult = probe?.wait(timeoutSeconds: 10)
        if let probeResult, let failure = probeResult.failure, probeResult.latenciesMilliseconds.isEmpty,
            !probeResult.stoppedAtTimeLimit
        {
            limitations.append("storage probe in \(probeResult.directory) could not write: \(failure)")
        }
        if dState.stackUnreadable {
            limitations.append(
                "kernel stacks of D-state threads unreadable (/proc/PID/stack needs CAP_SYS_ADMIN): wait channels only")
        }

        nameLateContainers()
        var containers = order.compactMap { tracked[$0]?.observed }
        let cpu = processCPU(first: firstSnapshot, last: lastSnapshot, seconds: duration)
        for index in containers.indices {
            containers[index].topProcesses = Array((cpu[containers[index].key] ?? []).prefix(options.topProcessCount))
        }
        return ObservationWindow(
            viewpoint: options.guest ? .guest : .host, hostname: HostSystem.hostname,
            kernelRelease: HostSystem.kernelRelease,
            durationSeconds: duration, intervalSeconds: interval, host: hostSeries,
            linkSpeedsMegabitsPerSecond: linkSpeeds(),
            hostProcesses: options.guest ? [] : Array((cpu[ContainerKey.host] ?? []).prefix(options.topProcessCount)),
            containers: containers, focus: Array(focus).sorted(), dStateThreads: dState.threads,
            dStateSweeps: dState.sweeps,
            dStateSweepIntervalSeconds: options.dStateSweepIntervalSeconds,
            kernelLog: readKernelLog(kernelLog, since: startedAt, unixSeconds: startedAtUnixSeconds),
            storageProbe: probeResult, limitations: limitations)
    }

    // MARK: - Containers

    /// The key a process is grouped under: its container, or in guest mode our own cgroup.
    private func containerByPID(_ snapshot: InventorySnapshot) -> [Int32: ContainerKey] {
        var map: [Int32: ContainerKey] = [:]
        map.reserveCapacity(snapshot.processes.count)
        if options.guest {
            for process in snapshot.processes { map[process.pid] = Self.guestKey }
            return map
        }
        for process in snapshot.processes where !process.container.isHost { map[process.pid] = process.container }
        return map
    }

    private func sampleContainers(_ snapshot: InventorySnapshot) {
        var live: [(key: ContainerKey, container: Container?, pids: [Int32])] = []
        if options.guest {
            live.append((Self.guestKey, nil, snapshot.processes.map(\.pid)))
        } else {
            let pidsByKey = Dictionary(grouping: snapshot.processes.filter { !$0.container.isHost }, by: \.container)
                .mapValues { $0.map(\.pid) }
            for container in snapshot.containers {
                live.append((container.key, container, pidsByKey[container.key] ?? []))
            }
        }
        let liveKeys = Set(live.map(\.key))
        let liveGroups = Set(liveKeys.map(\.description))
        for key in order where !liveKeys.contains(key) && tracked[key]?.observed.vanishedDuringWindow == false {
            tracked[key]?.observed.vanishedDuringWindow = true
            releaseNetwork(key)
        }
        blockIOFallback?.refresh()
        if let explanation = blockIOFallback?.explanation, !limitations.contains(explanation) {
            limitations.append(explanation)
        }
        var unnamed = false
        for entry in live {
            if tracked[entry.key] == nil { start(key: entry.key, container: entry.container) }
            if let state = tracked[entry.key], entry.container != nil, state.namingAttempts < Self.namingAttemptLimit,
                state.observed.displayName == Self.unnamedDisplayName(entry.key)
            {
                tracked[entry.key]?.namingAttempts += 1
                unnamed = true
            }
            guard var state = tracked[entry.key], !state.observed.vanishedDuringWindow || entry.container != nil else {
                continue
            }
            state.observed.processCount = entry.pids.count
            if let container = entry.container { state.initPID = container.initPID ?? state.initPID }
            if let files = state.files {
                do {
                    var (sample, rates) = try cgroupSampler.rates(files, hostCPUCount: hostCPUCount)
                    blockIOFallback?.apply(to: &rates, group: entry.key.description, files: files)
                    if state.observed.firstCounters == nil { state.observed.firstCounters = sample.counters }
                    state.observed.lastCounters = sample.counters
                    if let rates {
                        state.observed.intervals.append(rates)
                        state.observed.averageDStateThreads.append(
                            Double(dStateCounts[entry.key] ?? 0) / Double(max(1, dStateSweepsInInterval)))
                    }
                } catch {
                    state.observed.vanishedDuringWindow = true
                }
            }
            if let rates = switches.rates(group: entry.key.description, pids: entry.pids) {
                state.observed.contextSwitches.append(rates)
            }
            let realtimeThreads = realtime.sample(group: entry.key.description, pids: entry.pids)
            if state.sampledRealtimeBefore { state.observed.realtimeThreads.append(realtimeThreads) }
            state.sampledRealtimeBefore = true
            if !state.observed.sharesHostNetwork { sampleNetwork(&state) }
            tracked[entry.key] = state
        }
        switches.retain(only: liveGroups)
        realtime.retain(only: liveGroups)
        blockIOFallback?.retain(only: liveGroups)
        // A vanished container's cgroup files are closed now, not at the end of the window:
        // with churn they were ~20 descriptors per container (EMFILE after ~40 containers).
        cgroupSampler.retain(only: Set(live.compactMap { tracked[$0.key]?.files }))
        // A short-lived container may be gone before the window ends: name it while it runs.
        if unnamed { nameLateContainers() }
        if let onSample { onSample(currentSample(live: live.map(\.key))) }
        dStateCounts.removeAll(keepingCapacity: true)
        dStateSweepsInInterval = 0
    }

    private func currentSample(live: [ContainerKey]) -> WindowSample {
        var wallClock = timespec()
        clock_gettime(CLOCK_REALTIME, &wallClock)
        let sweeps = Double(max(1, dStateSweepsInInterval))
        let containers = live.compactMap { key -> WindowSample.Container? in
            guard let state = tracked[key], !state.observed.vanishedDuringWindow else { return nil }
            return WindowSample.Container(
                key: key.description, displayName: state.observed.displayName, runtime: state.observed.runtime,
                cgroupPath: state.cgroupPath,
                processCount: state.observed.processCount, counters: state.observed.lastCounters,
                network: state.previousNetwork?.counters ?? [], sharesHostNetwork: state.observed.sharesHostNetwork,
                averageDStateThreads: Double(dStateCounts[key] ?? 0) / sweeps)
        }
        return WindowSample(
            takenAt: MonotonicInstant.now(),
            unixTimeSeconds: Double(wallClock.tv_sec) + Double(wallClock.tv_nsec) / 1e9,
            hostCPUCount: hostCPUCount, containers: containers)
    }

    private static let guestKey = ContainerKey.ownCgroup
    private static let namingAttemptLimit = 3

    private func start(key: ContainerKey, container: Container?) {
        var files: CgroupCounterFiles?
        var cgroups = container?.cgroups
        if options.guest {
            cgroups = (try? procfs.cgroups(TaskID(pid: getpid()))).map { layout?.hostView(of: $0) ?? $0 }
        }
        if let layout, let cgroups { files = CgroupCounterFiles(CgroupDirectories(layout: layout, cgroups: cgroups)) }
        let sharesNetwork = container?.namespacesSharedWithHost.contains(.net) ?? false
        // Cheap scans do not ask the runtime: name a container that appeared since the first
        // scan now, with one query, as it may be gone before the window ends.
        var displayName = container.map(Self.displayName) ?? "this container"
        if let container, container.name == nil, !options.guest,
            let name = metadataLookup.metadata(for: container.key)?.name
        {
            displayName = name
        }
        var observed = ObservedContainer(
            key: key, displayName: displayName,
            runtime: container?.runtime.rawValue ?? "self", sharesHostNetwork: sharesNetwork,
            processCount: container?.processCount ?? 0)
        if let layout, let cgroups {
            observed.realtimeBudget = try? CgroupRealtimeBudget.read(
                layout: layout, cgroups: cgroups, procRoot: options.inventory.procRoot, reader: procfs.reader)
        }
        tracked[key] = Tracked(
            observed: observed, files: files, cgroupPath: container?.cgroupPath,
            initPID: options.guest ? getpid() : container?.initPID)
        order.append(key)
    }

    /// The runtime's name, else `runtime:shortid` (what `periscope stats` accepts).
    private static func displayName(_ container: Container) -> String {
        container.name ?? unnamedDisplayName(container.key)
    }

    /// What a container is shown as until its runtime names it.
    private static func unnamedDisplayName(_ key: ContainerKey) -> String { "\(key.runtime.rawValue):\(key.shortID)" }

    /// Containers that appeared after the first scan were seen by cheap scans only: ask the
    /// runtimes for their names (when they appear, and once more at the end of the window).
    private func nameLateContainers() {
        guard !options.guest,
            order.contains(where: { tracked[$0]?.observed.displayName == Self.unnamedDisplayName($0) }),
            let snapshot = try? namingScanner.scan()
        else { return }
        for container in snapshot.containers where container.name != nil {
            tracked[container.key]?.observed.displayName = Self.displayName(container)
        }
        // Docker lists a container only once it runs: one still starting (or already gone) is
        // named from its state file, written when it was created.
        let unnamedDocker = order.filter {
            $0.runtime == .docker && tracked[$0]?.observed.displayName == Self.unnamedDisplayName($0)
        }
        guard !unnamedDocker.isEmpty, options.inventory.queryRuntimes else { return }
        let stateFiles = DockerMetadata.loadStateFiles(dataRoot: options.inventory.dockerDataRoot)
        for key in unnamedDocker {
            if let name = stateFiles[key.id]?.name { tracked[key]?.observed.displayName = name }
        }
    }

    private var hostCPUCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Closes the /proc/PID/net descriptors of a vanished container: an open net file pins
    /// its network namespace, and reads of it never fail to say the process is gone.
    private func releaseNetwork(_ key: ContainerKey) {
        guard let pid = tracked[key]?.networkPID else { return }
        if !options.guest { networkReader.cache.forget(directory: "\(options.inventory.procRoot)/\(pid)/net") }
        tracked[key]?.networkPID = nil
        tracked[key]?.previousNetwork = nil
        tracked[key]?.previousTCP = nil
    }

    private func sampleNetwork(_ state: inout Tracked) {
        guard let pid = state.initPID else { return }
        if let old = state.networkPID, old != pid, !options.guest {
            networkReader.cache.forget(directory: "\(options.inventory.procRoot)/\(old)/net")
            state.previousNetwork = nil
            state.previousTCP = nil
        }
        state.networkPID = pid
        let takenAt = MonotonicInstant.now()
        if let devices = try? networkReader.networkDevices(pid: options.guest ? nil : pid) {
            let sample = CounterSample(takenAt: takenAt, counters: devices)
            if let old = state.previousNetwork, let calculator = RateCalculator(from: old.takenAt, to: takenAt) {
                state.observed.network.append(
                    NetworkRates.rates(old: old.counters, new: devices, rates: calculator).interfaces)
            }
            state.previousNetwork = sample
        }
        if let tcp = try? networkReader.tcpCounters(pid: options.guest ? nil : pid) {
            let sample = CounterSample(takenAt: takenAt, counters: tcp)
            if let old = state.previousTCP, let calculator = RateCalculator(from: old.takenAt, to: takenAt) {
                state.observed.tcp.append(TCPRates(old: old.counters, new: tcp, rates: calculator))
            }
            state.previousTCP = sample
        }
    }

    /// CPU per process between the first and last scan (utime + stime ticks), grouped by container.
    private func processCPU(
        first: InventorySnapshot, last: InventorySnapshot, seconds: Double
    ) -> [ContainerKey: [ProcessCPU]] {
        guard seconds > 0 else { return [:] }
        var before: [ProcessIdentity: UInt64] = [:]
        for process in first.processes { before[process.identity] = process.userTimeTicks &+ process.systemTimeTicks }
        var grouped: [ContainerKey: [ProcessCPU]] = [:]
        let ticks = Double(HostSystem.clockTicksPerSecond)
        let ownPID = getpid()
        for process in last.processes where process.pid != ownPID || options.guest {
            let total = process.userTimeTicks &+ process.systemTimeTicks
            let used = RateCalculator.increase(from: before[process.identity] ?? total, to: total).amount
            guard used > 0 else { continue }
            let key = options.guest ? Self.guestKey : process.container
            grouped[key, default: []].append(
                ProcessCPU(pid: process.pid, comm: process.comm, cores: Double(used) / ticks / seconds))
        }
        return grouped.mapValues { $0.sorted { ($0.cores, $1.comm, $1.pid) > ($1.cores, $0.comm, $0.pid) } }
    }

    // MARK: - Kernel log, links

    private func openKernelLog() -> Result<KernelLogReader, HostReadError> {
        do {
            return .success(
                try KernelLogReader(
                    path: options.kernelLogPath, start: options.kernelLogLookbackSeconds > 0 ? .beginning : .end))
        } catch {
            return .failure(error)
        }
    }

    private func readKernelLog(
        _ opened: Result<KernelLogReader, HostReadError>, since startedAt: MonotonicInstant, unixSeconds: Double
    ) -> KernelLogObservation {
        switch opened {
        case .failure(let error):
            let reason =
                error.isPermissionDenied
                ? "\(error.path): permission denied (needs root, or CAP_SYSLOG when kernel.dmesg_restrict=1)"
                : error.description
            limitations.append(
                "kernel log unreadable: \(reason): OOM kills, hung tasks and I/O errors are seen only through counters")
            return KernelLogObservation(readable: false, unreadableReason: reason)
        case .success(let reader):
            let lookback = UInt64(max(0, options.kernelLogLookbackSeconds) * 1e6)
            let since = startedAt.nanoseconds / 1000 > lookback ? startedAt.nanoseconds / 1000 - lookback : 0
            do {
                let records = try reader.readAvailable(
                    maximumRecords: 20_000, sinceMicroseconds: options.kernelLogLookbackSeconds > 0 ? since : 0)
                var events = KernelLogEvent.classify(records)
                for index in events.indices { events[index].container = container(of: events[index]) }
                return KernelLogObservation(
                    recordsRead: records.count, recordsLost: reader.lostRecordReads, events: events,
                    windowStartSecondsSinceBoot: Double(startedAt.nanoseconds) / 1e9,
                    windowStartUnixSeconds: unixSeconds,
                    lookbackSeconds: options.kernelLogLookbackSeconds)
            } catch {
                limitations.append("kernel log read failed: \(error)")
                return KernelLogObservation(readable: false, unreadableReason: error.description)
            }
        }
    }

    /// The container of a killed task: from its cgroup path (the process is gone), else its PID.
    private func container(of event: KernelLogEvent) -> ContainerKey? {
        if options.guest { return nil }
        if let path = event.cgroupPath, let match = CgroupPathRules.match(path) { return match.key }
        if let pid = event.pid, let read = try? procfs.cgroups(TaskID(pid: pid)) {
            let cgroups = layout?.hostView(of: read) ?? read
            for membership in cgroups.memberships {
                if let match = CgroupPathRules.match(membership.path) { return match.key }
            }
        }
        return nil
    }

    private func linkSpeeds() -> [String: Double] {
        let interfaces = Set((try? networkReader.networkDevices()).map { $0.map(\.interface) } ?? [])
        return NetworkLinkSpeeds.read(interfaces: interfaces, sysRoot: options.sysRoot)
    }

    private func sleepUntil(_ nanoseconds: UInt64) {
        let now = MonotonicInstant.now().nanoseconds
        guard nanoseconds > now else { return }
        SystemCall.sleep(nanoseconds: nanoseconds - now)
    }
}
