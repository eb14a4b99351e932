import Reporting
import ResourceMetrics

/// Renders `periscope stats`: one container's CPU, memory, block I/O, PIDs, network, pressure
/// and real-time state over the interval, each rate beside its limit.
package enum StatsTextRenderer {
    /// The report as text: one line per resource, rates beside limits.
    package static func render(_ report: StatsReport, displayName: String, style: TerminalStyle) -> String {
        let rates = report.cgroup
        var lines = [
            style.bold("CONTAINER \(displayName)")
                + "  \(report.id.prefix(12))  over \(fixed(rates.intervalSeconds, 2)) s"
        ]
        let cpu = rates.cpu
        var cpuLine = "CPU      " + (cpu.usageCores.map { "\(fixed($0.perSecond, 3)) cores" } ?? "-")
        if let percentOfCap = cpu.percentOfCap, let cap = cpu.capCores {
            cpuLine += "  \(fixed(percentOfCap, 1))% of cap \(fixed(cap, 2))"
        } else {
            cpuLine += "  no cap"
        }
        if let host = cpu.percentOfHost { cpuLine += "  \(fixed(host, 1))% of host" }
        if let user = cpu.userCores, let system = cpu.systemCores {
            cpuLine += "  (user \(fixed(user.perSecond, 3)), sys \(fixed(system.perSecond, 3)))"
        }
        lines.append(cpuLine)
        var throttleLine =
            "         throttled " + (cpu.throttledPercentOfPeriods.map { "\(fixed($0, 1))% of periods" } ?? "-")
        if let waited = cpu.throttledSecondsPerSecond { throttleLine += ", \(fixed(waited.perSecond * 1000, 1)) ms/s" }
        if let shares = rates.cpuLimits?.shares { throttleLine += "  shares \(shares)" }
        if let weight = rates.cpuLimits?.weight { throttleLine += "  weight \(weight)" }
        if let cpuset = rates.cpuset { throttleLine += "  cpuset \(cpuset)" }
        lines.append(throttleLine)
        if let switches = report.contextSwitches {
            lines.append(
                "         context switches involuntary \(fixed(switches.involuntaryPerSecond, 1))/s, voluntary \(fixed(switches.voluntaryPerSecond, 1))/s over \(switches.tasks) threads"
            )
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
        var eventsLine =
            "         limit hits " + (memory.limitHitCount.map(String.init) ?? "-") + "  OOM kills "
            + (memory.oomKillCount.map(String.init) ?? "-")
        if let faults = memory.majorPageFaultsPerSecond {
            eventsLine += "  major faults \(fixed(faults.perSecond, 1))/s"
        }
        lines.append(eventsLine)
        if let processIO = rates.processIO {
            lines.append(
                "IO       all disks  read \(bytes(UInt64(processIO.readBytesPerSecond)))/s  write \(bytes(UInt64(processIO.writtenBytesPerSecond)))/s"
                    + "  from \(processIO.source) of \(processIO.processes) processes: blkio does not account \(processIO.unaccountedDevices.joined(separator: ", "))"
                    + (processIO.unreadableProcesses > 0
                        ? " (\(processIO.unreadableProcesses) unreadable: needs root)" : ""))
        }
        for device in rates.blockIO ?? [] {
            var line =
                "IO       \(device.device)  read \(bytes(UInt64(device.readBytesPerSecond.perSecond)))/s \(fixed(device.readOperationsPerSecond.perSecond, 1)) op/s"
            line +=
                "  write \(bytes(UInt64(device.writtenBytesPerSecond.perSecond)))/s \(fixed(device.writeOperationsPerSecond.perSecond, 1)) op/s  from cgroup"
            if let limit = rates.blockIOLimits?.first(where: { $0.device == device.device }) {
                let parts = [
                    limit.readBytesPerSecond.map { "rbps \(bytes($0))" },
                    limit.writeBytesPerSecond.map { "wbps \(bytes($0))" },
                    limit.readOperationsPerSecond.map { "riops \($0)" },
                    limit.writeOperationsPerSecond.map { "wiops \($0)" }
                ].compactMap { $0 }
                if !parts.isEmpty { line += "  limits " + parts.joined(separator: " ") }
            }
            lines.append(line)
        }
        if let pids = rates.pids {
            lines.append(
                "PIDS     \(pids.current.map(String.init) ?? "-") / \(pids.limit.map(String.init) ?? "no limit")")
        }
        if report.sharesHostNetwork {
            lines.append("NET      host network (its interfaces are the host's)")
        }
        for interface in report.network where !report.sharesHostNetwork {
            lines.append(
                "NET      \(interface.interface)  rx \(bytes(UInt64(interface.receivedBytesPerSecond.perSecond)))/s \(fixed(interface.receivedPacketsPerSecond.perSecond, 1)) pkt/s"
                    + "  tx \(bytes(UInt64(interface.transmittedBytesPerSecond.perSecond)))/s \(fixed(interface.transmittedPacketsPerSecond.perSecond, 1)) pkt/s"
                    + "  drops \(fixed(interface.receiveDropsPerSecond.perSecond + interface.transmitDropsPerSecond.perSecond, 1))/s"
                    + "  errors \(fixed(interface.receiveErrorsPerSecond.perSecond + interface.transmitErrorsPerSecond.perSecond, 1))/s"
            )
        }
        if let tcp = report.tcp {
            lines.append(
                "TCP      active \(fixed(tcp.activeOpensPerSecond.perSecond, 1))/s passive \(fixed(tcp.passiveOpensPerSecond.perSecond, 1))/s"
                    + "  retrans \(fixed(tcp.segmentsRetransmittedPerSecond.perSecond, 1))/s (\(fixed(tcp.retransmittedPercent, 2))% of sent)"
            )
        }
        let pressures = [("cpu", rates.cpuPressure), ("memory", rates.memoryPressure), ("io", rates.ioPressure)]
            .compactMap { name, pressure in
                pressure.map { "\(name) \(fixed($0.someStalledSecondsPerSecond.perSecond * 100, 1))%" }
            }
        if !pressures.isEmpty {
            lines.append("PRESSURE some stalled " + pressures.joined(separator: "  ") + " of the interval")
        }
        let realtime = report.realtime
        lines.append("REALTIME " + RealtimeText.budgetLine(realtime.budget))
        if let usability = realtime.usability {
            lines.append("         " + usability.summary)
            for fix in usability.fixes { lines.append("           fix: \(fix)") }
        }
        for line in RealtimeText.threadLines(realtime.threads) { lines.append("         " + line) }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func bytes(_ count: UInt64) -> String { byteCount(Double(count)) }
}
