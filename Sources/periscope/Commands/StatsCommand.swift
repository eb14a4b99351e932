import ArgumentParser
import ContainerInventory
import Foundation
import LinuxHost
import Presentation
import Reporting
import ResourceMetrics

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Sample one container's CPU, memory, block I/O, PIDs and network twice and print rates with its limits.",
        discussion: """
            The `nsinit stats` / `docker stats` view of one container, read from its cgroup \
            files (v1 or v2) and its network namespace's /proc/PID/net/dev. CPU is in cores \
            (1.0 = one CPU busy) and as % of the container's cap and of the host; memory is the \
            working set (usage minus inactive page cache, as docker stats computes it) against \
            the limit; throttling is the share of CFS periods cut short and the time spent \
            waiting per second. Pressure (PSI) is shown where the kernel gives it per cgroup. \
            REALTIME shows the RT budget (v1 cpu.rt_runtime_us / cpu.rt_period_us of the \
            container and its parents; absent on cgroup v2), whether its init process could \
            switch to SCHED_FIFO (and which docker options fix it if not), and its \
            SCHED_FIFO/SCHED_RR threads with their priority, CPU and run-queue wait. \
            Block I/O comes from the cgroup's files per disk ("from cgroup"); when cgroup v1 \
            blkio does not account a disk that does I/O (on some kernels until a throttle rule \
            is set on it), it comes from the processes' /proc/PID/io instead, all disks \
            together, and the line says so. Changes nothing.

            Examples:
              periscope stats web
              periscope stats web --interval 2 --json
              periscope stats web --db /var/lib/periscope/recording.db --since -2h
            """
    )

    @OptionGroup var source: InventorySourceOptions
    @OptionGroup(title: "Replay a recording") var recording: RecordingRangeOptions

    @Argument(help: "Container name, id (prefix), or a host PID of one of its processes; with --db also a name it had before, or host.")
    var target: String

    @Option(help: ArgumentHelp("Time between the two samples: \(DurationText.forms) (default 1s).", valueName: "duration"), transform: DurationText.parseSeconds)
    var interval: Double = 1

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        if !(interval > 0 && interval <= 3600) { throw ValidationError("--interval must be between 0 and 3600 seconds") }
    }

    func run() throws {
        if let db = recording.db {
            try printRecorded(db)
            return
        }
        let logger = source.makeLogger()
        let snapshot = try source.scan(includeProcesses: false, logger: logger)
        let container: Container
        switch ContainerMatcher.resolve(target, in: snapshot) {
        case .failure(let failure): throw UserFacingError(failure.description)
        case .success(let found): container = found
        }
        guard let cgroups = container.cgroups else {
            throw UserFacingError("container \(container.displayName) has no cgroup (is it running?)")
        }
        let layout = try CgroupLayout.read()
        let files = CgroupCounterFiles(CgroupDirectories(layout: layout, cgroups: cgroups))
        let sampler = CgroupSampler()
        let blockIOFallback = BlockIOFallback(layout: layout)
        var noRates: CgroupRates?
        let host = HostCounterReader()
        let hostCPUCount = try host.cpuStat().perCPU.count
        let sharesHostNetwork = container.namespacesSharedWithHost.contains(.net)

        let memberPIDs = snapshot.processes.filter { $0.container == container.key }.map(\.pid)
        let switches = ContextSwitchSampler()
        let realtimeThreads = RealtimeThreadSampler()

        do {
            let oldNetwork = try networkSample(host, container.initPID)
            let oldTCP = sharesHostNetwork ? nil : tcpSample(host, container.initPID)
            _ = switches.rates(group: container.key.description, pids: memberPIDs)
            _ = realtimeThreads.sample(group: container.key.description, pids: memberPIDs)
            _ = try sampler.rates(files, hostCPUCount: hostCPUCount)
            blockIOFallback.apply(to: &noRates, group: container.key.description, files: files)
            Thread.sleep(forTimeInterval: interval)
            let newNetwork = try networkSample(host, container.initPID)
            let newTCP = sharesHostNetwork ? nil : tcpSample(host, container.initPID)
            let contextSwitches = switches.rates(group: container.key.description, pids: memberPIDs)
            let realtime = realtimeReport(container, cgroups: cgroups, layout: layout,
                                          threads: realtimeThreads.sample(group: container.key.description, pids: memberPIDs))
            var (_, maybeRates) = try sampler.rates(files, hostCPUCount: hostCPUCount)
            blockIOFallback.apply(to: &maybeRates, group: container.key.description, files: files)
            guard let rates = maybeRates else { throw UserFacingError("the two samples were taken at the same instant") }
            var network: [NetworkRates] = []
            if let oldNetwork, let newNetwork, let calculator = RateCalculator(from: oldNetwork.takenAt, to: newNetwork.takenAt) {
                network = NetworkRates.rates(old: oldNetwork.counters, new: newNetwork.counters, rates: calculator).interfaces
            }
            let report = StatsReport(
                id: container.id, name: container.name, runtime: container.runtime.rawValue, networkMode: container.networkMode,
                sharesHostNetwork: sharesHostNetwork, cgroup: rates, network: network, contextSwitches: contextSwitches, tcp: tcpRates(oldTCP, newTCP), realtime: realtime)
            if json {
                print(try JSONOutput.encode(report))
            } else {
                print(render(report, displayName: container.displayName, style: .standardOutput), terminator: "")
            }
        } catch let error as HostReadError where error.isCgroupRemoved {
            throw UserFacingError("container \(container.displayName) stopped while being sampled (\(error))")
        }
    }

    /// The RT budget chain, the RT threads and whether the container's init process could use SCHED_FIFO.
    private func realtimeReport(_ container: Container, cgroups: ProcessCgroups, layout: CgroupLayout, threads: [RealtimeThreadRates]) -> ContainerRealtime {
        let budget = try? CgroupRealtimeBudget.read(layout: layout, cgroups: cgroups)
        let limits = container.initPID.flatMap { try? Procfs().realtimeLimits($0) }
        return ContainerRealtime(budget: budget, threads: threads,
                                 usability: RealtimeUsability(budget: budget, limits: limits, insideContainer: false))
    }

    private func networkSample(_ host: HostCounterReader, _ pid: Int32?) throws -> CounterSample<[NetworkDeviceStats]>? {
        guard let pid else { return nil }
        let takenAt = MonotonicInstant.now()
        do {
            return CounterSample(takenAt: takenAt, counters: try host.networkDevices(pid: pid))
        } catch where error.isVanished {
            return nil
        }
    }

    private func tcpSample(_ host: HostCounterReader, _ pid: Int32?) -> CounterSample<TCPCounters>? {
        guard let pid else { return nil }
        let takenAt = MonotonicInstant.now()
        return (try? host.tcpCounters(pid: pid)).map { CounterSample(takenAt: takenAt, counters: $0) }
    }

    private func tcpRates(_ old: CounterSample<TCPCounters>?, _ new: CounterSample<TCPCounters>?) -> TCPRates? {
        guard let old, let new, let calculator = RateCalculator(from: old.takenAt, to: new.takenAt) else { return nil }
        return TCPRates(old: old.counters, new: new.counters, rates: calculator)
    }

    private func render(_ report: StatsReport, displayName: String, style: TerminalStyle) -> String {
        let rates = report.cgroup
        var lines = [style.bold("CONTAINER \(displayName)") + "  \(report.id.prefix(12))  over \(fixed(rates.intervalSeconds, 2)) s"]
        let cpu = rates.cpu
        var cpuLine = "CPU      " + (cpu.usageCores.map { "\(fixed($0.perSecond, 3)) cores" } ?? "-")
        if let percentOfCap = cpu.percentOfCap, let cap = cpu.capCores {
            cpuLine += "  \(fixed(percentOfCap, 1))% of cap \(fixed(cap, 2))"
        } else {
            cpuLine += "  no cap"
        }
        if let host = cpu.percentOfHost { cpuLine += "  \(fixed(host, 1))% of host" }
        if let user = cpu.userCores, let system = cpu.systemCores { cpuLine += "  (user \(fixed(user.perSecond, 3)), sys \(fixed(system.perSecond, 3)))" }
        lines.append(cpuLine)
        var throttleLine = "         throttled " + (cpu.throttledPercentOfPeriods.map { "\(fixed($0, 1))% of periods" } ?? "-")
        if let waited = cpu.throttledSecondsPerSecond { throttleLine += ", \(fixed(waited.perSecond * 1000, 1)) ms/s" }
        if let shares = rates.cpuLimits?.shares { throttleLine += "  shares \(shares)" }
        if let weight = rates.cpuLimits?.weight { throttleLine += "  weight \(weight)" }
        if let cpuset = rates.cpuset { throttleLine += "  cpuset \(cpuset)" }
        lines.append(throttleLine)
        if let switches = report.contextSwitches {
            lines.append("         context switches involuntary \(fixed(switches.involuntaryPerSecond, 1))/s, voluntary \(fixed(switches.voluntaryPerSecond, 1))/s over \(switches.tasks) threads")
        }
        let memory = rates.memory
        var memoryLine = "MEMORY   working set " + (memory.workingSetBytes.map(bytes) ?? "-")
        memoryLine += " / " + (memory.limitBytes.map(bytes) ?? "no limit")
        if let percent = memory.workingSetPercentOfLimit { memoryLine += " (\(fixed(percent, 1))%)" }
        if let usage = memory.usageBytes { memoryLine += "  usage \(bytes(usage))" }
        if let anonymous = memory.anonymousBytes { memoryLine += "  anon \(bytes(anonymous))" }
        if let file = memory.fileBytes { memoryLine += "  cache \(bytes(file))" }
        if let swap = memory.swapBytes { memoryLine += "  swap \(bytes(swap))" }
        lines.append(memoryLine)
        var eventsLine = "         limit hits " + (memory.limitHitCount.map(String.init) ?? "-") + "  OOM kills " + (memory.oomKillCount.map(String.init) ?? "-")
        if let faults = memory.majorPageFaultsPerSecond { eventsLine += "  major faults \(fixed(faults.perSecond, 1))/s" }
        lines.append(eventsLine)
        if let processIO = rates.processIO {
            lines.append("IO       all disks  read \(bytes(UInt64(processIO.readBytesPerSecond)))/s  write \(bytes(UInt64(processIO.writtenBytesPerSecond)))/s"
                + "  from \(processIO.source) of \(processIO.processes) processes: blkio does not account \(processIO.unaccountedDevices.joined(separator: ", "))"
                + (processIO.unreadableProcesses > 0 ? " (\(processIO.unreadableProcesses) unreadable: needs root)" : ""))
        }
        for device in rates.blockIO ?? [] {
            var line = "IO       \(device.device)  read \(bytes(UInt64(device.readBytesPerSecond.perSecond)))/s \(fixed(device.readOperationsPerSecond.perSecond, 1)) op/s"
            line += "  write \(bytes(UInt64(device.writtenBytesPerSecond.perSecond)))/s \(fixed(device.writeOperationsPerSecond.perSecond, 1)) op/s  from cgroup"
            if let limit = rates.blockIOLimits?.first(where: { $0.device == device.device }) {
                let parts = [limit.readBytesPerSecond.map { "rbps \(bytes($0))" }, limit.writeBytesPerSecond.map { "wbps \(bytes($0))" },
                             limit.readOperationsPerSecond.map { "riops \($0)" }, limit.writeOperationsPerSecond.map { "wiops \($0)" }].compactMap { $0 }
                if !parts.isEmpty { line += "  limits " + parts.joined(separator: " ") }
            }
            lines.append(line)
        }
        if let pids = rates.pids {
            lines.append("PIDS     \(pids.current.map(String.init) ?? "-") / \(pids.limit.map(String.init) ?? "no limit")")
        }
        if report.sharesHostNetwork {
            lines.append("NET      host network (its interfaces are the host's)")
        }
        for interface in report.network where !report.sharesHostNetwork {
            lines.append("NET      \(interface.interface)  rx \(bytes(UInt64(interface.receivedBytesPerSecond.perSecond)))/s \(fixed(interface.receivedPacketsPerSecond.perSecond, 1)) pkt/s"
                + "  tx \(bytes(UInt64(interface.transmittedBytesPerSecond.perSecond)))/s \(fixed(interface.transmittedPacketsPerSecond.perSecond, 1)) pkt/s"
                + "  drops \(fixed(interface.receiveDropsPerSecond.perSecond + interface.transmitDropsPerSecond.perSecond, 1))/s"
                + "  errors \(fixed(interface.receiveErrorsPerSecond.perSecond + interface.transmitErrorsPerSecond.perSecond, 1))/s")
        }
        if let tcp = report.tcp {
            lines.append("TCP      active \(fixed(tcp.activeOpensPerSecond.perSecond, 1))/s passive \(fixed(tcp.passiveOpensPerSecond.perSecond, 1))/s"
                + "  retrans \(fixed(tcp.segmentsRetransmittedPerSecond.perSecond, 1))/s (\(fixed(tcp.retransmittedPercent, 2))% of sent)")
        }
        let pressures = [("cpu", rates.cpuPressure), ("memory", rates.memoryPressure), ("io", rates.ioPressure)].compactMap { name, pressure in
            pressure.map { "\(name) \(fixed($0.someStalledSecondsPerSecond.perSecond * 100, 1))%" }
        }
        if !pressures.isEmpty { lines.append("PRESSURE some stalled " + pressures.joined(separator: "  ") + " of the interval") }
        let realtime = report.realtime
        lines.append("REALTIME " + RealtimeText.budgetLine(realtime.budget))
        if let usability = realtime.usability {
            lines.append("         " + usability.summary)
            for fix in usability.fixes { lines.append("           fix: \(fix)") }
        }
        for line in RealtimeText.threadLines(realtime.threads) { lines.append("         " + line) }
        return lines.joined(separator: "\n") + "\n"
    }

    private func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    private func bytes(_ count: UInt64) -> String {
        let (value, unit) = BinaryUnits.scaled(Double(count))
        return unit == "B" ? "\(count) B" : "\(fixed(value, 1)) \(unit)"
    }
}

