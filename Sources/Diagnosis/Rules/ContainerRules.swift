import LinuxHost
import Reporting
import ResourceMetrics

/// Rules on each container's software resources (USE applied to cgroups, "Container Performance Analysis" (DockerCon 2017) slide
/// 17): memory limit, PIDs limit, block I/O throttle, and its network namespace.
enum ContainerRules {
    static func findings(_ facts: WindowFacts) -> [Finding] {
        facts.sampledContainers.flatMap {
            memory($0, facts) + pids($0, facts) + blockIOThrottle($0, facts) + network($0, facts)
        }
    }

    static func memory(_ container: ObservedContainer, _ facts: WindowFacts) -> [Finding] {
        let limits = facts.thresholds
        let name = container.displayName
        var findings: [Finding] = []
        let next = ["periscope stats \(facts.argument(container))"]
        let blame = Blame(
            .container, container: name,
            explanation: "its own memory limit (docker --memory / memory.limit_in_bytes): raise it or find what grows")
        let percent = facts.series(container) { $0.memory.workingSetPercentOfLimit }
        let limit = container.intervals.last?.memory.limitBytes
        let log = facts.window.kernelLog
        var kills = oomKills(container, facts)
        let loggedKills = log.events.filter { $0.kind == .oomKill && $0.container == container.key }
        let killedByKernelLog = loggedKills.filter { !log.isBeforeWindow($0) }
        kills = max(kills, UInt64(killedByKernelLog.count))
        findings += oomKillsBeforeWindow(
            container, facts, logged: loggedKills.filter { log.isBeforeWindow($0) }, blame: blame)
        if kills > 0 {
            let victims = killedByKernelLog.map { "\($0.comm ?? "?") (PID \($0.pid.map(String.init) ?? "?"))" }
            var evidence = [
                Evidence("OOM kills in the window", Double(kills), "processes", threshold: 1, comparison: ">=")
            ]
            if let limit { evidence.append(Evidence("memory limit", Double(limit) / 1_048_576, "MiB")) }
            if percent.count > 0 { evidence.append(Evidence("working set of limit", series: percent, unit: "%")) }
            findings.append(
                Finding(
                    rule: .memoryOOMKill, severity: .critical, subject: "container \(name)",
                    containerKey: container.key,
                    verdict:
                        "The OOM killer killed \(kills) process\(kills == 1 ? "" : "es") of \(name)\(victims.isEmpty ? "" : ": " + victims.joined(separator: ", ")) at its memory limit\(limit.map { " of \(byteCount(Double($0)))" } ?? "").",
                    evidence: evidence, blame: blame, nextCommands: next + ["dmesg -T | grep -i -A3 oom-kill"],
                    method: "USE: memory limit errors (memory.oom_control oom_kill, kernel log)", score: Double(kills)))
        }
        if percent.count > 0, percent.mean >= limits.memoryLimitPercent, kills == 0 {
            findings.append(
                Finding(
                    rule: .memoryNearLimit, severity: .warning, subject: "container \(name)",
                    containerKey: container.key,
                    verdict:
                        "\(name)'s working set is \(fixed(percent.mean, 0))% of its \(limit.map { byteCount(Double($0)) } ?? "") limit: the next growth means reclaim stalls or an OOM kill.",
                    evidence: [
                        Evidence(
                            "working set of limit", series: percent, unit: "%", threshold: limits.memoryLimitPercent,
                            comparison: ">=")
                    ],
                    blame: blame, nextCommands: next, method: "USE: memory limit utilisation",
                    score: percent.mean / max(limits.memoryLimitPercent, 1e-9)))
        }
        if let before = container.firstCounters?.memory?.limitHitCount,
            let after = container.lastCounters?.memory?.limitHitCount, after > before
        {
            let hits = RateCalculator.increase(from: before, to: after).amount
            findings.append(
                Finding(
                    rule: .memoryLimitHits, severity: .warning, subject: "container \(name)",
                    containerKey: container.key,
                    verdict:
                        "\(name) hit its memory limit \(hits) times in the window (failcnt rising): the kernel reclaims its page cache and anonymous memory to stay under it.",
                    evidence: [
                        Evidence(
                            "limit hits (failcnt)", Double(hits), "times", first: Double(before), last: Double(after),
                            threshold: 1, comparison: ">=")
                    ],
                    blame: blame, nextCommands: next, method: "USE: memory limit saturation (memory.failcnt)",
                    score: Double(hits)))
        }
        // Swap use growing: the container's anonymous memory is being pushed out (4 KiB pages).
        let swap = facts.series(container) { $0.memory.swapBytes.map { Double($0) } }
        if swap.count >= 2, let first = swap.values.first, let last = swap.values.last, last > first,
            (last - first) / max(facts.window.durationSeconds, 1e-9) / 4096 >= limits.swapPagesPerSecond
        {
            let pagesPerSecond = (last - first) / max(facts.window.durationSeconds, 1e-9) / 4096
            let faults = facts.series(container) { $0.memory.majorPageFaultsPerSecond?.perSecond }
            findings.append(
                Finding(
                    rule: .memorySwapping, severity: .warning, subject: "container \(name)",
                    containerKey: container.key,
                    verdict:
                        "\(name) is being swapped out: its swap grew from \(byteCount(first)) to \(byteCount(last)) (\(fixed(pagesPerSecond, 0)) pages/s) and each access to a swapped page waits for disk.",
                    evidence: [
                        Evidence(
                            "swap out", pagesPerSecond, "pages/s", first: first, last: last,
                            threshold: limits.swapPagesPerSecond, comparison: ">="),
                        Evidence("major page faults", series: faults, unit: "/s")
                    ],
                    blame: blame, nextCommands: next, method: "USE: memory limit saturation (swap growing)",
                    score: pagesPerSecond / max(limits.swapPagesPerSecond, 1e-9)))
        }
        let pressure = facts.series(container) {
            $0.memoryPressure.map { $0.someStalledSecondsPerSecond.perSecond * 100 }
        }
        if pressure.count > 0, pressure.mean >= limits.memoryPressurePercent {
            findings.append(
                Finding(
                    rule: .memoryPressure, severity: .warning, subject: "container \(name)",
                    containerKey: container.key,
                    verdict:
                        "\(name)'s tasks stalled on memory \(fixed(pressure.mean, 0))% of the time (reclaim at its limit, or swap-in).",
                    evidence: [
                        Evidence(
                            "memory pressure (PSI some)", series: pressure, unit: "%",
                            threshold: limits.memoryPressurePercent, comparison: ">=")
                    ],
                    blame: blame, nextCommands: next, method: "USE: memory limit saturation (memory.pressure)",
                    score: pressure.mean / max(limits.memoryPressurePercent, 1e-9)))
        }
        return findings
    }

