import ContainerInventory
import Reporting
import ResourceMetrics

/// Storage stalls (the Red Hat container performance posts): threads stuck in uninterruptible sleep grouped by container
/// and kernel wait channel, the container's I/O latency estimated from them, I/O
/// pressure, and the synchronous write probe.
enum StorageStallRules {
    /// D-state threads of one container (or the host) waiting in one place.
    struct Group {
        var containerKey: ContainerKey?
        var waitChannel: String
        var threads: [DStateThread]
    }

    static func findings(_ facts: WindowFacts) -> [Finding] {
        dState(facts) + latencyCollapse(facts) + ioPressure(facts) + probe(facts)
    }

    /// Seconds between D-state sweeps as they really ran.
    static func sweepSeconds(_ facts: WindowFacts) -> Double {
        facts.window.dStateSweeps > 0
            ? max(
                facts.window.durationSeconds / Double(facts.window.dStateSweeps),
                facts.window.dStateSweepIntervalSeconds) : facts.window.dStateSweepIntervalSeconds
    }

    static func groups(_ facts: WindowFacts) -> [Group] {
        let limit = facts.thresholds.dStateMilliseconds / 1000
        let sweep = sweepSeconds(facts)
        let stalled = facts.window.dStateThreads.filter { Double($0.samplesInD) * sweep >= limit }
        let grouped = Dictionary(grouping: stalled) {
            "\($0.container?.description ?? "host")|\($0.waitChannel ?? $0.kernelStack.first ?? "?")"
        }
        return grouped.values.map { threads in
            Group(
                containerKey: threads[0].container,
                waitChannel: threads[0].waitChannel ?? threads[0].kernelStack.first ?? "unknown",
                threads: threads.sorted { $0.samplesInD > $1.samplesInD })
        }.sorted { ($0.threads.count, $0.threads[0].samplesInD) > ($1.threads.count, $1.threads[0].samplesInD) }
    }

    static func dState(_ facts: WindowFacts) -> [Finding] {
        let sweep = sweepSeconds(facts)
        return groups(facts).map { group in
            let container = group.containerKey.flatMap { key in facts.window.containers.first { $0.key == key } }
            let owner =
                container?.displayName ?? (group.containerKey.map { String($0.description.prefix(24)) } ?? "the host")
            let timeInD = group.threads.map { Double($0.samplesInD) * sweep }
            let longest = group.threads.map { Double($0.longestRunSamples) * sweep }.max() ?? 0
            let names = group.threads.prefix(4).map {
                "\($0.comm)[\($0.tid)] \(fixed(Double($0.samplesInD) * sweep, 1)) s"
            }.joined(separator: ", ")
            var evidence = [
                Evidence("threads in D", Double(group.threads.count), "threads"),
                Evidence(
                    "time in D (most stalled thread)", timeInD.max() ?? 0, "s",
                    threshold: facts.thresholds.dStateMilliseconds / 1000, comparison: ">="),
                Evidence("longest continuous stay in D", longest, "s")
            ]
            var blame = Blame(
                .host, container: container?.displayName, neighbours: [],
                explanation: "the threads wait for storage; the device or a limit above it is slow")
            var verdictTail = ""
            if let container {
                let ops = facts.series(container) { rates in
                    rates.blockIO?.reduce(0) {
                        $0 + $1.readOperationsPerSecond.perSecond + $1.writeOperationsPerSecond.perSecond
                    }
                }
                let totalInD = timeInD.reduce(0, +)
                // Little's law: requests in flight (threads in D on average) / completion rate = time per request.
                if ops.mean > 0 {
                    let latency = totalInD / facts.window.durationSeconds / ops.mean * 1000
                    evidence.append(
                        Evidence(
                            "I/O latency seen by the container (time in D / op)", latency, "ms",
                            threshold: facts.thresholds.awaitMilliseconds, comparison: ">="))
                    evidence.append(Evidence("its IOPS", series: ops, unit: "op/s"))
                    verdictTail = " (≈ \(fixed(latency, 0)) ms per I/O at \(fixed(ops.mean, 1)) op/s)"
                }
                if let use = ContainerRules.throttleUses(container, facts).first,
                    use.percent >= facts.thresholds.throttleUtilizationPercent
                {
                    evidence.append(
                        Evidence(
                            "\(use.kind) of its block I/O throttle", use.percent, "%",
                            threshold: facts.thresholds.throttleUtilizationPercent, comparison: ">="))
                    blame = Blame(
                        .container, container: container.displayName,
                        explanation:
                            "its own block I/O throttle on \(ContainerRules.deviceName(use.device, facts)) holds its I/O at \(ContainerRules.formatRate(use.rate.mean, use.kind))"
                    )
                } else {
                    blame.neighbours = HostRules.deviceNames(facts).flatMap { HostRules.diskUsers(facts, device: $0) }
                        .filter { $0.name != container.displayName }
                }
            }
            let first = group.threads.map(\.firstSeenSeconds).min() ?? 0
            var next = group.threads.prefix(1).map { "cat /proc/\($0.pid)/task/\($0.tid)/stack" }
            if let container {
                next.insert("periscope stats \(facts.argument(container))", at: 0)
            } else {
                next.append("iostat -xz 1")
            }
            if let stack = group.threads.first(where: { !$0.kernelStack.isEmpty })?.kernelStack {
                evidence.append(Evidence("kernel stack: " + stack.prefix(6).joined(separator: " < "), 0, ""))
            }
            return Finding(
                rule: .storageDState, severity: .warning,
                subject: container.map { "container \($0.displayName)" }
                    ?? (group.containerKey == nil ? "host threads" : "container \(owner)"),
                containerKey: group.containerKey,
                verdict:
                    "\(group.threads.count) thread\(group.threads.count == 1 ? "" : "s") of \(owner) stalled in uninterruptible sleep (D) in \(group.waitChannel) from \(fixed(first, 1)) s into the window: \(names)\(verdictTail).",
                evidence: evidence, blame: blame, nextCommands: next,
                method:
                    "storage stall (Red Hat: Docker operations slowing down): D-state threads sampled every \(fixed(sweep * 1000, 0)) ms, grouped by container and wait channel",
                score: (timeInD.max() ?? 0) / max(facts.thresholds.dStateMilliseconds / 1000, 1e-9))
        }
    }

