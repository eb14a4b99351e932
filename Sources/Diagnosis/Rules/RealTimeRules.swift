import LinuxHost
import Reporting
import ResourceMetrics

/// Real-time scheduling in containers (the Red Hat container performance posts, "Using SCHED_FIFO in Docker containers"):
///
/// - `rt.budget-throttled`: a container's SCHED_FIFO/SCHED_RR threads used their RT budget
///   (v1 `cpu.rt_runtime_us` per `cpu.rt_period_us` on each CPU, the tightest of the cgroup
///   and its ancestors; the host's `sched_rt_runtime_us` without group scheduling) and wait on
///   the run queue for the next period. The kernel's once-per-boot "sched: RT throttling
///   activated" is attributed to it when it falls in the window.
/// - `rt.starving-neighbours`: one RT thread keeps a CPU busy: every CFS task of that CPU
///   (other containers' included) runs only when it lets it, whatever their shares.
enum RealTimeRules {
    static func findings(_ facts: WindowFacts) -> [Finding] {
        var findings: [Finding] = []
        for container in facts.sampledContainers where container.realtimeThreads.contains(where: { !$0.isEmpty }) {
            if let finding = budgetThrottled(container, facts) { findings.append(finding) }
            findings += starvingNeighbours(container, facts)
        }
        let logged = facts.window.kernelLog.events.filter { $0.kind == .rtThrottling }
        if !logged.isEmpty, !findings.contains(where: { $0.ruleID == .rtBudgetThrottled }) {
            findings.append(
                Finding(
                    rule: .rtThrottlingLogged, severity: .info, subject: "host kernel",
                    verdict:
                        "The kernel logged \"\(logged[0].message)\" in the window: some RT run queue used its whole budget, but no watched container's RT threads were seen waiting for it.",
                    evidence: [
                        Evidence(
                            "RT throttling records", Double(logged.count), "records", threshold: 1, comparison: ">=")
                    ],
                    blame: Blame(
                        .host,
                        explanation:
                            "a SCHED_FIFO/SCHED_RR task of the host or of a short-lived container reached sched_rt_runtime_us or its group's cpu.rt_runtime_us"
                    ),
                    nextCommands: ["ps -eLo pid,tid,cls,rtprio,pcpu,comm | awk '$3 == \"FF\" || $3 == \"RR\"'"],
                    method: "60-second checklist: dmesg | tail (RT throttling)", score: Double(logged.count)))
        }
        return findings
    }

    /// The CPU a thread runs on: the one it is pinned to, else the last one it ran on.
    static func cpu(of thread: RealtimeThreadRates) -> Int? {
        if let allowed = thread.allowedCPUs, allowed.count == 1 { return allowed.cpus[0] }
        return thread.lastCPU.map(Int.init)
    }

    /// The RT budget per CPU that binds the container: the tightest level of its cgroup chain,
    /// or the host's sched_rt_runtime_us without RT group scheduling. Nil when unlimited.
    static func binding(
        _ container: ObservedContainer
    ) -> (fraction: Double, source: String, level: CgroupRealtimeBudget.Level?, isOwn: Bool)? {
        guard let budget = container.realtimeBudget else { return nil }
        if budget.groupScheduling == .present,
            let tightest = budget.levels.min(by: { $0.cpuFractionPerCPU < $1.cpuFractionPerCPU })
        {
            let isOwn = tightest == budget.own
            return (
                tightest.cpuFractionPerCPU,
                "cpu.rt_runtime_us \(tightest.rtRuntimeMicroseconds) µs per cpu.rt_period_us \(tightest.rtPeriodMicroseconds) µs of \(isOwn ? "its cgroup" : tightest.cgroupPath)",
                tightest, isOwn
            )
        }
        guard let runtime = budget.hostRTRuntimeMicroseconds, runtime >= 0,
            let period = budget.hostRTPeriodMicroseconds, period > 0
        else { return nil }
        return (
            min(1, Double(runtime) / Double(period)),
            "the host's kernel.sched_rt_runtime_us \(runtime) µs per \(period) µs", nil, false
        )
    }

