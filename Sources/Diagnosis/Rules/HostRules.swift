import Reporting
import ResourceMetrics

/// Rules on the host's physical resources (USE method, "Container Performance Analysis" (DockerCon 2017) slide 24) and the lines
/// of the 60-second checklist (slide 23) that measure them.
enum HostRules {
    static func findings(_ facts: WindowFacts) -> [Finding] {
        guard !facts.window.host.isEmpty else { return [] }
        return cpu(facts) + memory(facts) + disks(facts) + network(facts)
    }

    private static var hostBlame: Blame {
        Blame(.host, explanation: "a physical resource of the host, shared by every container")
    }

    private static func networkBlame(_ facts: WindowFacts) -> Blame {
        Blame(
            .host, neighbours: networkUsers(facts),
            explanation: "the host's interfaces and TCP stack are shared; the containers' traffic is listed")
    }

    static func cpu(_ facts: WindowFacts) -> [Finding] {
        let limits = facts.thresholds
        var findings: [Finding] = []
        let cpus = Double(facts.cpuCount)
        let busy = facts.host { $0.cpu.busyPercent }
        if busy.mean >= limits.cpuUtilizationPercent {
            findings.append(
                Finding(
                    rule: .hostCPUUtilization, severity: .warning, subject: "host CPU",
                    verdict: "The host's CPUs are \(fixed(busy.mean, 0))% busy: little room is left for any container.",
                    evidence: [
                        Evidence(
                            "CPU utilisation (all CPUs)", series: busy, unit: "%",
                            threshold: limits.cpuUtilizationPercent, comparison: ">=")
                    ],
                    blame: cpuBlame(facts), nextCommands: ["periscope top"],
                    method: "USE: CPU utilisation (mpstat, sum of non-idle)",
                    score: busy.mean / max(limits.cpuUtilizationPercent, 1e-9)))
        }
        // mpstat -P ALL: CPU balance.
        if let hottest = facts.allCPUs.map({ cpu in (cpu, facts.host { $0.perCPU[cpu]?.busyPercent ?? 0 }) }).max(by: {
            $0.1.mean < $1.1.mean
        }),
            facts.cpuCount > 1, hottest.1.mean >= limits.cpuImbalancePercent, busy.mean < hottest.1.mean / 2
        {
            findings.append(
                Finding(
                    rule: .hostCPUImbalance, severity: .info, subject: "host CPU \(hottest.0)",
                    verdict:
                        "CPU \(hottest.0) is \(fixed(hottest.1.mean, 0))% busy while the host averages \(fixed(busy.mean, 0))%: one hot CPU, often a single-threaded bottleneck or a pinned workload.",
                    evidence: [
                        Evidence(
                            "CPU \(hottest.0) utilisation", series: hottest.1, unit: "%",
                            threshold: limits.cpuImbalancePercent, comparison: ">="),
                        Evidence("average utilisation", series: busy, unit: "%")
                    ],
                    blame: cpuBlame(facts), nextCommands: ["periscope top"],
                    method: "60-second checklist: mpstat -P ALL (CPU balance)",
                    score: hottest.1.mean / max(limits.cpuImbalancePercent, 1e-9)))
        }
        // vmstat r, without Periscope's own running reader.
        let runnable = facts.host { Double($0.runnableTasks > 0 ? $0.runnableTasks - 1 : 0) }
        let pressure = facts.host { ($0.cpuPressure?.someStalledSecondsPerSecond.perSecond ?? 0) * 100 }
        let queueLimit = cpus * limits.runQueuePerCPU
        let hasPressure = facts.window.host.contains { $0.cpuPressure != nil }
        // A CFS-throttled runnable task is a CPU stall at every PSI level: one capped container
        // spinning on an idle host drives host `cpu some` to ~70%. PSI is saturation of the host
        // only when the host is also short of CPU; otherwise it is the capped container's (cap finding).
        let idle = facts.idlePercent(on: facts.allCPUs)
        let isShortOfCPU = idle.mean < limits.idleCPUPercent
        if runnable.mean > queueLimit || (hasPressure && pressure.mean >= limits.cpuPressurePercent && isShortOfCPU) {
            var evidence = [
                Evidence(
                    "runnable tasks (vmstat r)", series: runnable, unit: "tasks", threshold: queueLimit, comparison: ">"
                )
            ]
            if hasPressure {
                evidence.append(
                    Evidence(
                        "CPU pressure (PSI some)", series: pressure, unit: "%", threshold: limits.cpuPressurePercent,
                        comparison: ">="))
            }
            evidence.append(
                Evidence(
                    "idle on the host's CPUs", series: idle, unit: "%", threshold: limits.idleCPUPercent,
                    comparison: "<"))
            findings.append(
                Finding(
                    rule: .hostCPUSaturation, severity: .warning, subject: "host CPU",
                    verdict:
                        "The host's CPUs are saturated: \(fixed(runnable.mean, 1)) tasks runnable for \(facts.cpuCount) CPUs, tasks wait \(fixed(pressure.mean, 0))% of the time for a CPU.",
                    evidence: evidence, blame: cpuBlame(facts), nextCommands: ["periscope top"],
                    method: "USE: CPU saturation (vmstat r > CPUs; PSI cpu with no idle CPU)",
                    score: max(
                        runnable.mean / max(queueLimit, 1e-9), pressure.mean / max(limits.cpuPressurePercent, 1e-9))))
        }
        let steal = facts.host { $0.cpu.stealPercent }
        if steal.mean >= limits.stealPercent {
            findings.append(
                Finding(
                    rule: .hostCPUSteal, severity: .warning, subject: "host CPU",
                    verdict:
                        "The hypervisor takes \(fixed(steal.mean, 0))% of this VM's CPU time (steal): the whole VM is short of CPU.",
                    evidence: [
                        Evidence("steal", series: steal, unit: "%", threshold: limits.stealPercent, comparison: ">=")
                    ],
                    blame: Blame(.host, explanation: "the VM's neighbours on the hypervisor, outside this host"),
                    nextCommands: ["mpstat -P ALL 1"],
                    method: "60-second checklist: vmstat/mpstat st", score: steal.mean / max(limits.stealPercent, 1e-9))
            )
        }
        let iowait = facts.host { $0.cpu.iowaitPercent }
        if iowait.mean >= limits.iowaitPercent {
            findings.append(
                Finding(
                    rule: .hostCPUIOWait, severity: .info, subject: "host CPU",
                    verdict: "CPUs sit idle waiting for I/O \(fixed(iowait.mean, 0))% of the time: look at storage.",
                    evidence: [
                        Evidence("iowait", series: iowait, unit: "%", threshold: limits.iowaitPercent, comparison: ">=")
                    ],
                    blame: Blame(.host, explanation: "storage latency, not CPU"), nextCommands: ["iostat -xz 1"],
                    method: "60-second checklist: vmstat wa", score: iowait.mean / max(limits.iowaitPercent, 1e-9)))
        }
        let load = facts.host { $0.loadAverage.oneMinute }
        if load.mean / cpus >= limits.loadPerCPU {
            let last = facts.window.host.last!.loadAverage
            findings.append(
                Finding(
                    rule: .hostLoad, severity: .info, subject: "host load",
                    verdict:
                        "Load average \(fixed(last.oneMinute, 2)) on \(facts.cpuCount) CPUs (\(last.oneMinute > last.fifteenMinutes ? "rising" : "falling"): 15-minute \(fixed(last.fifteenMinutes, 2))); Linux counts D-state tasks too.",
                    evidence: [
                        Evidence(
                            "1-minute load per CPU", load.mean / cpus, "tasks/CPU", threshold: limits.loadPerCPU,
                            comparison: ">="),
                        Evidence("15-minute load", last.fifteenMinutes, "tasks")
                    ],
                    blame: hostBlame, nextCommands: ["periscope top"], method: "60-second checklist: uptime",
                    score: load.mean / cpus / max(limits.loadPerCPU, 1e-9)))
        }
        return findings
    }

