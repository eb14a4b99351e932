import Reporting
import ResourceMetrics

/// The 60-second checklist of "Container Performance Analysis" (DockerCon 2017) slide 23 ("Linux Performance Analysis in 60,000
/// Milliseconds"), each line summarised in its command's terms and tied to the findings it raised.
enum Checklist {
    static func lines(_ facts: WindowFacts, findings: [Finding]) -> [ChecklistLine] {
        let window = facts.window
        // Each rule declares its lines (RuleID.checklistLines).
        func rules(_ command: ChecklistCommand) -> [String] {
            Array(Set(findings.map(\.ruleID).filter { $0.checklistLines.contains(command) })).sorted().map(\.rawValue)
        }
        guard let last = window.host.last else {
            return [
                ChecklistLine(
                    command: ChecklistCommand.uptime.rawValue, checks: "load averages", summary: "no samples",
                    findingRules: [], measured: false)
            ]
        }
        var lines: [ChecklistLine] = []
        let load = last.loadAverage
        lines.append(
            ChecklistLine(
                command: ChecklistCommand.uptime.rawValue, checks: "load averages",
                summary:
                    "load \(fixed(load.oneMinute, 2)) \(fixed(load.fiveMinutes, 2)) \(fixed(load.fifteenMinutes, 2)) on \(facts.cpuCount) CPUs",
                findingRules: rules(.uptime), measured: true))
        let log = window.kernelLog
        let counts = KernelLogEvent.Kind.allCases.map { kind in (kind, log.events.filter { $0.kind == kind }.count) }
            .filter { $0.1 > 0 }
        lines.append(
            ChecklistLine(
                command: ChecklistCommand.dmesg.rawValue, checks: "kernel errors",
                summary: log.readable
                    ? "\(log.recordsRead) records in the window"
                        + ((log.lookbackSeconds ?? 0) > 0
                            ? " and the \(fixed(log.lookbackSeconds ?? 0, 0)) s before it" : "")
                        + (counts.isEmpty
                            ? ", no errors" : ": " + counts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", "))
                    : "unreadable: \(log.unreadableReason ?? "?")",
                findingRules: rules(.dmesg), measured: log.readable))
        let runnable = facts.host { Double($0.runnableTasks > 0 ? $0.runnableTasks - 1 : 0) }
        let blocked = facts.host { Double($0.blockedTasks) }
        let swap = facts.host { $0.swappedInPagesPerSecond.perSecond + $0.swappedOutPagesPerSecond.perSecond }
        let user = facts.host { $0.cpu.userPercent + $0.cpu.nicePercent },
            system = facts.host { $0.cpu.systemPercent + $0.cpu.irqPercent + $0.cpu.softirqPercent }
        let idle = facts.host { $0.cpu.idlePercent }, iowait = facts.host { $0.cpu.iowaitPercent },
            steal = facts.host { $0.cpu.stealPercent }
        lines.append(
            ChecklistLine(
                command: ChecklistCommand.vmstat.rawValue, checks: "overall stats by time",
                summary:
                    "r \(fixed(runnable.mean, 1)) b \(fixed(blocked.mean, 1)) si+so \(fixed(swap.mean, 0)) us \(fixed(user.mean, 0)) sy \(fixed(system.mean, 0)) id \(fixed(idle.mean, 0)) wa \(fixed(iowait.mean, 0)) st \(fixed(steal.mean, 0))",
                findingRules: rules(.vmstat), measured: true))
        let perCPU = facts.allCPUs.map { cpu in
            "CPU\(cpu) \(fixed(facts.host { $0.perCPU[cpu]?.busyPercent ?? 0 }.mean, 0))%"
        }
        lines.append(
            ChecklistLine(
                command: ChecklistCommand.mpstat.rawValue, checks: "CPU balance",
                summary: "busy: all \(fixed(facts.host { $0.cpu.busyPercent }.mean, 0))%, "
                    + perCPU.joined(separator: ", "),
                findingRules: rules(.mpstat), measured: true))
        var processes = window.hostProcesses.map { ("host", $0) }
        for container in window.containers { processes += container.topProcesses.map { (container.displayName, $0) } }
        let top = processes.sorted { ($0.1.cores, $1.0, $1.1.comm, $1.1.pid) > ($1.1.cores, $0.0, $0.1.comm, $0.1.pid) }
            .prefix(3).map { "\($0.1.comm)[\($0.1.pid)] \(fixed($0.1.cores * 100, 0))% (\($0.0))" }
        lines.append(
            ChecklistLine(
                command: ChecklistCommand.pidstat.rawValue, checks: "process usage",
                summary: top.isEmpty ? "no process used CPU" : top.joined(separator: ", "),
                findingRules: rules(.pidstat), measured: true))
        let devices = HostRules.deviceNames(facts).map { name -> String in
            let device = facts.disk(name)
            return
                "\(name) \(fixed(device.iops.mean, 0)) op/s await \(fixed(device.awaitMilliseconds.mean, 1)) ms aqu \(fixed(device.queueSize.mean, 2)) util \(fixed(device.utilizationPercent.mean, 0))%"
        }
        lines.append(
            ChecklistLine(
                command: ChecklistCommand.iostat.rawValue, checks: "disk I/O",
                summary: devices.isEmpty ? "no device did I/O" : devices.joined(separator: "; "),
                findingRules: rules(.iostat), measured: true))
        let memory = last.memory
        lines.append(
            ChecklistLine(
                command: ChecklistCommand.free.rawValue, checks: "memory usage",
                summary:
                    "total \(byteCount(Double(memory.totalBytes))), available \(byteCount(Double(memory.availableBytes ?? 0))), swap used \(byteCount(Double(memory.swapTotalBytes - min(memory.swapTotalBytes, memory.swapFreeBytes))))",
                findingRules: rules(.free), measured: true))
        let interfaces = facts.interfaceNames.compactMap { name -> String? in
            let traffic = facts.interface(name)
            let rx = traffic.receivedBytes.mean, tx = traffic.transmittedBytes.mean
            guard rx + tx > 0 else { return nil }
            return "\(name) rx \(byteCount(rx))/s tx \(byteCount(tx))/s"
        }
        lines.append(
            ChecklistLine(
                command: ChecklistCommand.sarDEV.rawValue, checks: "network I/O",
                summary: interfaces.isEmpty ? "no traffic" : interfaces.prefix(4).joined(separator: "; "),
                findingRules: rules(.sarDEV), measured: true))
        let tcp = window.host.compactMap(\.tcp)
        lines.append(
            ChecklistLine(
                command: ChecklistCommand.sarTCP.rawValue, checks: "TCP stats",
                summary: tcp.isEmpty
                    ? "unreadable"
                    : "active \(fixed(Series(tcp.map(\.activeOpensPerSecond.perSecond)).mean, 1))/s passive \(fixed(Series(tcp.map(\.passiveOpensPerSecond.perSecond)).mean, 1))/s retrans \(fixed(Series(tcp.map(\.segmentsRetransmittedPerSecond.perSecond)).mean, 1))/s",
                findingRules: rules(.sarTCP), measured: !tcp.isEmpty))
        let busiest = facts.sampledContainers.map { ($0.displayName, facts.usageCores($0)) }.sorted {
            ($0.1, $1.0) > ($1.1, $0.0)
        }.prefix(3)
        lines.append(
            ChecklistLine(
                command: ChecklistCommand.top.rawValue, checks: "check overview",
                summary: "\(window.containers.count) container\(window.containers.count == 1 ? "" : "s")"
                    + (busiest.isEmpty
                        ? ""
                        : "; busiest: " + busiest.map { "\($0.0) \(fixed($0.1, 2)) cores" }.joined(separator: ", ")),
                findingRules: rules(.top), measured: true))
        return lines
    }
}
