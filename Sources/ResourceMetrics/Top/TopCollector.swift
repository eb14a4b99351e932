import ContainerInventory
import LinuxHost

/// Reads everything one `top` frame shows: the host counters, a cheap inventory scan, each
/// container's cgroup counters and network namespace, and per-process CPU ticks.
///
/// Owns the descriptors between frames: each container's counter files and its init's
/// net/dev, kept open by the recorder's reader (`TopContainerSampler`: only the files of the
/// columns shown, 7 per container on a v1 host), and in the cgroup tree view one
/// `CgroupSampler` for the cgroups shown. The
/// inventory scan each frame skips runtime queries and hostnames (about 20 µs per process);
/// a second scan that asks the runtimes for names runs only when a container it has not
/// named yet appears, at most every `namingInterval` seconds. Not thread-safe.
package final class TopCollector {
    /// Seconds between runtime queries for containers still unnamed (a runtime that is down
    /// should not be asked every frame).
    package var namingInterval = 5.0
    /// Seconds between full inventory scans (every process's stat, the cgroup walk): about
    /// half of a sample's cost, for a list of containers that rarely changes. In between,
    /// the known containers' counters are read as usual, a removed one forces a scan at the
    /// next sample, and only the drilled-down container's processes are re-read. 0 scans
    /// every sample.
    package var inventoryInterval = 0.0
    /// Seconds between full scans while Docker's event stream is followed and the last scan
    /// found no container of another runtime (`inventoryInterval` if longer, 0 stays 0): a
    /// start, stop or rename triggers a scan at the next sample instead.
    package var inventoryIntervalFollowingEvents = 30.0
    /// Per-process rows for the live view's drill-down; batch and `--json` frames never show
    /// them, so their collectors skip the work (a row and a CPU rate per process per sample).
    package var collectsProcessRows = true
    /// The row whose processes get their container PIDs read (the drill-down on screen).
    package var detailedRowID: String?
    /// One row per cgroup of the host (as `systemd-cgtop`) instead of one per container.
    package var showsCgroupTree = false
    /// Sample every container's RT budget and RT threads, not only the drilled-down one's
    /// (`--json` has no drill-down but prints each row's RT data).
    package var samplesEveryContainersRealtime = false
    /// How deep the tree goes: `/docker/ID` is depth 2; deeper cgroups count in their ancestor.
    package var cgroupTreeDepth = 3
    /// A container's memory.stat is read every this many samples (`TopContainerSampler`); 1
    /// keeps MEM exact at every sample.
    package var memoryStatEverySamples: Int {
        get { containerSampler.memoryStatEverySamples }
        set { containerSampler.memoryStatEverySamples = newValue }
    }

    private let cheapScanner: InventoryScanner
    private let namingScanner: InventoryScanner
    private let metadataLookup: RuntimeMetadataLookup
    private var names: [ContainerKey: String?] = [:]
    private var lastNamingScan: MonotonicInstant?
    private var lastSnapshot: InventorySnapshot?
    private var lastFullScan: MonotonicInstant?
    private var needsFullScan = true
    /// This sample ran a full scan: the containers that vanished are forgotten after it.
    private var scannedThisSample = false
    private let layout: CgroupLayout?
    private let hostSampler = HostSampler()
    private var previousHost: CounterSample<HostCounters>?
    private let containerSampler: TopContainerSampler
    private let cgroupSampler = CgroupSampler()
    private var filesByCgroupPath: [String: CgroupCounterFiles] = [:]
    private var previousTicks: [ProcessIdentity: UInt64] = [:]
    private var previousTicksAt: MonotonicInstant?
    private var containerPIDs: [ProcessIdentity: Int32] = [:]
    private let procfs: Procfs
    private let devices = TopDeviceClassifier()
    /// The host's header sums its physical interfaces: read from sysfs on a live host (a few
    /// files each) rather than /proc/net/dev, which lists every container's veth.
    private var readsPhysicalInterfacesOnly: Bool { procfs.root == "/proc" }
    private let realtimeThreads: RealtimeThreadSampler
    private let blockIOFallback: BlockIOFallback
    private let dockerEvents: TopDockerEvents?
    /// The last full scan found only Docker's containers (those its events announce).
    private var onlyDockerContainers = false

    /// Creates a collector scanning with `options` (runtime sockets, proc root).
    package init(options: InventoryOptions = InventoryOptions()) {
        var cheap = options
        cheap.queryRuntimes = false
        cheap.resolveHostnames = false
        cheap.includeProcesses = false
        var naming = cheap
        naming.queryRuntimes = options.queryRuntimes
        cheapScanner = InventoryScanner(options: cheap)
        namingScanner = InventoryScanner(options: naming)
        metadataLookup = RuntimeMetadataLookup(options: naming)
        procfs = Procfs(root: options.procRoot)
        realtimeThreads = RealtimeThreadSampler(procfs: Procfs(root: options.procRoot))
        layout = try? CgroupLayout.read(mountInfoPath: options.procRoot + "/self/mountinfo", reader: procfs.reader)
        containerSampler = TopContainerSampler(layout: layout, procRoot: options.procRoot)
        blockIOFallback = BlockIOFallback(
            layout: layout, procRoot: options.procRoot, keptProcessLimit: Self.keptProcessIOLimit)
        dockerEvents = options.queryRuntimes ? TopDockerEvents(socketPath: options.dockerSocket) : nil
        refreshHostInterfaces()
    }

    /// Lists the physical interfaces again (at each full scan: one that appears shows within
    /// a scan interval); nil keeps /proc/net/dev when there are none.
    private func refreshHostInterfaces() {
        guard readsPhysicalInterfacesOnly else { return }
        hostSampler.networkInterfaces = devices.physicalInterfaces()
    }

    /// Processes whose stat and io files the block I/O fallback keeps open (two descriptors
    /// each); the rest are opened and closed at each sample.
    static let keptProcessIOLimit = 8192

    /// Samples everything. The first call only primes the counters and returns nil: a rate
    /// needs two samples.
    package func collect() throws(HostReadError) -> TopFrame? {
        let hostSample = try hostSampler.sample()
        let snapshot = try scan()
        blockIOFallback.refresh()
        // When a throttle rule brings accounting back, block I/O is blank for one frame.
        containerSampler.omitsCgroupBlockIO = blockIOFallback.isActive
        let now = MonotonicInstant.now()
        var rows = [hostRow]
        let tree = showsCgroupTree ? cgroupTree() : nil
        if let tree {
            let names = containerNamesByCgroupPath(snapshot)
            for path in tree.paths { rows.append(row(forCgroup: path, in: tree, containerName: names[path])) }
        } else {
            // By index: a `for in` would copy every container (a dozen strings and arrays).
            for index in snapshot.containers.indices { rows.append(row(for: snapshot.containers[index])) }
        }
        if scannedThisSample { forgetVanished(snapshot, shownCgroups: Set(tree?.paths ?? [])) }
        let processes = collectsProcessRows ? processRows(snapshot, at: now, tree: tree) : []
        let realtime = realtimeByRowID(snapshot)

        defer { previousHost = hostSample }
        guard let previousHost, let hostRates = HostRates(old: previousHost, new: hostSample) else { return nil }
        let summary = TopHostSummary(hostRates, devices: devices)
        rows[0].fill(host: summary)
        let unixTime = SystemClock.realtime.seconds()
        var frame = TopFrame(
            intervalSeconds: hostRates.intervalSeconds, unixTimeSeconds: unixTime, hostname: snapshot.hostname,
            host: summary, rows: rows, processes: processes)
        frame.realtimeByRowID = realtime
        return frame
    }

    /// The drilled-down container's RT budget chain and RT threads, or every container's with
    /// `samplesEveryContainersRealtime` (sampled every frame while shown, so their CPU and
    /// run-queue wait have rates from the second frame).
    private func realtimeByRowID(_ snapshot: InventorySnapshot) -> [String: ContainerRealtime] {
        let containers =
            showsCgroupTree || (detailedRowID == nil && !samplesEveryContainersRealtime)
            ? [] : snapshot.containers.filter { samplesEveryContainersRealtime || $0.key.description == detailedRowID }
        realtimeThreads.retain(only: Set(containers.map(\.key.description)))
        guard !containers.isEmpty else { return [:] }
        let pidsByKey = Dictionary(grouping: snapshot.processes, by: \.container)
        var realtime: [String: ContainerRealtime] = [:]
        for container in containers {
            let rowID = container.key.description
            let threads = realtimeThreads.sample(group: rowID, pids: (pidsByKey[container.key] ?? []).map(\.pid))
            let budget = layout.flatMap { layout in
                container.cgroups.flatMap {
                    try? CgroupRealtimeBudget.read(
                        layout: layout, cgroups: $0, procRoot: procfs.root, reader: procfs.reader)
                }
            }
            realtime[rowID] = ContainerRealtime(budget: budget, threads: threads)
        }
        return realtime
    }

    /// Reads the container PIDs (NSpid) of `rowID`'s processes into `frame`, for a drill-down
    /// opened between two samples.
    package func fillContainerPIDs(_ frame: inout TopFrame, rowID: String) {
        for index in frame.processes.indices where frame.processes[index].rowID == rowID {
            frame.processes[index].containerPID = containerPID(pid: frame.processes[index].hostPID, startTimeTicks: nil)
        }
    }

    private func scan() throws(HostReadError) -> InventorySnapshot {
        scannedThisSample = false
        for key in dockerEvents?.drainChanged() ?? [] {
            needsFullScan = true
            // A rename: asked again at the scan.
            names[key] = nil
        }
        // The tree view places processes by cgroup at every sample: it always scans.
        if !needsFullScan, !showsCgroupTree, var snapshot = lastSnapshot, let lastFullScan,
            MonotonicInstant.now().seconds(since: lastFullScan) < currentInventoryInterval
        {
            refreshDetailedProcesses(&snapshot)
            lastSnapshot = snapshot
            return snapshot
        }
        var snapshot = try cheapScanner.scan()
        refreshHostInterfaces()
        lastFullScan = MonotonicInstant.now()
        needsFullScan = false
        scannedThisSample = true
        let unnamed = snapshot.containers.filter { names[$0.key] == nil }.map(\.key)
        let due = lastNamingScan.map { MonotonicInstant.now().seconds(since: $0) >= namingInterval } ?? true
        if unnamed.count > Self.singleLookupLimit && due {
            snapshot = try namingScanner.scan()
            lastNamingScan = MonotonicInstant.now()
            for container in snapshot.containers { names[container.key] = .some(container.name) }
        } else {
            // A few new containers (churn): ask about each one now, so a short-lived container
            // is named in the first sample that shows it, not after the next naming scan.
            for key in unnamed { names[key] = .some(metadataLookup.metadata(for: key)?.name) }
        }
        for index in snapshot.containers.indices where snapshot.containers[index].name == nil {
            snapshot.containers[index].name = names[snapshot.containers[index].key] ?? nil
        }
        onlyDockerContainers = snapshot.containers.allSatisfy { $0.runtime == .docker }
        lastSnapshot = snapshot
        return snapshot
    }

    /// True while Docker's event stream is connected (starts and stops trigger scans).
    package var followsDockerEvents: Bool { dockerEvents?.isConnected == true }

    /// `inventoryInterval`, relaxed while Docker's events announce every change to the list.
    private var currentInventoryInterval: Double {
        guard inventoryInterval > 0, onlyDockerContainers, dockerEvents?.isConnected == true else {
            return inventoryInterval
        }
        return max(inventoryInterval, inventoryIntervalFollowingEvents)
    }

    /// Between full scans: re-reads the stat of the drilled-down container's processes (their
    /// CPU and state are on screen), dropping those that exited.
    private func refreshDetailedProcesses(_ snapshot: inout InventorySnapshot) {
        guard let detailedRowID else { return }
        snapshot.processes = snapshot.processes.compactMap { process in
            guard process.container.description == detailedRowID else { return process }
            guard let stat = try? procfs.stat(TaskID(pid: process.pid)), stat.startTimeTicks == process.startTimeTicks
            else { return nil }
            var fresh = process
            fresh.state = stat.state
            fresh.comm = stat.comm
            fresh.userTimeTicks = stat.userTimeTicks
            fresh.systemTimeTicks = stat.systemTimeTicks
            return fresh
        }
    }

    /// New containers named one query each; more than this in one sample (the first sample,
    /// a deployment) are named by one scan that lists them all.
    static let singleLookupLimit = 8

    private var hostRow: TopRow {
        TopRow(
            id: ContainerKey.host.description, name: "host (all)", runtime: ContainerRuntime.host.rawValue, isHost: true
        )
    }

    private func row(for container: Container) -> TopRow {
        let sharesNetwork = container.namespacesSharedWithHost.contains(.net)
        let name = container.name ?? "\(container.runtime.rawValue):\(container.shortID)"
        do {
            if let entry = try containerSampler.sample(container) {
                var row = TopRow(
                    id: entry.rowID, name: name, runtime: container.runtime.rawValue, sharesHostNetwork: sharesNetwork)
                row.pids = UInt64(container.processCount)
                row.fill(counters: entry.counters, since: entry.previous, rates: entry.rates, limits: entry.limits)
                // Sampled at every frame so that its rates exist from the second one.
                let taskCount = entry.counters.present.contains(.pids) ? entry.counters.pidsCurrent : nil
                if let processIO = blockIOFallback.processIO(
                    group: entry.rowID, directories: entry.directories, taskCount: taskCount,
                    initPID: container.initPID),
                    entry.previous != nil
                {
                    row.fill(processIO: processIO)
                }
                return row
            }
        } catch {
            // Stopped between the scan and the read: its row shows what the scan saw, and
            // the next sample scans again to drop it.
            needsFullScan = true
        }
        var row = TopRow(
            id: container.key.description, name: name, runtime: container.runtime.rawValue,
            sharesHostNetwork: sharesNetwork)
        row.pids = UInt64(container.processCount)
        return row
    }

    /// Walks the hierarchy that names cgroups best; nil when there is none to walk.
    private func cgroupTree() -> TopCgroupTree? {
        guard let hierarchy = layout?.identityHierarchy,
            let index = try? CgroupTreeIndex.build(
                mountPoint: hierarchy.mountPoint, mountRoot: hierarchy.mountRoot, reader: procfs.reader)
        else { return nil }
        return TopCgroupTree(paths: index.cgroupPaths, pathByPID: index.pathByPID, maximumDepth: cgroupTreeDepth)
    }

    /// Each container's cgroup path in the walked hierarchy, so its tree row carries its name.
    private func containerNamesByCgroupPath(_ snapshot: InventorySnapshot) -> [String: String] {
        guard let layout, let identity = layout.identityHierarchy else { return [:] }
        var names: [String: String] = [:]
        for container in snapshot.containers {
            guard let membership = container.cgroups?.memberships.first(where: { layout.hierarchy(of: $0) == identity })
            else { continue }
            names[membership.path] = container.name ?? "\(container.runtime.rawValue):\(container.shortID)"
        }
        return names
    }

    private func row(forCgroup path: String, in tree: TopCgroupTree, containerName: String?) -> TopRow {
        var row = TopRow(
            id: TopCgroupTree.rowID(path), name: TopCgroupTree.displayName(path, containerName: containerName),
            runtime: "cgroup")
        row.pids = tree.processCounts[path] ?? 0
        guard let layout else { return row }
        let files =
            filesByCgroupPath[path]
            ?? CgroupCounterFiles(CgroupDirectories(layout: layout, cgroupPath: path), counters: .summary)
        filesByCgroupPath[path] = files
        if let (sample, rates) = try? cgroupSampler.rates(files, hostCPUCount: hostCPUCount) {
            row.fill(rates: rates, sample: sample.counters)
        }
        return row
    }

    private var hostCPUCount: Int { previousHost?.counters.cpu.perCPU.count ?? 1 }

    /// After a full scan: closes the files of containers that are gone and of cgroups no longer
    /// shown.
    private func forgetVanished(_ snapshot: InventorySnapshot, shownCgroups: Set<String>) {
        let live = Set(snapshot.containers.map(\.key))
        containerSampler.retain(only: live)
        for path in filesByCgroupPath.keys where !shownCgroups.contains(path) { filesByCgroupPath[path] = nil }
        cgroupSampler.retain(only: Set(filesByCgroupPath.values))
        blockIOFallback.retain(only: Set(live.map(\.description)))
        for key in names.keys where !live.contains(key) { names[key] = nil }
    }

    /// CPU % of one CPU per process from the utime + stime ticks the scan read anyway.
    /// In tree mode a process belongs to the row of its cgroup (or its ancestor at the depth limit).
    private func processRows(
        _ snapshot: InventorySnapshot, at now: MonotonicInstant, tree: TopCgroupTree?
    ) -> [TopProcessRow] {
        let elapsed = previousTicksAt.map { now.seconds(since: $0) } ?? 0
        let ticksPerSecond = Double(HostSystem.clockTicksPerSecond)
        var ticks: [ProcessIdentity: UInt64] = [:]
        ticks.reserveCapacity(snapshot.processes.count)
        var rows: [TopProcessRow] = []
        rows.reserveCapacity(snapshot.processes.count)
        var detailed: Set<ProcessIdentity> = []
        // One id string per container, not one interpolation per process.
        var rowIDs: [ContainerKey: String] = [:]
        for process in snapshot.processes {
            let total = process.userTimeTicks &+ process.systemTimeTicks
            ticks[process.identity] = total
            var cpuPercent: Double?
            if let old = previousTicks[process.identity], elapsed > 0 {
                cpuPercent =
                    Double(RateCalculator.increase(from: old, to: total).amount) / ticksPerSecond / elapsed * 100
            }
            let rowID: String
            if let tree {
                // Processes of the root cgroup are the host row's, as in container mode.
                let path = tree.pathByPID[process.pid].map { tree.rowPath(for: $0) } ?? "/"
                rowID = path == "/" ? ContainerKey.host.description : TopCgroupTree.rowID(path)
            } else {
                rowID = rowIDs[process.container] ?? process.container.description
                rowIDs[process.container] = rowID
            }
            var row = TopProcessRow(
                rowID: rowID, hostPID: process.pid, state: process.state.rawValue, cpuPercent: cpuPercent,
                command: process.comm)
            if rowID == detailedRowID {
                row.containerPID = containerPID(pid: process.pid, startTimeTicks: process.startTimeTicks)
                detailed.insert(process.identity)
            }
            rows.append(row)
        }
        previousTicks = ticks
        previousTicksAt = now
        containerPIDs = containerPIDs.filter { detailed.contains($0.key) }
        return rows
    }

    /// NSpid's last entry, read once per process (it never changes).
    private func containerPID(pid: Int32, startTimeTicks: UInt64?) -> Int32? {
        if let startTimeTicks, let known = containerPIDs[ProcessIdentity(pid: pid, startTimeTicks: startTimeTicks)] {
            return known
        }
        guard let status = try? procfs.status(TaskID(pid: pid)), let inner = status.namespacePIDs.last else {
            return nil
        }
        if let startTimeTicks { containerPIDs[ProcessIdentity(pid: pid, startTimeTicks: startTimeTicks)] = inner }
        return inner
    }
}