    /// The host's CPU users: containers and host processes, busiest first.
    static func cpuBlame(_ facts: WindowFacts) -> Blame {
        let total = facts.busyCores(on: facts.allCPUs).mean
        var shares = facts.sampledContainers.map { container in
            let cores = facts.usageCores(container)
            return NeighbourShare(
                name: container.displayName, kind: "container", resource: "cpu", amount: cores, unit: "cores",
                sharePercent: total > 0 ? min(100, cores / total * 100) : 0)
        }
        let residual = max(0, total - shares.reduce(0) { $0 + $1.amount })
        let others =
            facts.window.viewpoint == .host
            ? facts.hostProcessesName() : "other tenants of the host (invisible from inside)"
        shares.append(
            NeighbourShare(
                name: others, kind: "host", resource: "cpu", amount: residual, unit: "cores",
                sharePercent: total > 0 ? residual / total * 100 : 0))
        let top = shares.filter { $0.amount >= 0.01 }.sorted { ($0.amount, $1.name) > ($1.amount, $0.name) }
        return Blame(
            .host, neighbours: Array(top.prefix(5)),
            explanation: "the host's CPUs are shared; the biggest users in the window are listed")
    }

    static func memory(_ facts: WindowFacts) -> [Finding] {
        let limits = facts.thresholds
        var findings: [Finding] = []
        let used = facts.host { rates in
            let memory = rates.memory
            guard memory.totalBytes > 0 else { return 0 }
            let available = memory.availableBytes ?? (memory.totalBytes - memory.usedBytes)
            return Double(memory.totalBytes - min(memory.totalBytes, available)) / Double(memory.totalBytes) * 100
        }
        if used.mean >= limits.memoryUsedPercent {
            findings.append(
                Finding(
                    rule: .hostMemoryUtilization, severity: .warning, subject: "host memory",
                    verdict:
                        "The host has used \(fixed(used.mean, 0))% of its memory (free -m: only \(byteCount(Double(facts.window.host.last!.memory.availableBytes ?? 0))) available).",
                    evidence: [
                        Evidence(
                            "memory used", series: used, unit: "%", threshold: limits.memoryUsedPercent,
                            comparison: ">=")
                    ],
                    blame: memoryBlame(facts), nextCommands: ["periscope top"],
                    method: "USE: memory capacity utilisation (free -m used/total)",
                    score: used.mean / max(limits.memoryUsedPercent, 1e-9)))
        }
        let swap = facts.host { $0.swappedInPagesPerSecond.perSecond + $0.swappedOutPagesPerSecond.perSecond }
        if swap.mean >= limits.swapPagesPerSecond, swap.mean > 0 {
            findings.append(
                Finding(
                    rule: .hostMemorySwapping, severity: .warning, subject: "host memory",
                    verdict:
                        "The host is swapping \(fixed(swap.mean, 0)) pages per second: memory is short and every process touching swapped pages waits for disk.",
                    evidence: [
                        Evidence(
                            "swap in + out (vmstat si+so)", series: swap, unit: "pages/s",
                            threshold: limits.swapPagesPerSecond, comparison: ">=")
                    ],
                    blame: memoryBlame(facts), nextCommands: ["vmstat 1", "periscope top"],
                    method: "USE: memory saturation (vmstat si+so)",
                    score: swap.mean / max(limits.swapPagesPerSecond, 1e-9)))
        }
        let pressure = facts.host { ($0.memoryPressure?.someStalledSecondsPerSecond.perSecond ?? 0) * 100 }
        if facts.window.host.contains(where: { $0.memoryPressure != nil }),
            pressure.mean >= limits.memoryPressurePercent
        {
            findings.append(
                Finding(
                    rule: .hostMemoryPressure, severity: .warning, subject: "host memory",
                    verdict:
                        "Tasks stalled on memory (reclaim, swap-in, refaults) \(fixed(pressure.mean, 0))% of the time.",
                    evidence: [
                        Evidence(
                            "memory pressure (PSI some)", series: pressure, unit: "%",
                            threshold: limits.memoryPressurePercent, comparison: ">=")
                    ],
                    blame: memoryBlame(facts), nextCommands: ["periscope top"], method: "USE: memory saturation (PSI)",
                    score: pressure.mean / max(limits.memoryPressurePercent, 1e-9)))
        }
        return findings
    }

