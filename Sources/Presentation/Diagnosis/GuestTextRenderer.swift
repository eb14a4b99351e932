import Diagnosis
import Reporting

/// Renders `periscope inside`'s comparison of real limits and tools' claims.
package enum GuestTextRenderer {
    /// The guest section as text.
    package static func render(_ report: GuestReport) -> String {
        var lines: [String] = []
        lines.append(
            "periscope inside: "
                + (report.insideContainer
                    ? "in a container (\(report.containerSigns.joined(separator: "; ")))"
                    : "no sign of a container: this looks like the host itself"))
        if let path = report.cgroupPath { lines.append("cgroup: \(path)") }
        lines.append("")
        lines.append("What this container really has, and what tools claim from inside it:")
        for comparison in report.comparisons {
            let claims = comparison.claims.sorted { $0.tool < $1.tool }.map { "\($0.tool) \($0.text)" }.joined(
                separator: ", ")
            lines.append("  \(comparison.resource.padded(toWidth: 6)) real: \(comparison.real)")
            lines.append("  \("".padded(toWidth: 6)) tools: \(claims)")
            if let consequence = comparison.consequence { lines.append("  \("".padded(toWidth: 6)) !! \(consequence)") }
        }
        if let realtime = report.realtime {
            lines.append("  real-time \(realtime.summary)")
            for fix in realtime.fixes { lines.append("  \("".padded(toWidth: 6)) fix: \(fix)") }
        }
        lines.append("")
        lines.append("Metrics seen from here:")
        for metric in report.metrics {
            lines.append(
                "  \((metric.isHostWide ? "HOST-WIDE" : "own").padded(toWidth: 9)) \(metric.source): \(metric.explanation)"
            )
        }
        for item in report.unreadable { lines.append("  unreadable: \(item)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