    /// The burst-budget signature of "Docker operations slowing down on AWS" (Red Hat) seen by
    /// one container: its IOPS fall to a floor while
    /// the latency its I/O sees (threads in D / IOPS, Little's law, per interval) rises.
    static func latencyCollapse(_ facts: WindowFacts) -> [Finding] {
        let limits = facts.thresholds
        return facts.sampledContainers.compactMap { container -> Finding? in
            let opsValues = container.intervals.map { rates in
                rates.blockIO?.reduce(0) {
                    $0 + $1.readOperationsPerSecond.perSecond + $1.writeOperationsPerSecond.perSecond
                } ?? 0
            }
            guard container.averageDStateThreads.count == opsValues.count, opsValues.count >= 3 else { return nil }
            let ops = Series(opsValues)
            let latency = Series(
                zip(container.averageDStateThreads, opsValues).map { threads, rate in
                    rate > 0 ? threads / rate * 1000 : 0
                })
            guard ops.firstThird >= limits.minimumIOPS, ops.lastThird > 0,
                ops.lastThird <= ops.firstThird * (1 - limits.iopsFallPercent / 100),
                latency.lastThird >= limits.awaitMilliseconds,
                latency.lastThird >= max(latency.firstThird, 1e-9) * limits.awaitRiseFactor
            else { return nil }
            let name = container.displayName
            var blame = Blame(
                .host, container: name,
                neighbours: HostRules.deviceNames(facts).flatMap { HostRules.diskUsers(facts, device: $0) }.filter {
                    $0.name != name
                },
                explanation:
                    "the storage under it slowed down (a burst budget or QoS limit ran out), not its own demand")
            if let use = ContainerRules.throttleUses(container, facts).first,
                use.percent >= limits.throttleUtilizationPercent
                    || use.rate.lastThird >= use.limit * limits.throttleUtilizationPercent / 100
            {
                blame = Blame(
                    .container, container: name,
                    explanation:
                        "its own block I/O throttle on \(ContainerRules.deviceName(use.device, facts)) (\(ContainerRules.formatRate(use.limit, use.kind))) now holds it at the floor"
                )
            }
            return Finding(
                rule: .storageLatencyCollapse, severity: .warning, subject: "container \(name)",
                containerKey: container.key,
                verdict:
                    "\(name)'s IOPS fell from \(fixed(ops.firstThird, 0)) to a floor of \(fixed(ops.lastThird, 1)) while the latency its I/O sees rose from \(fixed(latency.firstThird, 1)) to \(fixed(latency.lastThird, 0)) ms: its storage is being throttled, not given more work.",
                evidence: [
                    Evidence(
                        "its IOPS", series: ops, unit: "op/s", threshold: limits.iopsFallPercent,
                        comparison: "fall % >="),
                    Evidence(
                        "I/O latency seen by the container (threads in D / IOPS)", series: latency, unit: "ms",
                        threshold: limits.awaitMilliseconds, comparison: ">="),
                    Evidence("threads in D", series: Series(container.averageDStateThreads), unit: "threads")
                ],
                blame: blame,
                nextCommands: [
                    "periscope stats \(facts.argument(container))", "periscope diagnose --probe-storage PATH"
                ],
                method:
                    "storage stall (Red Hat: Docker operations slowing down): latency rising while IOPS fall to a floor",
                score: latency.lastThird / max(limits.awaitMilliseconds, 1e-9))
        }
    }