    private static func memoryBlame(_ facts: WindowFacts) -> Blame {
        let users = facts.sampledContainers.compactMap { container -> NeighbourShare? in
            guard let bytes = container.intervals.last?.memory.workingSetBytes,
                let total = facts.window.host.last?.memory.totalBytes, total > 0
            else { return nil }
            return NeighbourShare(
                name: container.displayName, kind: "container", resource: "memory", amount: Double(bytes) / 1_048_576,
                unit: "MiB",
                sharePercent: Double(bytes) / Double(total) * 100)
        }.sorted { ($0.amount, $1.name) > ($1.amount, $0.name) }
        return Blame(
            .host, neighbours: Array(users.prefix(5)),
            explanation: "host memory is shared; the containers' working sets are listed")
    }

    static func disks(_ facts: WindowFacts) -> [Finding] {
        let limits = facts.thresholds
        var findings: [Finding] = []
        for name in deviceNames(facts) {
            let device = facts.disk(name)
            let util = device.utilizationPercent, queue = device.queueSize, iops = device.iops,
                latency = device.awaitMilliseconds
            let blame = Blame(
                .host, neighbours: diskUsers(facts, device: name),
                explanation: "the device is shared; the containers' I/O on it is listed")
            let next = ["iostat -xz 1 \(name)", "periscope top"]
            if util.mean >= limits.diskUtilizationPercent {
                findings.append(
                    Finding(
                        rule: .hostDiskUtilization, severity: .warning, subject: "device \(name)",
                        verdict:
                            "\(name) was busy \(fixed(util.mean, 0))% of the time (on devices that serve requests in parallel, such as NVMe, this alone is not saturation).",
                        evidence: [
                            Evidence(
                                "%util", series: util, unit: "%", threshold: limits.diskUtilizationPercent,
                                comparison: ">="), Evidence("IOPS", series: iops, unit: "op/s")
                        ],
                        blame: blame, nextCommands: next, method: "USE: storage utilisation (iostat %util)",
                        score: util.mean / max(limits.diskUtilizationPercent, 1e-9)))
            }
            if queue.mean > limits.diskQueueSize {
                findings.append(
                    Finding(
                        rule: .hostDiskSaturation, severity: .warning, subject: "device \(name)",
                        verdict:
                            "\(name) has \(fixed(queue.mean, 1)) requests queued on average: I/O waits for the device.",
                        evidence: [
                            Evidence(
                                "average queue size (aqu-sz)", series: queue, unit: "requests",
                                threshold: limits.diskQueueSize, comparison: ">"),
                            Evidence("await", series: latency, unit: "ms")
                        ],
                        blame: blame, nextCommands: next, method: "USE: storage saturation (iostat avgqu-sz > 1)",
                        score: queue.mean / max(limits.diskQueueSize, 1e-9)))
            }
            // The throttled-volume signature (the Red Hat container performance posts): latency rises while IOPS fall to a floor.
            if iops.count >= 3, iops.firstThird >= limits.minimumIOPS, iops.lastThird > 0,
                iops.lastThird <= iops.firstThird * (1 - limits.iopsFallPercent / 100),
                latency.lastThird >= limits.awaitMilliseconds,
                latency.lastThird >= max(latency.firstThird, 1e-9) * limits.awaitRiseFactor
            {
                findings.append(
                    Finding(
                        rule: .storageLatencyCollapse, severity: .warning, subject: "device \(name)",
                        verdict:
                            "\(name)'s IOPS fell from \(fixed(iops.firstThird, 0)) to a floor of \(fixed(iops.lastThird, 0)) while await rose from \(fixed(latency.firstThird, 1)) to \(fixed(latency.lastThird, 1)) ms: the storage is being throttled (a burst budget or QoS limit ran out), not overloaded by more work.",
                        evidence: [
                            Evidence(
                                "IOPS", series: iops, unit: "op/s", threshold: limits.iopsFallPercent,
                                comparison: "fall % >="),
                            Evidence(
                                "await", series: latency, unit: "ms", threshold: limits.awaitMilliseconds,
                                comparison: ">=")
                        ],
                        blame: Blame(
                            .host, neighbours: blame.neighbours,
                            explanation:
                                "the volume or its QoS (cloud burst balance, a throttle above the device) limits it; check the provider's burst/credit metrics"
                        ),
                        nextCommands: next + ["periscope diagnose --probe-storage PATH"],
                        method:
                            "storage stall (Red Hat: Docker operations slowing down): await rising while IOPS fall to a floor",
                        score: latency.lastThird / max(limits.awaitMilliseconds, 1e-9)))
            }
        }
        return findings
    }

