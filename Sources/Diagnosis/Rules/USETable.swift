import Reporting
import ResourceMetrics

/// The USE method ("Container Performance Analysis" (DockerCon 2017) slides 17 and 24) as a table: the host's physical resources and
/// each container's software resources, with utilisation, saturation and errors.
enum USETable {
    static func rows(_ facts: WindowFacts, findings: [Finding]) -> [USERow] {
        guard !facts.window.host.isEmpty else { return [] }
        // Each rule declares its resources (RuleID.useResources); the subject picks the row.
        func rules(subject: String, _ resource: USEResource) -> [RuleID] {
            findings.filter { $0.subject == subject && $0.ruleID.useResources.contains(resource) }.map(\.ruleID)
        }
        var rows: [USERow] = []
        let window = facts.window
        let busy = facts.host { $0.cpu.busyPercent }
        let runnable = facts.host { Double($0.runnableTasks > 0 ? $0.runnableTasks - 1 : 0) }
        let cpuPressure = facts.host { ($0.cpuPressure?.someStalledSecondsPerSecond.perSecond ?? 0) * 100 }
        rows.append(
            USERow(
                owner: "host", resource: "CPU", utilization: "\(fixed(busy.mean, 0))% busy",
                saturation:
                    "run queue \(fixed(runnable.mean, 1)) for \(facts.cpuCount) CPUs, PSI some \(fixed(cpuPressure.mean, 1))%",
                errors: "not measured (no ECC counters)", findingRuleIDs: rules(subject: "host CPU", .hostCPU)))
        if let memory = window.host.last?.memory {
            let available = memory.availableBytes ?? (memory.totalBytes - memory.usedBytes)
            let used =
                memory.totalBytes > 0
                ? Double(memory.totalBytes - min(available, memory.totalBytes)) / Double(memory.totalBytes) * 100 : 0
            let swap = facts.host { $0.swappedInPagesPerSecond.perSecond + $0.swappedOutPagesPerSecond.perSecond }
            let kills = window.kernelLog.events.filter { $0.kind == .oomKill }.count
            rows.append(
                USERow(
                    owner: "host", resource: "memory", utilization: "\(fixed(used, 0))% used",
                    saturation:
                        "swap \(fixed(swap.mean, 0)) pages/s, PSI some \(fixed(facts.host { ($0.memoryPressure?.someStalledSecondsPerSecond.perSecond ?? 0) * 100 }.mean, 1))%",
                    errors: window.kernelLog.readable ? "\(kills) OOM kills" : "kernel log unreadable",
                    findingRuleIDs: rules(subject: "host memory", .hostMemory)))
        }
        for name in HostRules.deviceNames(facts) {
            let device = facts.disk(name)
            let errors = window.kernelLog.events.filter { $0.kind == .ioError && $0.device == name }.count
            rows.append(
                USERow(
                    owner: "host", resource: "disk \(name)",
                    utilization: "\(fixed(device.utilizationPercent.mean, 0))% util",
                    saturation:
                        "aqu-sz \(fixed(device.queueSize.mean, 2)), await \(fixed(device.awaitMilliseconds.mean, 1)) ms",
                    errors: window.kernelLog.readable ? "\(errors) I/O errors" : "kernel log unreadable",
                    findingRuleIDs: rules(subject: "device \(name)", .hostDisk)))
        }
        for name in facts.interfaceNames {
            let traffic = facts.interface(name)
            let bytes = Series(zip(traffic.receivedBytes.values, traffic.transmittedBytes.values).map { max($0, $1) })
                .mean
            guard bytes > 0 || traffic.errors.mean > 0 else { continue }
            let speed = window.linkSpeedsMegabitsPerSecond[name]
            rows.append(
                USERow(
                    owner: "host", resource: "network \(name)",
                    utilization: speed.map { "\(fixed(bytes * 8 / ($0 * 1e6) * 100, 1))% of \(fixed($0, 0)) Mbit/s" }
                        ?? "\(byteCount(bytes))/s (no link speed)",
                    saturation: "drops \(fixed(traffic.drops.mean, 1))/s", errors: "\(fixed(traffic.errors.mean, 1))/s",
                    findingRuleIDs: rules(subject: "interface \(name)", .hostNetwork)))
        }
        for container in facts.sampledContainers where facts.isFocused(container.key) {
            rows += containerRows(container, facts, findings: findings)
        }
        return rows
    }

