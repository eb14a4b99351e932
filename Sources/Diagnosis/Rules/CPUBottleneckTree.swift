import Reporting
import ResourceMetrics

/// The CPU bottleneck identification tree of "Container Performance Analysis" ("Container Performance Analysis" (DockerCon 2017),
/// slide 49), for one container:
///
/// 1. throttled_time increasing? yes → **cap throttled** (B)
/// 1a. wants CPU (uses some, or its own CPU PSI says it waits)? no → **not throttled** (D):
///    a few preemptions per second of a container that uses almost no CPU make a huge
///    per-CPU-second rate, but an idle container is not held back.
/// 2. involuntary context switches increasing? no → **not throttled** (D)
/// 3. host has idle CPU? yes → **not throttled** (D, "but dig further")
/// 4. all other tenants idle? yes → **physical CPU throttled** (A); no → **share throttled** (C)
///
/// "Host has idle CPU" is judged on the CPUs the container may run on (its cpuset): idle
/// CPUs it cannot use do not help it. "Other tenants" are the other containers whose
/// cpusets overlap those CPUs and the host's own processes (busy CPU on those CPUs not
/// accounted to any container).
enum CPUBottleneckTree {
    static func evaluate(_ container: ObservedContainer, facts: WindowFacts) -> (verdict: CPUVerdict, finding: Finding?)
    {
        let limits = facts.thresholds
        let throttled = facts.series(container) { $0.cpu.throttledSecondsPerSecond.map { $0.perSecond * 1000 } }
        let throttledPeriods = facts.series(container) { $0.cpu.throttledPercentOfPeriods }
        let usage = facts.series(container) { $0.cpu.usageCores?.perSecond }
        let cap = container.intervals.last?.cpu.capCores
        let involuntary = Series(container.contextSwitches.map(\.involuntaryPerSecond))
        let cpus = facts.cpus(of: container)
        let idle = facts.idlePercent(on: cpus)
        let name = container.displayName
        var path: [String] = []
        var evidence: [Evidence] = [
            Evidence("CPU used", series: usage, unit: "cores")
        ]
        if let cap { evidence.append(Evidence("CPU cap", cap, "cores")) }
        func verdict(_ outcome: CPUVerdict.Outcome) -> CPUVerdict {
            CPUVerdict(
                containerKey: container.key, container: name, outcome: outcome, path: path, usageCores: usage.mean,
                capCores: cap)
        }
        let nextCommands = [
            "periscope stats \(facts.argument(container))",
            "periscope profile --container \(facts.argument(container)) -d 10 --svg \(facts.argument(container)).svg"
        ]

        // 1. throttled_time increasing?
        let isThrottled = throttled.count > 0 && throttled.mean >= limits.throttledMillisecondsPerSecond
        path.append(
            "throttled_time increasing? \(isThrottled ? "yes" : "no") (\(fixed(throttled.mean, 1)) ms/s \(isThrottled ? ">=" : "<") \(fixed(limits.throttledMillisecondsPerSecond, 1)))"
        )
        evidence.append(
            Evidence(
                "throttled time", series: throttled, unit: "ms/s", threshold: limits.throttledMillisecondsPerSecond,
                comparison: ">="))
        if isThrottled {
            evidence.append(Evidence("throttled periods", series: throttledPeriods, unit: "%"))
            evidence.append(Evidence("involuntary context switches", series: involuntary, unit: "/s"))
            // Its throttled tasks count as CPU stalls in its own PSI and in the host's: that stall is its cap's.
            let pressure = facts.series(container) {
                $0.cpuPressure.map { $0.someStalledSecondsPerSecond.perSecond * 100 }
            }
            if pressure.count > 0 {
                evidence.append(
                    Evidence("CPU pressure (PSI some, throttled time included)", series: pressure, unit: "%"))
            }
            let capText = cap.map { "its CPU cap of \(fixed($0, 2)) cores" } ?? "its CPU cap"
            let finding = Finding(
                rule: .cpuCapThrottled, severity: .warning, subject: "container \(name)", containerKey: container.key,
                verdict:
                    "\(name) is cap throttled: it wanted more CPU than \(capText) and waited \(fixed(throttled.mean, 0)) ms per second for the next CFS period.",
                evidence: evidence,
                blame: Blame(
                    .container, container: name,
                    explanation:
                        "its own CPU cap (docker --cpus / cpu.cfs_quota_us) limits it, whatever the host has free; raise the cap or reduce its work"
                ),
                nextCommands: nextCommands,
                method: "CPU bottleneck tree (slide 49): throttled_time increasing → cap throttled",
                score: throttled.mean / max(limits.throttledMillisecondsPerSecond, 1e-9))
            return (verdict(.capThrottled), finding)
        }

        // 1a. does it want CPU? Without demand, preemptions say nothing about being held back.
        let pressure = facts.series(container) { $0.cpuPressure.map { $0.someStalledSecondsPerSecond.perSecond * 100 } }
        let usesCPU = usage.mean >= limits.demandCores
        let waitsForCPU = pressure.count > 0 && pressure.mean >= limits.cpuPressurePercent
        let pressureText =
            pressure.count > 0
            ? "CPU pressure \(fixed(pressure.mean, 1))% \(waitsForCPU ? ">=" : "<") \(fixed(limits.cpuPressurePercent, 1))"
            : "no CPU pressure (PSI) readable"
        path.append(
            "wants CPU? \(usesCPU || waitsForCPU ? "yes" : "no") (\(fixed(usage.mean, 3)) cores used \(usesCPU ? ">=" : "<") \(fixed(limits.demandCores, 3)); \(pressureText))"
        )
        guard usesCPU || waitsForCPU else { return (verdict(.notThrottled), nil) }

        // 2. involuntary context switches increasing?
        let perCPUSecond = usage.mean > 0 ? involuntary.mean / usage.mean : 0
        let isPreempted =
            involuntary.count > 0
            && (involuntary.mean >= limits.involuntarySwitchesPerSecond
                || (perCPUSecond >= limits.involuntarySwitchesPerCPUSecond
                    && involuntary.mean >= limits.involuntarySwitchesPerSecond / 10))
        path.append(
            "nonvoluntary context switches increasing? \(isPreempted ? "yes" : "no") (\(fixed(involuntary.mean, 0))/s, \(fixed(perCPUSecond, 0)) per CPU-second used; thresholds \(fixed(limits.involuntarySwitchesPerSecond, 0))/s or \(fixed(limits.involuntarySwitchesPerCPUSecond, 0)) per CPU-second)"
        )
        evidence.append(
            Evidence(
                "involuntary context switches per CPU-second used", perCPUSecond, "/CPU-s",
                threshold: limits.involuntarySwitchesPerCPUSecond, comparison: ">="))
        evidence.append(
            Evidence(
                "involuntary context switches", series: involuntary, unit: "/s",
                threshold: limits.involuntarySwitchesPerSecond, comparison: ">="))
        guard isPreempted else { return (verdict(.notThrottled), nil) }

        // 3. host has idle CPU (on the container's CPUs)?
        let hasIdle = idle.mean >= limits.idleCPUPercent
        let cpuText = cpus.count == facts.allCPUs.count ? "the host's CPUs" : "its CPUs \(cpuListText(cpus))"
        path.append(
            "host has idle CPU? \(hasIdle ? "yes" : "no") (\(fixed(idle.mean, 1))% idle on \(cpuText) \(hasIdle ? ">=" : "<") \(fixed(limits.idleCPUPercent, 1)))"
        )
        evidence.append(
            Evidence("idle on \(cpuText)", series: idle, unit: "%", threshold: limits.idleCPUPercent, comparison: "<"))
        guard !hasIdle else { return (verdict(.notThrottled), nil) }

        // 4. all other tenants idle?
        let neighbours = cpuNeighbours(of: container, cpus: cpus, facts: facts)
        let busy = neighbours.filter { $0.amount >= limits.busyTenantCores }
        path.append(
            "all other tenants idle? \(busy.isEmpty ? "yes" : "no") (\(busy.isEmpty ? "none" : busy.map { "\($0.name) \(fixed($0.amount, 2)) cores" }.joined(separator: ", ")) at >= \(fixed(limits.busyTenantCores, 2)) cores)"
        )
        if pressure.count > 0 { evidence.append(Evidence("CPU pressure (PSI some)", series: pressure, unit: "%")) }
        if busy.isEmpty {
            let finding = Finding(
                rule: .cpuPhysicalThrottled, severity: .warning, subject: "container \(name)",
                containerKey: container.key,
                verdict:
                    "\(name) is physical CPU throttled: it keeps \(cpuText) busy by itself and its threads still wait to run.",
                evidence: evidence,
                blame: Blame(
                    .container, container: name,
                    explanation:
                        "no neighbour is busy: its own demand exceeds the CPUs it may use; give it more CPUs (cpuset) or a bigger host"
                ),
                nextCommands: nextCommands,
                method:
                    "CPU bottleneck tree (slide 49): preempted, no idle CPU, other tenants idle → physical CPU throttled",
                score: involuntary.mean / max(limits.involuntarySwitchesPerSecond, 1e-9))
            return (verdict(.physicalCPUThrottled), finding)
        }
        let names = busy.prefix(3).map { "\($0.name) (\(fixed($0.sharePercent, 0))%)" }.joined(separator: ", ")
        let finding = Finding(
            rule: .cpuShareThrottled, severity: .warning, subject: "container \(name)", containerKey: container.key,
            verdict: "\(name) is share throttled: no CPU is idle on \(cpuText) and neighbours take it: \(names).",
            evidence: evidence,
            blame: Blame(
                .neighbour, container: name, neighbours: busy,
                explanation:
                    "its CPU shares/weight give it only part of contended CPUs; the neighbours' share of the busy CPU time is listed"
            ),
            nextCommands: ["periscope top"]
                + busy.compactMap { $0.kind == "container" ? "periscope stats \($0.name)" : nil }.prefix(2) + [
                    nextCommands[0]
                ],
            method: "CPU bottleneck tree (slide 49): preempted, no idle CPU, other tenants busy → share throttled",
            score: involuntary.mean / max(limits.involuntarySwitchesPerSecond, 1e-9))
        return (verdict(.shareThrottled), finding)
    }