    /// Whole devices that did any I/O in the window, not partitions of them.
    static func deviceNames(_ facts: WindowFacts) -> [String] {
        var names: [String] = []
        var seen = Set<String>()
        for rates in facts.window.host {
            for disk in rates.disks where !seen.contains(disk.name) {
                seen.insert(disk.name)
                names.append(disk.name)
            }
        }
        let active = names.filter { name in
            facts.window.host.contains {
                $0.disks.contains { $0.name == name && ($0.readsPerSecond + $0.writesPerSecond > 0 || $0.inFlight > 0) }
            }
        }
        return active.filter { name in
            !active.contains { $0 != name && name.hasPrefix($0) && isPartitionSuffix(name.dropFirst($0.count)) }
        }
    }

    private static func isPartitionSuffix(_ suffix: Substring) -> Bool {
        let digits = suffix.first == "p" ? suffix.dropFirst() : suffix
        return !digits.isEmpty && digits.allSatisfy(\.isNumber)
    }

    /// Containers' I/O on a device, by ops, and the rest of the device's I/O (host processes,
    /// the kernel's writeback) as one more entry.
    static func diskUsers(_ facts: WindowFacts, device name: String) -> [NeighbourShare] {
        if facts.sampledContainers.contains(where: {
            $0.intervals.contains { $0.processIO?.unaccountedDevices.contains(name) == true }
        }) {
            return diskUsersByBytes(facts, device: name)
        }
        guard let number = facts.window.host.last?.disks.first(where: { $0.name == name })?.device else { return [] }
        let deviceOps = facts.disk(name).iops.mean
        var users = facts.sampledContainers.compactMap { container -> NeighbourShare? in
            let ops = facts.series(container) { rates in
                rates.blockIO?.first { $0.device == number }.map {
                    $0.readOperationsPerSecond.perSecond + $0.writeOperationsPerSecond.perSecond
                }
            }.mean
            guard ops > 0 else { return nil }
            return NeighbourShare(
                name: container.displayName, kind: "container", resource: "disk \(name)", amount: ops, unit: "op/s",
                sharePercent: deviceOps > 0 ? min(100, ops / deviceOps * 100) : 0)
        }
        // cgroup counters see a container's requests before merging; the device counts after: clamp at zero.
        let rest = max(0, deviceOps - users.reduce(0) { $0 + $1.amount })
        if rest > 0, facts.window.viewpoint == .host {
            users.append(
                NeighbourShare(
                    name: "host processes and kernel writeback", kind: "host", resource: "disk \(name)", amount: rest,
                    unit: "op/s",
                    sharePercent: deviceOps > 0 ? rest / deviceOps * 100 : 0))
        }
        return users.sorted { ($0.amount, $1.name) > ($1.amount, $0.name) }
    }