    static func ioPressure(_ facts: WindowFacts) -> [Finding] {
        let limit = facts.thresholds.ioPressurePercent
        var findings: [Finding] = []
        for container in facts.sampledContainers {
            let pressure = facts.series(container) {
                $0.ioPressure.map { $0.someStalledSecondsPerSecond.perSecond * 100 }
            }
            guard pressure.count > 0, pressure.mean >= limit else { continue }
            findings.append(
                Finding(
                    rule: .storageIOPressure, severity: .warning, subject: "container \(container.displayName)",
                    containerKey: container.key,
                    verdict: "\(container.displayName)'s tasks waited for I/O \(fixed(pressure.mean, 0))% of the time.",
                    evidence: [
                        Evidence(
                            "I/O pressure (PSI some)", series: pressure, unit: "%", threshold: limit, comparison: ">=")
                    ],
                    blame: Blame(
                        .container, container: container.displayName,
                        explanation: "its I/O is slow: see its D-state threads and block I/O throttle"),
                    nextCommands: ["periscope stats \(facts.argument(container))"],
                    method: "USE: block I/O saturation per container (io.pressure)",
                    score: pressure.mean / max(limit, 1e-9)))
        }
        let host = facts.host { ($0.ioPressure?.someStalledSecondsPerSecond.perSecond ?? 0) * 100 }
        if facts.window.host.contains(where: { $0.ioPressure != nil }), host.mean >= limit,
            facts.window.viewpoint == .host
        {
            findings.append(
                Finding(
                    rule: .hostIOPressure, severity: .warning, subject: "host I/O",
                    verdict: "Some task on the host waited for I/O \(fixed(host.mean, 0))% of the time.",
                    evidence: [
                        Evidence("I/O pressure (PSI some)", series: host, unit: "%", threshold: limit, comparison: ">=")
                    ],
                    blame: Blame(
                        .host,
                        neighbours: HostRules.deviceNames(facts).flatMap { HostRules.diskUsers(facts, device: $0) },
                        explanation: "storage is slow for someone; the containers' I/O is listed"),
                    nextCommands: ["iostat -xz 1"], method: "USE: storage saturation (PSI io)",
                    score: host.mean / max(limit, 1e-9)))
        }
        return findings
    }

    static func probe(_ facts: WindowFacts) -> [Finding] {
        // A probe that failed before its first write (no permission, read-only, full) measured
        // nothing: the recorder lists it among the limitations, never as slow storage.
        guard let probe = facts.window.storageProbe,
            !(probe.failure != nil && probe.latenciesMilliseconds.isEmpty && !probe.stoppedAtTimeLimit)
        else { return [] }
        let limit = facts.thresholds.syncWriteMilliseconds
        let median = probe.medianMilliseconds ?? .infinity
        guard probe.failure != nil || probe.stoppedAtTimeLimit || median >= limit else { return [] }
        var evidence = [
            Evidence("median synchronous write", median, "ms", threshold: limit, comparison: ">="),
            Evidence(
                "writes completed", Double(probe.latenciesMilliseconds.count),
                "of \(probe.writesPlanned) × \(byteCount(Double(probe.blockBytes)))")
        ]
        if let maximum = probe.maximumMilliseconds { evidence.append(Evidence("slowest write", maximum, "ms")) }
        let what =
            probe.failure
            ?? (probe.stoppedAtTimeLimit
                ? "the probe did not finish \(probe.writesPlanned) writes in \(fixed(probe.totalSeconds, 1)) s"
                : "median \(fixed(median, 1)) ms per \(byteCount(Double(probe.blockBytes))) write")
        return [
            Finding(
                rule: .storageSyncWriteSlow, severity: .warning, subject: "file system \(probe.directory)",
                verdict:
                    "Synchronous writes to \(probe.directory) are slow: \(what) (dd oflag=sync should finish in well under 5 s).",
                evidence: evidence,
                blame: Blame(
                    .host,
                    explanation:
                        "the storage under \(probe.directory) (or its QoS budget) is slow for everyone writing there"),
                nextCommands: ["iostat -xz 1", "dd if=/dev/zero of=\(probe.directory)/probe bs=1M count=10 oflag=sync"],
                method: "storage stall (Red Hat: Docker operations slowing down): sync-write probe",
                score: median.isFinite ? median / max(limit, 1e-9) : 10)
        ]
    }
}