    /// OOM kills before the window: those of the kernel log's look-back, with their time, and
    /// those the cgroup counted since the container started (v1 `memory.oom_control`
    /// `oom_kill`, v2 `memory.events`), which may be older than the look-back. A user runs
    /// a diagnosis because something just died: never silent, never mistaken for a current event.
    static func oomKillsBeforeWindow(
        _ container: ObservedContainer, _ facts: WindowFacts, logged: [KernelLogEvent], blame: Blame
    ) -> [Finding] {
        let log = facts.window.kernelLog
        let sinceStart = container.firstCounters?.memory?.oomKillCount ?? 0
        let kills = max(sinceStart, UInt64(logged.count))
        guard kills > 0 else { return [] }
        let name = container.displayName
        let victims = logged.suffix(5).map {
            "\($0.comm ?? "?") (PID \($0.pid.map(String.init) ?? "?")) \(log.beforeWindowText($0))"
        }
        var evidence = [
            Evidence("OOM kills before the window", Double(kills), "processes", threshold: 1, comparison: ">=")
        ]
        if sinceStart > 0 {
            evidence.append(
                Evidence(
                    "OOM kills since it started (cgroup counter, at the window's start)", Double(sinceStart),
                    "processes"))
        }
        if let last = logged.last, let start = log.windowStartSecondsSinceBoot {
            evidence.append(
                Evidence("last OOM kill logged before the window", max(0, start - last.secondsSinceBoot), "s before it")
            )
        }
        let lookbackSeconds = log.lookbackSeconds ?? 0
        let lookback =
            lookbackSeconds >= 60 ? "\(fixed(lookbackSeconds / 60, 0)) min" : "\(fixed(lookbackSeconds, 0)) s"
        let when =
            victims.isEmpty
            ? "since it started, before the window (the cgroup counts them; the kernel log of the last \(lookback) has none: older)"
            : "before the window: " + victims.joined(separator: ", ")
        return [
            Finding(
                rule: .memoryOOMKillBeforeWindow, severity: .critical, subject: "container \(name)",
                containerKey: container.key,
                verdict: "The OOM killer killed \(kills) process\(kills == 1 ? "" : "es") of \(name) \(when).",
                evidence: evidence, blame: blame,
                nextCommands: ["periscope stats \(facts.argument(container))", "dmesg -T | grep -i -A3 oom-kill"],
                // Ranked after what happens in the window, among the critical findings.
                method:
                    "USE: memory limit errors before the window (memory.oom_control oom_kill since start, kernel log look-back)",
                score: Double(kills) / 10)
        ]
    }