    /// Containers' bytes from their processes' /proc/PID/io when cgroup v1 blkio does not
    /// account the device: the counters do not split by device, so a container's bytes on
    /// every disk are set against this one's.
    static func diskUsersByBytes(_ facts: WindowFacts, device name: String) -> [NeighbourShare] {
        let deviceBytes = facts.host { rates in
            rates.disks.first { $0.name == name }.map {
                ($0.readKilobytesPerSecond + $0.writtenKilobytesPerSecond) * 1024
            } ?? 0
        }.mean
        let resource = "disk \(name) (bytes from /proc/PID/io, all disks: blkio does not account \(name))"
        var users = facts.sampledContainers.compactMap { container -> NeighbourShare? in
            let bytes = facts.series(container) {
                $0.processIO.map { $0.readBytesPerSecond + $0.writtenBytesPerSecond }
            }.mean
            guard bytes > 0 else { return nil }
            return NeighbourShare(
                name: container.displayName, kind: "container", resource: resource, amount: bytes / 1024, unit: "KiB/s",
                sharePercent: deviceBytes > 0 ? min(100, bytes / deviceBytes * 100) : 0)
        }
        let rest = max(0, deviceBytes - users.reduce(0) { $0 + $1.amount * 1024 })
        if rest > 0, facts.window.viewpoint == .host {
            users.append(
                NeighbourShare(
                    name: "host processes and kernel writeback", kind: "host", resource: resource, amount: rest / 1024,
                    unit: "KiB/s",
                    sharePercent: deviceBytes > 0 ? rest / deviceBytes * 100 : 0))
        }
        return users.sorted { ($0.amount, $1.name) > ($1.amount, $0.name) }
    }