    /// Other tenants on `cpus`: containers whose cpuset overlaps them, and host processes
    /// (busy CPU there that no container accounts for), with their share of the busy time.
    static func cpuNeighbours(of container: ObservedContainer, cpus: [Int], facts: WindowFacts) -> [NeighbourShare] {
        let cpuSet = Set(cpus)
        let busyTotal = facts.busyCores(on: cpus).mean
        var accounted = 0.0
        var shares: [NeighbourShare] = []
        for other in facts.sampledContainers where !Set(facts.cpus(of: other)).isDisjoint(with: cpuSet) {
            // A neighbour allowed on more CPUs than these is assumed spread evenly over its CPUs.
            let theirs = facts.cpus(of: other)
            let cores =
                facts.usageCores(other) * Double(theirs.filter(cpuSet.contains).count) / Double(max(1, theirs.count))
            accounted += min(cores, Double(cpus.count))
            guard other.key != container.key else { continue }
            shares.append(
                NeighbourShare(
                    name: other.displayName, kind: "container", resource: "cpu", amount: cores, unit: "cores",
                    sharePercent: busyTotal > 0 ? min(100, cores / busyTotal * 100) : 0))
        }
        if facts.window.viewpoint == .host {
            let residual = max(0, busyTotal - accounted)
            shares.append(
                NeighbourShare(
                    name: facts.hostProcessesName(), kind: "host", resource: "cpu", amount: residual, unit: "cores",
                    sharePercent: busyTotal > 0 ? residual / busyTotal * 100 : 0))
        } else {
            let own = facts.usageCores(container)
            let residual = max(0, busyTotal - own)
            shares.append(
                NeighbourShare(
                    name: "other tenants of the host (invisible from inside)", kind: "host", resource: "cpu",
                    amount: residual,
                    unit: "cores", sharePercent: busyTotal > 0 ? residual / busyTotal * 100 : 0))
        }
        return shares.sorted { ($0.amount, $1.name) > ($1.amount, $0.name) }
    }
}

/// "0-1,4" style.
func cpuListText(_ cpus: [Int]) -> String {
    var parts: [String] = []
    var index = 0
    let sorted = cpus.sorted()
    while index < sorted.count {
        var end = index
        while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
        parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
        index = end + 1
    }
    return parts.joined(separator: ",")
}