    static func containerRows(_ container: ObservedContainer, _ facts: WindowFacts, findings: [Finding]) -> [USERow] {
        let mine = findings.filter { $0.containerKey == container.key }
        func rules(_ resource: USEResource) -> [RuleID] {
            mine.filter { $0.ruleID.useResources.contains(resource) }.map(\.ruleID)
        }
        let name = container.displayName
        var rows: [USERow] = []
        let usage = facts.usageCores(container)
        let throttled = facts.series(container) { $0.cpu.throttledSecondsPerSecond.map { $0.perSecond * 1000 } }.mean
        let involuntary = Series(container.contextSwitches.map(\.involuntaryPerSecond)).mean
        if let cap = container.intervals.last?.cpu.capCores {
            rows.append(
                USERow(
                    owner: name, resource: "CPU cap",
                    utilization: "\(fixed(usage, 2)) of \(fixed(cap, 2)) cores (\(fixed(usage / cap * 100, 0))%)",
                    saturation: "throttled \(fixed(throttled, 1)) ms/s", errors: "n/a",
                    findingRuleIDs: rules(.containerCPUCap)))
        }
        let limits = container.intervals.last?.cpuLimits
        let weight = limits?.shares.map { "shares \($0)" } ?? limits?.weight.map { "weight \($0)" } ?? "default weight"
        let pressure = facts.series(container) { $0.cpuPressure.map { $0.someStalledSecondsPerSecond.perSecond * 100 } }
        rows.append(
            USERow(
                owner: name, resource: "CPU shares", utilization: "\(fixed(usage, 2)) cores (\(weight))",
                saturation: "involuntary switches \(fixed(involuntary, 0))/s"
                    + (pressure.count > 0 ? ", PSI some \(fixed(pressure.mean, 1))%" : ""),
                errors: "n/a", findingRuleIDs: rules(.containerCPUShares)))
        let memory = container.intervals.last?.memory
        let hits = (container.lastCounters?.memory?.limitHitCount).flatMap { after in
            container.firstCounters?.memory?.limitHitCount.map { after >= $0 ? after - $0 : after }
        }
        rows.append(
            USERow(
                owner: name, resource: "memory limit",
                utilization:
                    "\(memory?.workingSetBytes.map { byteCount(Double($0)) } ?? "-") of \(memory?.limitBytes.map { byteCount(Double($0)) } ?? "no limit")"
                    + (memory?.workingSetPercentOfLimit.map { " (\(fixed($0, 0))%)" } ?? ""),
                saturation: "limit hits +\(hits.map(String.init) ?? "-")",
                errors: "\(ContainerRules.oomKills(container, facts)) OOM kills",
                findingRuleIDs: rules(.containerMemoryLimit)))
        if let pids = container.intervals.last?.pids {
            rows.append(
                USERow(
                    owner: name, resource: "PIDs limit",
                    utilization:
                        "\(pids.current.map(String.init) ?? "-") of \(pids.limit.map(String.init) ?? "no limit")",
                    saturation: "n/a", errors: "not measured (pids.events)", findingRuleIDs: rules(.containerPIDsLimit))
            )
        }
        for use in ContainerRules.throttleUses(container, facts) {
            rows.append(
                USERow(
                    owner: name,
                    resource: "block I/O throttle \(ContainerRules.deviceName(use.device, facts)) \(use.kind)",
                    utilization:
                        "\(ContainerRules.formatRate(use.rate.mean, use.kind)) of \(ContainerRules.formatRate(use.limit, use.kind)) (\(fixed(use.percent, 0))%)",
                    saturation:
                        "\(facts.window.dStateThreads.filter { $0.container == container.key }.count) threads seen in D",
                    errors: "n/a", findingRuleIDs: rules(.containerBlockIOThrottle)))
        }
        return rows
    }
}