    /// Containers' traffic (rx + tx bytes/s over their own interfaces) and their share of it.
    static func networkUsers(_ facts: WindowFacts) -> [NeighbourShare] {
        let traffic = facts.sampledContainers.filter { !$0.sharesHostNetwork }.map { container in
            (
                container.displayName,
                Series(
                    container.network.map {
                        $0.filter { $0.interface != "lo" }.reduce(0) {
                            $0 + $1.receivedBytesPerSecond.perSecond + $1.transmittedBytesPerSecond.perSecond
                        }
                    }
                ).mean
            )
        }
        let total = traffic.reduce(0) { $0 + $1.1 }
        return traffic.filter { $0.1 > 0 }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }.prefix(5).map {
            NeighbourShare(
                name: $0.0, kind: "container", resource: "network", amount: $0.1 / 1024, unit: "KiB/s",
                sharePercent: total > 0 ? $0.1 / total * 100 : 0)
        }
    }

    static func network(_ facts: WindowFacts) -> [Finding] {
        let limits = facts.thresholds
        var findings: [Finding] = []
        for name in facts.interfaceNames {
            let traffic = facts.interface(name)
            let errors = traffic.errors, drops = traffic.drops
            if errors.mean >= limits.networkErrorsPerSecond, errors.mean > 0 {
                findings.append(
                    Finding(
                        rule: .hostNetworkErrors, severity: .warning, subject: "interface \(name)",
                        verdict: "\(name) reports \(fixed(errors.mean, 1)) errors per second.",
                        evidence: [
                            Evidence(
                                "rx + tx errors", series: errors, unit: "/s", threshold: limits.networkErrorsPerSecond,
                                comparison: ">=")
                        ],
                        blame: networkBlame(facts), nextCommands: ["sar -n EDEV 1", "ip -s link show \(name)"],
                        method: "USE: network errors (ifconfig errors)",
                        score: errors.mean / max(limits.networkErrorsPerSecond, 1e-9)))
            }
            if drops.mean >= limits.networkDropsPerSecond, drops.mean > 0 {
                findings.append(
                    Finding(
                        rule: .hostNetworkDrops, severity: .warning, subject: "interface \(name)",
                        verdict: "\(name) drops \(fixed(drops.mean, 1)) packets per second (overruns or full queues).",
                        evidence: [
                            Evidence(
                                "rx + tx drops", series: drops, unit: "/s", threshold: limits.networkDropsPerSecond,
                                comparison: ">=")
                        ],
                        blame: networkBlame(facts), nextCommands: ["sar -n EDEV 1"],
                        method: "USE: network saturation (ifconfig overruns/drops)",
                        score: drops.mean / max(limits.networkDropsPerSecond, 1e-9)))
            }
            if let speed = facts.window.linkSpeedsMegabitsPerSecond[name], speed > 0 {
                let util = Series(
                    zip(traffic.receivedBytes.values, traffic.transmittedBytes.values).map {
                        max($0, $1) * 8 / (speed * 1e6) * 100
                    })
                if util.mean >= limits.networkUtilizationPercent {
                    findings.append(
                        Finding(
                            rule: .hostNetworkUtilization, severity: .warning, subject: "interface \(name)",
                            verdict: "\(name) runs at \(fixed(util.mean, 0))% of its \(fixed(speed, 0)) Mbit/s link.",
                            evidence: [
                                Evidence(
                                    "throughput / link speed", series: util, unit: "%",
                                    threshold: limits.networkUtilizationPercent, comparison: ">=")
                            ],
                            blame: networkBlame(facts), nextCommands: ["sar -n DEV 1", "periscope top"],
                            method: "USE: network utilisation (nicstat %Util)",
                            score: util.mean / max(limits.networkUtilizationPercent, 1e-9)))
                }
            }
        }
        let retransmitPercent = facts.host { $0.tcp?.retransmittedPercent ?? 0 }
        let retransmits = facts.host { $0.tcp?.segmentsRetransmittedPerSecond.perSecond ?? 0 }
        if retransmitPercent.mean >= limits.retransmitPercent, retransmits.mean >= limits.retransmitsPerSecond {
            findings.append(
                Finding(
                    rule: .hostTCPRetransmits, severity: .warning, subject: "host TCP",
                    verdict:
                        "\(fixed(retransmitPercent.mean, 1))% of TCP segments sent by host-network sockets are retransmitted: loss or a slow peer.",
                    evidence: [
                        Evidence(
                            "retransmitted", series: retransmitPercent, unit: "% of sent",
                            threshold: limits.retransmitPercent, comparison: ">="),
                        Evidence(
                            "retransmits", series: retransmits, unit: "/s", threshold: limits.retransmitsPerSecond,
                            comparison: ">=")
                    ],
                    blame: networkBlame(facts), nextCommands: ["sar -n TCP,ETCP 1", "ss -ti"],
                    method: "USE: network errors (netstat -s retrans)",
                    score: retransmitPercent.mean / max(limits.retransmitPercent, 1e-9)))
        }
        return findings
    }
}
