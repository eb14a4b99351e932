import ResourceMetrics

/// Turns an observation window into a ranked diagnosis. Pure: reads no file, so every
/// rule is tested on synthetic windows.
package struct Diagnoser: Sendable {
    /// The thresholds the rules compare against.
    package var thresholds: Thresholds

    /// Creates a diagnoser with `thresholds`.
    package init(thresholds: Thresholds = Thresholds()) { self.thresholds = thresholds }

    /// Runs every rule on `window`.
    package func diagnose(_ window: ObservationWindow) -> DiagnosisReport {
        let facts = WindowFacts(window: window, thresholds: thresholds)
        var limitations = window.limitations
        var verdicts: [CPUVerdict] = []
        var findings: [Finding] = []
        for container in facts.sampledContainers {
            let (verdict, finding) = CPUBottleneckTree.evaluate(container, facts: facts)
            verdicts.append(verdict)
            if let finding { findings.append(finding) }
        }
        findings += HostRules.findings(facts)
        findings += ContainerRules.findings(facts)
        findings += StorageStallRules.findings(facts)
        findings += KernelLogRules.findings(facts)
        findings += RealTimeRules.findings(facts)

        // Asked about some containers: keep theirs and the host's, drop other containers' own problems.
        if !window.focus.isEmpty {
            findings = findings.filter { $0.containerKey.map(window.focus.contains) ?? true }
            verdicts = verdicts.filter { window.focus.contains($0.containerKey) }
        }
        findings.sort { ($0.severity, $0.score) > ($1.severity, $1.score) }
        // From inside a container the host's /proc files are still the host's: say so on every host finding.
        if window.viewpoint == .guest {
            for index in findings.indices
            where findings[index].containerKey == nil && findings[index].subject.hasPrefix("host") {
                findings[index].subject += " (host-wide: neighbours included)"
            }
        }

        var status: DiagnosisReport.Status = findings.contains { $0.severity >= .warning } ? .findings : .healthy
        if window.host.isEmpty {
            status = .undiagnosable
            limitations.append("no host sample pair: the window was too short to compute any rate")
        }
        let missing = window.focus.filter { key in !facts.sampledContainers.contains { $0.key == key } }
        if !missing.isEmpty {
            status = .undiagnosable
            limitations.append(
                "no counters for \(missing.map(\.description).joined(separator: ", ")): it stopped or its cgroup is unreadable"
            )
        }
        return DiagnosisReport(
            status: status, viewpoint: window.viewpoint.rawValue, hostname: window.hostname,
            durationSeconds: window.durationSeconds,
            findings: findings, cpuVerdicts: verdicts, checklist: Checklist.lines(facts, findings: findings),
            use: USETable.rows(facts, findings: findings), storageProbe: window.storageProbe, limitations: limitations,
            thresholds: thresholds)
    }
}