/// What `stats --json` prints.
struct StatsReport: Encodable {
    var id: String
    var name: String?
    var runtime: String
    var networkMode: String?
    var sharesHostNetwork: Bool
    var cgroup: CgroupRates
    var network: [NetworkRates]
    /// Context switches summed over every thread of the container (nil on the first sample).
    var contextSwitches: ContextSwitchRates?
    /// TCP of its network namespace; nil with the host network.
    var tcp: TCPRates?
    /// Its RT budget chain, SCHED_FIFO/SCHED_RR threads and whether its init process could use them.
    var realtime: ContainerRealtime
}

extension StatsCommand {
    /// The container's recorded series over --since/--until.
    func printRecorded(_ path: String) throws {
        let (start, end) = try recording.range()
        let reader = try RecordingReader(path: path)
        try reader.requireSamples(from: start, to: end)
        let container = try reader.resolve([target], among: try reader.containers(from: start, to: end))[0]
        let report = try RecordedStats(reader: reader, start: start, end: end).report(for: container)
        if report.series.isEmpty {
            throw UserFacingError("no samples of \(report.name) between \(RecordedTime.text(start)) and \(RecordedTime.text(end)) in \(path)")
        }
        if json {
            print(try JSONOutput.encode(report))
        } else {
            print(RecordedStats.text(report), terminator: "")
        }
    }
}