    /// OOM kills counted by the cgroup between the first and last sample.
    static func oomKills(_ container: ObservedContainer, _ facts: WindowFacts) -> UInt64 {
        guard let before = container.firstCounters?.memory?.oomKillCount,
            let after = container.lastCounters?.memory?.oomKillCount
        else { return 0 }
        return RateCalculator.increase(from: before, to: after).amount
    }

    static func pids(_ container: ObservedContainer, _ facts: WindowFacts) -> [Finding] {
        guard let pids = container.intervals.last?.pids, let current = pids.current, let limit = pids.limit, limit > 0
        else { return [] }
        let percent = Double(current) / Double(limit) * 100
        guard percent >= facts.thresholds.pidsLimitPercent else { return [] }
        return [
            Finding(
                rule: .pidsNearLimit, severity: .warning, subject: "container \(container.displayName)",
                containerKey: container.key,
                verdict:
                    "\(container.displayName) runs \(current) tasks of its \(limit) PIDs limit: new threads and processes will fail with EAGAIN.",
                evidence: [
                    Evidence(
                        "tasks of pids.max", percent, "%", threshold: facts.thresholds.pidsLimitPercent,
                        comparison: ">=")
                ],
                blame: Blame(
                    .container, container: container.displayName,
                    explanation: "its own PIDs limit (docker --pids-limit)"),
                nextCommands: ["periscope ps --processes"], method: "USE: PIDs limit utilisation",
                score: percent / max(facts.thresholds.pidsLimitPercent, 1e-9))
        ]
    }

    /// One device's throttle use: the larger of bps and IOPS use against their limits.
    struct ThrottleUse {
        var device: BlockDeviceNumber
        var kind: String
        var rate: Series
        var limit: Double
        var percent: Double
    }

    static func throttleUses(_ container: ObservedContainer, _ facts: WindowFacts) -> [ThrottleUse] {
        guard let limits = container.intervals.last?.blockIOLimits else { return [] }
        var uses: [ThrottleUse] = []
        for limit in limits {
            func series(_ metric: (CgroupBlockIORates) -> Double) -> Series {
                facts.series(container) { rates in rates.blockIO?.first { $0.device == limit.device }.map(metric) ?? 0 }
            }
            let candidates: [(String, UInt64?, Series)] = [
                ("write IOPS", limit.writeOperationsPerSecond, series { $0.writeOperationsPerSecond.perSecond }),
                ("read IOPS", limit.readOperationsPerSecond, series { $0.readOperationsPerSecond.perSecond }),
                ("write bytes/s", limit.writeBytesPerSecond, series { $0.writtenBytesPerSecond.perSecond }),
                ("read bytes/s", limit.readBytesPerSecond, series { $0.readBytesPerSecond.perSecond })
            ]
            for (kind, value, rate) in candidates {
                guard let value, value > 0 else { continue }
                uses.append(
                    ThrottleUse(
                        device: limit.device, kind: kind, rate: rate, limit: Double(value),
                        percent: rate.mean / Double(value) * 100))
            }
        }
        return uses.sorted { $0.percent > $1.percent }
    }

