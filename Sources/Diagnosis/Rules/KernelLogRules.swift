import ResourceMetrics

/// `dmesg | tail` of the 60-second checklist, evaluated: each OOM kill, hung task and I/O
/// error in the window, or in the look-back before it (marked so, with its time), is a
/// finding; OOM kills of a container are reported with its memory (ContainerRules), the rest here.
enum KernelLogRules {
    static func findings(_ facts: WindowFacts) -> [Finding] {
        let log = facts.window.kernelLog
        var findings: [Finding] = []
        let known = Set(facts.sampledContainers.map(\.key))
        let unattributed = log.events.filter { $0.kind == .oomKill && !($0.container.map(known.contains) ?? false) }
        let unattributedKills = unattributed.filter { !log.isBeforeWindow($0) }
        let earlierKills = unattributed.filter { log.isBeforeWindow($0) }
        var hostKills = unattributedKills.count
        if !log.readable {
            // No kernel log: vmstat's oom_kill counts every kill; those the containers' cgroups counted are theirs.
            // Saturating sums: a saved window is a file, and its counters may be anything.
            let counted = facts.window.host.compactMap(\.oomKillsSinceLastSample).reduce(UInt64(0), saturatingSum)
            let inContainers = facts.sampledContainers.reduce(UInt64(0)) {
                saturatingSum($0, ContainerRules.oomKills($1, facts))
            }
            hostKills = counted > inContainers ? Int(clamping: counted - inContainers) : 0
        }
        if hostKills > 0 {
            let victims = unattributedKills.prefix(5).map {
                "\($0.comm ?? "?") (PID \($0.pid.map(String.init) ?? "?")\($0.container.map { ", \($0.description.prefix(24))" } ?? ""))"
            }
            findings.append(
                Finding(
                    rule: .kernelOOMKill, severity: .critical, subject: "host memory",
                    verdict:
                        "The OOM killer killed \(hostKills) process\(hostKills == 1 ? "" : "es") outside the containers watched\(victims.isEmpty ? "" : ": " + victims.joined(separator: ", ")).",
                    evidence: [Evidence("OOM kills", Double(hostKills), "processes", threshold: 1, comparison: ">=")],
                    blame: Blame(
                        .host,
                        explanation: "host-wide memory ran out, or a cgroup not recognised as a container hit its limit"
                    ),
                    nextCommands: ["dmesg -T | grep -i -B5 -A10 oom-kill"],
                    method: "60-second checklist: dmesg | tail (OOM killer)", score: Double(hostKills)))
        }
        if !earlierKills.isEmpty {
            let victims = earlierKills.suffix(5).map {
                "\($0.comm ?? "?") (PID \($0.pid.map(String.init) ?? "?")\($0.container.map { ", \($0.description.prefix(24))" } ?? "")) \(log.beforeWindowText($0))"
            }
            findings.append(
                Finding(
                    rule: .kernelOOMKillBeforeWindow, severity: .critical, subject: "host memory",
                    verdict:
                        "The OOM killer killed \(earlierKills.count) process\(earlierKills.count == 1 ? "" : "es") outside the containers watched before the window: \(victims.joined(separator: ", ")).",
                    evidence: [
                        Evidence(
                            "OOM kills before the window", Double(earlierKills.count), "processes", threshold: 1,
                            comparison: ">=")
                    ],
                    blame: Blame(
                        .host,
                        explanation:
                            "host-wide memory ran out, or a cgroup not recognised as a container (or one that is gone) hit its limit"
                    ),
                    nextCommands: ["dmesg -T | grep -i -B5 -A10 oom-kill"],
                    method: "60-second checklist: dmesg | tail (OOM killer, look-back)",
                    score: Double(earlierKills.count) / 10))
        }
        let hung = log.events.filter { $0.kind == .hungTask }
        if !hung.isEmpty {
            let names = hung.prefix(5).map { "\($0.comm ?? "?"):\($0.pid.map(String.init) ?? "?")" }
            findings.append(
                Finding(
                    rule: .kernelHungTask, severity: .critical, subject: "host kernel",
                    verdict:
                        "The kernel reported \(hung.count) task\(hung.count == 1 ? "" : "s") blocked in D beyond the hung-task timeout \(when(hung, log)): \(names.joined(separator: ", ")).",
                    evidence: [
                        Evidence("hung task reports", Double(hung.count), "reports", threshold: 1, comparison: ">=")
                    ],
                    blame: Blame(.host, explanation: "a kernel wait (usually storage) that never completed in time"),
                    nextCommands: ["dmesg -T | grep -A20 'blocked for more than'"],
                    method: "60-second checklist: dmesg | tail (hung tasks)", score: Double(hung.count)))
        }
        let ioErrors = log.events.filter { $0.kind == .ioError }
        for (device, events) in Dictionary(grouping: ioErrors, by: { $0.device ?? "unknown device" }).sorted(by: {
            $0.key < $1.key
        }) {
            findings.append(
                Finding(
                    rule: .kernelIOError, severity: .critical, subject: "device \(device)",
                    verdict:
                        "\(events.count) I/O error\(events.count == 1 ? "" : "s") on \(device) \(when(events, log)): \(events[0].message)",
                    evidence: [Evidence("I/O errors", Double(events.count), "records", threshold: 1, comparison: ">=")],
                    blame: Blame(.host, explanation: "the device or its transport failed requests"),
                    nextCommands: ["dmesg -T | grep -i 'I/O error'", "smartctl -a /dev/\(device)"],
                    method: "USE: storage errors (kernel log)", score: Double(events.count)))
        }
        let errors = log.events.filter { $0.kind == .error }
        if !errors.isEmpty {
            findings.append(
                Finding(
                    rule: .kernelError, severity: .info, subject: "host kernel",
                    verdict:
                        "The kernel logged \(errors.count) error message\(errors.count == 1 ? "" : "s") \(when(errors, log)), the last: \(errors.last!.message)",
                    evidence: [Evidence("error records", Double(errors.count), "records")],
                    blame: Blame(.host, explanation: "kernel messages at level err or worse"),
                    nextCommands: ["dmesg -T --level=emerg,alert,crit,err | tail"],
                    method: "60-second checklist: dmesg | tail", score: Double(errors.count)))
        }
        return findings
    }

    /// "in the window", "before the window (the last 5.2 s before the window (09:50:03 UTC))",
    /// or "in the window and 2 before it".
    static func when(_ events: [KernelLogEvent], _ log: KernelLogObservation) -> String {
        let earlier = events.filter(log.isBeforeWindow)
        if earlier.isEmpty { return "in the window" }
        if earlier.count == events.count {
            return "before the window (the last \(log.beforeWindowText(earlier.last!)))"
        }
        return "in the window and \(earlier.count) before it"
    }
}