    static func budgetThrottled(_ container: ObservedContainer, _ facts: WindowFacts) -> Finding? {
        let limits = facts.thresholds
        guard let (fraction, source, level, isOwn) = binding(container), fraction > 0 else { return nil }
        // Intervals where at least one RT thread has rates (a thread's first sighting has none).
        let measured = container.realtimeThreads.filter { $0.contains { $0.cpuCores != nil } }
        guard !measured.isEmpty else { return nil }
        let wait = Series(measured.map { $0.reduce(0) { $0 + ($1.runQueueWaitSecondsPerSecond ?? 0) } * 1000 })
        // RT CPU on the CPU where the container's RT threads used the most, as % of the budget per CPU.
        let used = Series(
            measured.map { threads in
                var coresByCPU: [Int: Double] = [:]
                for thread in threads { coresByCPU[cpu(of: thread) ?? -1, default: 0] += thread.cpuCores ?? 0 }
                return (coresByCPU.values.max() ?? 0) / fraction * 100
            })
        guard wait.mean >= limits.rtRunQueueWaitMillisecondsPerSecond, used.mean >= limits.rtBudgetUsedPercent else {
            return nil
        }
        let name = container.displayName
        let threads = (measured.last ?? []).filter { $0.cpuCores != nil }
        let named = threads.prefix(3).map { "\($0.comm) (TID \($0.tid), \($0.policy) \($0.rtPriority))" }.joined(
            separator: ", ")
        var evidence = [
            Evidence(
                "RT threads' run-queue wait", series: wait, unit: "ms/s",
                threshold: limits.rtRunQueueWaitMillisecondsPerSecond, comparison: ">="),
            Evidence(
                "RT CPU use of the budget per CPU", series: used, unit: "%", threshold: limits.rtBudgetUsedPercent,
                comparison: ">="),
            Evidence("RT budget per CPU", fraction * 100, "% of a CPU")
        ]
        let logged = facts.window.kernelLog.events.filter { $0.kind == .rtThrottling }
        if !logged.isEmpty {
            evidence.append(Evidence("kernel log: sched: RT throttling activated", Double(logged.count), "records"))
        }
        let raise = level.map { "\($0.cgroupPath)'s budget" } ?? "the host's sched_rt_runtime_us"
        let fix =
            isOwn
            ? "raise it with docker run --cpu-rt-runtime (below the parent's, dockerd --cpu-rt-runtime) or make the RT work fit its budget"
            : "raise \(raise) (dockerd --cpu-rt-runtime for /docker, or cpu.rt_runtime_us) and then the container's with docker run --cpu-rt-runtime"
        let argument = facts.argument(container)
        return Finding(
            rule: .rtBudgetThrottled, severity: .warning, subject: "container \(name)", containerKey: container.key,
            verdict:
                "\(name)'s real-time threads are throttled by their RT budget (\(source), \(fixed(fraction * 100, 1))% of each CPU): \(named.isEmpty ? "they" : named) used it up and waited \(fixed(wait.mean, 0)) ms per second for the next period\(logged.isEmpty ? "" : "; the kernel logged \"sched: RT throttling activated\"").",
            evidence: evidence,
            blame: Blame(
                isOwn ? .container : .host, container: name,
                explanation: "RT group scheduling caps SCHED_FIFO/SCHED_RR time per period: \(fix)"),
            nextCommands: [
                "periscope stats \(argument)",
                "cat /sys/fs/cgroup/cpu\(level?.cgroupPath == "/" ? "" : level?.cgroupPath ?? "")/cpu.rt_runtime_us"
            ],
            method:
                "RT group scheduling: run-queue wait rising while the RT budget is spent (schedstat, cpu.rt_runtime_us)",
            score: wait.mean / max(limits.rtRunQueueWaitMillisecondsPerSecond, 1e-9))
    }

    static func starvingNeighbours(_ container: ObservedContainer, _ facts: WindowFacts) -> [Finding] {
        let limits = facts.thresholds
        var byThread: [Int32: (thread: RealtimeThreadRates, percents: [Double])] = [:]
        for interval in container.realtimeThreads {
            for thread in interval {
                guard let cores = thread.cpuCores else { continue }
                byThread[thread.tid, default: (thread, [])].percents.append(cores * 100)
                byThread[thread.tid]?.thread = thread
            }
        }
        var findings: [Finding] = []
        for (thread, percents) in byThread.values.sorted(by: { $0.thread.tid < $1.thread.tid }) {
            let busy = Series(percents)
            guard busy.mean >= limits.rtThreadCPUPercent, let cpu = cpu(of: thread) else { continue }
            // Neighbours that want CPU there: busy, or waiting (PSI). Their use of this CPU is
            // estimated by spreading it evenly over the CPUs they may use, as the CPU tree does.
            let others = facts.sampledContainers.filter { other in
                guard other.key != container.key, !other.vanishedDuringWindow, facts.cpus(of: other).contains(cpu)
                else { return false }
                let pressure = facts.series(other) {
                    $0.cpuPressure.map { $0.someStalledSecondsPerSecond.perSecond * 100 }
                }
                return facts.usageCores(other) >= limits.busyTenantCores || pressure.mean >= limits.cpuPressurePercent
            }
            var neighbours = others.map { other in
                NeighbourShare(
                    name: other.displayName, kind: "container", resource: "cpu \(cpu)",
                    amount: facts.usageCores(other) / Double(max(1, facts.cpus(of: other).count)), unit: "cores",
                    sharePercent: 0)
            }
            let hostCores = facts.window.hostProcesses.reduce(0) { $0 + $1.cores } / Double(facts.cpuCount)
            if hostCores >= limits.busyTenantCores {
                neighbours.append(
                    NeighbourShare(
                        name: facts.hostProcessesName(), kind: "host", resource: "cpu \(cpu)",
                        amount: hostCores, unit: "cores", sharePercent: 0))
            }
            let total = neighbours.reduce(busy.mean / 100) { $0 + $1.amount }
            for index in neighbours.indices {
                neighbours[index].sharePercent = total > 0 ? neighbours[index].amount / total * 100 : 0
            }
            let cpuBusy = Series(facts.window.host.compactMap { $0.perCPU[cpu]?.busyPercent })
            var evidence = [
                Evidence(
                    "RT thread CPU use", series: busy, unit: "% of CPU \(cpu)", threshold: limits.rtThreadCPUPercent,
                    comparison: ">=")
            ]
            if cpuBusy.count > 0 { evidence.append(Evidence("CPU \(cpu) busy", series: cpuBusy, unit: "%")) }
            // The neighbours' CPU pressure (PSI some): how long their runnable tasks waited.
            for other in others {
                let pressure = facts.series(other) {
                    $0.cpuPressure.map { $0.someStalledSecondsPerSecond.perSecond * 100 }
                }
                if pressure.count > 0 {
                    evidence.append(
                        Evidence("CPU pressure (PSI some) of \(other.displayName)", series: pressure, unit: "%"))
                }
            }
            if let (fraction, _, _, _) = binding(container) {
                evidence.append(Evidence("RT budget per CPU", fraction * 100, "% of a CPU"))
            }
            let name = container.displayName
            let pinned = thread.allowedCPUs?.count == 1 ? "pinned to CPU \(cpu)" : "on CPU \(cpu)"
            let victims = others.map(\.displayName)
            findings.append(
                Finding(
                    rule: .rtStarvingNeighbours, severity: others.isEmpty ? .info : .warning,
                    subject: "container \(name)", containerKey: container.key,
                    verdict:
                        "\(name)'s \(thread.policy) thread \(thread.comm) (TID \(thread.tid), priority \(thread.rtPriority)) \(pinned) kept it \(fixed(busy.mean, 0))% busy: every normal task of CPU \(cpu)\(victims.isEmpty ? "" : ", those of \(victims.joined(separator: ", ")) included,") runs only when it yields, whatever their CPU shares.",
                    evidence: evidence,
                    blame: Blame(
                        .container, container: name, neighbours: neighbours,
                        explanation:
                            "an RT thread always preempts CFS tasks on its CPU; only its RT budget bounds it: give it a CPU of its own (--cpuset-cpus, and keep the others off it) or lower its budget (docker run --cpu-rt-runtime)"
                    ),
                    nextCommands: [
                        "periscope stats \(facts.argument(container))", "chrt -p \(thread.tid)",
                        "taskset -pc \(thread.tid)"
                    ],
                    method: "RT scheduling: a SCHED_FIFO/SCHED_RR thread busy on a CPU shared with other tenants",
                    score: busy.mean / max(limits.rtThreadCPUPercent, 1e-9)))
        }
        return findings
    }
}
