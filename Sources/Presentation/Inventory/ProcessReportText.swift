import ContainerInventory
import LinuxHost
import Reporting

/// Renders `periscope pid`: which container a process belongs to, its PID at each namespace
/// level, its namespaces (those shared with the host marked) and its cgroups.
package enum ProcessReportText {
    /// The report as text: container, hostname, state, the NSpid chain, then tables of namespaces and cgroups.
    package static func render(_ report: ProcessReport, style: TerminalStyle) -> String {
        let container = report.container
        var lines: [String] = []
        let command = report.commandLine.isEmpty ? "[\(report.comm)]" : report.commandLine.joined(separator: " ")
        lines.append(style.bold("PID \(report.pid)") + "  \(command)")
        if container.key.isHost {
            lines.append("  container    none (host process)")
        } else {
            var what = "\(container.runtime.rawValue) \(container.id)"
            if let image = container.image { what += ", image \(image)" }
            lines.append("  container    \(container.displayName)  (\(what))")
            if let pod = container.pod {
                lines.append(
                    "  pod          \(pod.namespace ?? "?")/\(pod.name ?? "?")  (uid \(pod.uid)\(pod.qosClass.map { ", \($0)" } ?? ""))"
                )
            }
        }
        lines.append("  hostname     \(report.hostname ?? "unknown (joining the UTS namespace needs root)")")
        lines.append(
            "  state        \(report.state)  ppid \(report.parentPID)  threads \(report.threadCount)  started \(HumanDuration.format(seconds: report.ageSeconds)) ago"
        )
        let chain = report.namespacePIDs.enumerated().map { index, pid in
            index == 0
                ? "\(pid) (host)"
                : index == report.namespacePIDs.count - 1 ? "\(pid) (container)" : "\(pid) (level \(index))"
        }
        lines.append("  NSpid        \(chain.joined(separator: " -> "))")
        lines.append("  namespaces")
        var namespaceTable = TextTable(columns: [.init("    KIND"), .init("INODE", .right), .init("")])
        for kind in report.namespaces.kinds {
            let shared = report.namespacesSharedWithHost.contains(kind)
            let note =
                container.key.isHost || !NamespaceKind.containerKinds.contains(kind)
                ? "" : shared ? "shared with host" : "own"
            namespaceTable.append([
                .init("    " + kind.rawValue), .init(String(report.namespaces[kind]!)),
                .init(note, highlighted: shared && !container.key.isHost)
            ])
        }
        lines.append(
            contentsOf: namespaceTable.render(style: style).split(separator: "\n").dropFirst().map(String.init))
        lines.append("  cgroups")
        var cgroupTable = TextTable(columns: [.init("    HIERARCHY"), .init("PATH")])
        for entry in report.cgroups { cgroupTable.append(["    " + entry.hierarchy, entry.path]) }
        lines.append(contentsOf: cgroupTable.render().split(separator: "\n").dropFirst().map(String.init))
        return lines.joined(separator: "\n") + "\n"
    }
}