    static func blockIOThrottle(_ container: ObservedContainer, _ facts: WindowFacts) -> [Finding] {
        guard let use = throttleUses(container, facts).first, use.percent >= facts.thresholds.throttleUtilizationPercent
        else { return [] }
        let name = container.displayName
        let device = deviceName(use.device, facts)
        return [
            Finding(
                rule: .blkioThrottleSaturated, severity: .warning, subject: "container \(name)",
                containerKey: container.key,
                verdict:
                    "\(name)'s \(use.kind) on \(device) sits at a floor of \(formatRate(use.rate.mean, use.kind)), \(fixed(use.percent, 0))% of its block I/O throttle: its I/O queues behind the limit, not the device.",
                evidence: [
                    Evidence(
                        "\(use.kind) of throttle", use.percent, "%",
                        threshold: facts.thresholds.throttleUtilizationPercent, comparison: ">="),
                    Evidence(use.kind, series: use.rate, unit: use.kind.hasSuffix("IOPS") ? "op/s" : "B/s"),
                    Evidence("throttle", use.limit, use.kind.hasSuffix("IOPS") ? "op/s" : "B/s")
                ],
                blame: Blame(
                    .container, container: name,
                    explanation:
                        "its own block I/O throttle (docker --device-write-iops/--device-write-bps, blkio.throttle.*, io.max)"
                ),
                nextCommands: ["periscope stats \(facts.argument(container))"],
                method: "USE: block I/O throttle utilisation",
                score: use.percent / max(facts.thresholds.throttleUtilizationPercent, 1e-9))
        ]
    }

    static func deviceName(_ device: BlockDeviceNumber, _ facts: WindowFacts) -> String {
        facts.window.host.last?.disks.first { $0.device == device }?.name ?? "\(device)"
    }

    static func formatRate(_ value: Double, _ kind: String) -> String {
        kind.hasSuffix("IOPS") ? "\(fixed(value, 1)) op/s" : "\(byteCount(value))/s"
    }

    static func network(_ container: ObservedContainer, _ facts: WindowFacts) -> [Finding] {
        guard !container.sharesHostNetwork, !container.tcp.isEmpty else { return [] }
        let limits = facts.thresholds
        let percent = Series(container.tcp.map(\.retransmittedPercent))
        let retransmits = Series(container.tcp.map(\.segmentsRetransmittedPerSecond.perSecond))
        var findings: [Finding] = []
        if percent.mean >= limits.retransmitPercent, retransmits.mean >= limits.retransmitsPerSecond {
            findings.append(
                Finding(
                    rule: .networkRetransmits, severity: .warning, subject: "container \(container.displayName)",
                    containerKey: container.key,
                    verdict:
                        "\(fixed(percent.mean, 1))% of \(container.displayName)'s TCP segments are retransmitted: loss on its path or a slow peer.",
                    evidence: [
                        Evidence(
                            "retransmitted", series: percent, unit: "% of sent", threshold: limits.retransmitPercent,
                            comparison: ">="),
                        Evidence(
                            "retransmits", series: retransmits, unit: "/s", threshold: limits.retransmitsPerSecond,
                            comparison: ">=")
                    ],
                    blame: Blame(
                        .container, container: container.displayName,
                        neighbours: HostRules.networkUsers(facts).filter { $0.name != container.displayName },
                        explanation:
                            "its own connections (its network namespace's counters); the other containers' traffic is listed"
                    ),
                    nextCommands: ["periscope enter \(facts.argument(container)) -- ss -ti"],
                    method: "USE: network errors per container (/proc/PID/net/snmp)",
                    score: percent.mean / max(limits.retransmitPercent, 1e-9)))
        }
        let drops = Series(
            container.network.map {
                $0.filter { $0.interface != "lo" }.reduce(0) {
                    $0 + $1.receiveDropsPerSecond.perSecond + $1.transmitDropsPerSecond.perSecond
                }
            })
        if drops.mean >= limits.networkDropsPerSecond, drops.mean > 0 {
            findings.append(
                Finding(
                    rule: .networkDrops, severity: .warning, subject: "container \(container.displayName)",
                    containerKey: container.key,
                    verdict: "\(container.displayName)'s interfaces drop \(fixed(drops.mean, 1)) packets per second.",
                    evidence: [
                        Evidence(
                            "rx + tx drops", series: drops, unit: "/s", threshold: limits.networkDropsPerSecond,
                            comparison: ">=")
                    ],
                    blame: Blame(
                        .container, container: container.displayName,
                        neighbours: HostRules.networkUsers(facts).filter { $0.name != container.displayName },
                        explanation: "its own network namespace's interfaces; the other containers' traffic is listed"),
                    nextCommands: ["periscope stats \(facts.argument(container))"],
                    method: "USE: network saturation per container (/proc/PID/net/dev)",
                    score: drops.mean / max(limits.networkDropsPerSecond, 1e-9)))
        }
        return findings
    }
}
