import Diagnosis
import Reporting

/// Renders a diagnosis for a terminal: findings first (most urgent first), then the CPU
/// tree per container, the 60-second checklist and the USE table.
package struct DiagnosisTextRenderer: Sendable {
    /// Bold/colour escape sequences, or none.
    package var useColor: Bool
    /// Show every checklist line and USE row, not only those with findings.
    package var verbose: Bool

    /// Creates a renderer.
    package init(useColor: Bool = false, verbose: Bool = false) {
        self.useColor = useColor
        self.verbose = verbose
    }

    /// The whole report as text.
    package func render(_ report: DiagnosisReport) -> String {
        var lines: [String] = []
        let status: String
        switch report.status {
        case .healthy: status = "healthy: nothing needs attention"
        case .findings:
            let count = report.findings.filter { $0.severity >= .warning }.count
            status = "\(count) finding\(count == 1 ? "" : "s") need\(count == 1 ? "s" : "") attention"
        case .undiagnosable: status = "could not diagnose"
        }
        lines.append(
            bold("periscope diagnose")
                + "  \(report.hostname)  \(fixed(report.durationSeconds, 1)) s \(report.viewpoint == "guest" ? "from inside a container" : "from the host"): \(status)"
        )
        for (index, finding) in report.findings.enumerated() {
            lines.append("")
            lines.append(
                bold("\(index + 1). [\(finding.severity.rawValue.uppercased())] \(finding.subject)") + ": "
                    + finding.verdict)
            for evidence in finding.evidence { lines.append("     " + Self.text(evidence)) }
            lines.append("     whose fault: " + blameText(finding.blame))
            for neighbour in finding.blame.neighbours.prefix(5) {
                lines.append(
                    "       - \(neighbour.name) (\(neighbour.kind)): \(fixed(neighbour.amount, 2)) \(neighbour.unit), \(fixed(neighbour.sharePercent, 0))% of \(neighbour.resource)"
                )
            }
            lines.append("     method: \(finding.method)")
            lines.append("     next: " + finding.nextCommands.joined(separator: "  |  "))
        }
        if !report.cpuVerdicts.isEmpty {
            lines.append("")
            lines.append(bold("CPU bottleneck tree") + " (per container)")
            // Many containers: the throttled ones, and a count of the rest.
            let shown =
                verbose || report.cpuVerdicts.count <= 8
                ? report.cpuVerdicts : report.cpuVerdicts.filter { $0.outcome != .notThrottled }
            for verdict in shown {
                lines.append(
                    "  \(verdict.container): \(verdict.outcome.rawValue) — " + verdict.path.joined(separator: "; "))
            }
            if shown.count < report.cpuVerdicts.count {
                lines.append(
                    "  (\(report.cpuVerdicts.count - shown.count) more containers not throttled; --full lists them)")
            }
        }
        lines.append("")
        lines.append(bold("60-second checklist"))
        for line in report.checklist {
            let mark = !line.measured ? "?" : (line.findingRules.isEmpty ? "ok" : "!!")
            lines.append("  \(pad(mark, 2)) \(pad(line.command, 18)) \(line.summary)")
        }
        if let probe = report.storageProbe {
            let result =
                probe.failure
                ?? "\(probe.latenciesMilliseconds.count) of \(probe.writesPlanned) writes of \(byteCount(Double(probe.blockBytes))) in \(fixed(probe.totalSeconds, 2)) s, median \(fixed(probe.medianMilliseconds ?? 0, 1)) ms, slowest \(fixed(probe.maximumMilliseconds ?? 0, 1)) ms"
            lines.append(
                "  \(pad(report.findings.contains { $0.ruleID == .storageSyncWriteSlow } ? "!!" : "ok", 2)) \(pad("dd oflag=sync", 18)) \(probe.directory): \(result)"
            )
        }
        let useRows = report.use.filter { verbose || !$0.findingRules.isEmpty }
        if !useRows.isEmpty {
            lines.append("")
            lines.append(bold("USE") + (verbose ? "" : " (resources with findings; --full for all)"))
            for row in useRows {
                // The cell each finding reports is marked: `S! throttled 495.3 ms/s`.
                let flagged = row.flaggedMetrics
                func cell(_ letter: String, _ metric: USEMetric, _ text: String) -> String {
                    flagged.contains(metric) ? bold("\(letter)! \(text)") : "\(letter) \(text)"
                }
                let cells = [
                    cell("U", .utilization, row.utilization), cell("S", .saturation, row.saturation),
                    cell("E", .errors, row.errors)
                ]
                lines.append(
                    "  \(pad(row.findingRules.isEmpty ? "ok" : "!!", 2)) \(row.owner) \(row.resource): "
                        + cells.joined(separator: "; "))
            }
        }
        if !report.limitations.isEmpty {
            lines.append("")
            lines.append(bold("Limitations"))
            for limitation in report.limitations { lines.append("  - " + limitation) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "throttled time 495.3 ms/s (first 490.1 → last 498.2; threshold >= 10)".
    package static func text(_ evidence: Evidence) -> String {
        if evidence.unit.isEmpty { return evidence.metric }
        var text = "\(evidence.metric) \(number(evidence.value)) \(evidence.unit)"
        var details: [String] = []
        if let first = evidence.first, let last = evidence.last {
            details.append("first \(number(first)) → last \(number(last))")
        }
        if let threshold = evidence.threshold {
            details.append("threshold \(evidence.comparison ?? ">=") \(number(threshold))")
        }
        if !details.isEmpty { text += " (" + details.joined(separator: "; ") + ")" }
        return text
    }

    private static func number(_ value: Double) -> String {
        let magnitude = abs(value)
        return fixed(value, magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2)
    }

    private func blameText(_ blame: Blame) -> String {
        let who: String
        switch blame.party {
        case .container: who = "this container" + (blame.container.map { " (\($0))" } ?? "")
        case .neighbour: who = "neighbours"
        case .host: who = "the host"
        }
        return "\(who): \(blame.explanation)"
    }

    private func bold(_ text: String) -> String { useColor ? "\u{1B}[1m\(text)\u{1B}[0m" : text }

    private func pad(_ text: String, _ width: Int) -> String { text.padded(toWidth: width) }
}
