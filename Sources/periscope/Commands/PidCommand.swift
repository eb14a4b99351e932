import ArgumentParser
import ContainerInventory
import LinuxHost
import Reporting

struct PidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pid",
        abstract: "Show which container a host PID belongs to, its PID in each namespace, its namespaces and cgroups.",
        discussion: """
            The answer to "who does PID 28321 belong to?": the container (name, id, runtime, \
            image), the NSpid chain (the PID at each PID-namespace level, host first), every \
            namespace inode with those shared with the host marked, the cgroup of each hierarchy, \
            and the hostname of its UTS namespace (read by joining it from a private thread, as \
            `nsenter -t PID -u hostname` would; needs root). Changes nothing.
            """
    )

    @OptionGroup var source: InventorySourceOptions

    @Argument(help: "Host PIDs to describe.")
    var pids: [Int32]

    @Flag(help: "Print JSON (an array, one object per PID).")
    var json = false

    func validate() throws {
        if pids.isEmpty { throw ValidationError("give at least one PID") }
        if let bad = pids.first(where: { $0 <= 0 }) { throw ValidationError("'\(bad)' is not a valid PID") }
    }

    func run() throws {
        let logger = source.makeLogger()
        let snapshot = try source.scan(includeProcesses: false, logger: logger)
        var reports: [ProcessReport] = []
        var failures: [String] = []
        for pid in pids {
            do {
                reports.append(try ProcessReport.build(pid: pid, snapshot: snapshot))
            } catch where error.isVanished {
                failures.append("PID \(pid): no such process")
            } catch {
                failures.append("PID \(pid): \(error)")
            }
        }
        if json {
            print(try JSONOutput.encode(reports))
        } else {
            print(reports.map { render($0, style: .standardOutput) }.joined(separator: "\n"), terminator: "")
        }
        for failure in failures { printStandardError("periscope: \(failure)") }
        if !failures.isEmpty { throw ExitCode(1) }
    }

    private func render(_ report: ProcessReport, style: TerminalStyle) -> String {
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
                lines.append("  pod          \(pod.namespace ?? "?")/\(pod.name ?? "?")  (uid \(pod.uid)\(pod.qosClass.map { ", \($0)" } ?? ""))")
            }
        }
        lines.append("  hostname     \(report.hostname ?? "unknown (joining the UTS namespace needs root)")")
        lines.append("  state        \(report.state)  ppid \(report.parentPID)  threads \(report.threadCount)  started \(HumanDuration.format(seconds: report.ageSeconds)) ago")
        let chain = report.namespacePIDs.enumerated().map { index, pid in
            index == 0 ? "\(pid) (host)" : index == report.namespacePIDs.count - 1 ? "\(pid) (container)" : "\(pid) (level \(index))"
        }
        lines.append("  NSpid        \(chain.joined(separator: " -> "))")
        lines.append("  namespaces")
        var namespaceTable = TextTable(columns: [.init("    KIND"), .init("INODE", .right), .init("")])
        for kind in report.namespaces.kinds {
            let shared = report.namespacesSharedWithHost.contains(kind)
            let note = container.key.isHost || !NamespaceKind.containerKinds.contains(kind) ? "" : shared ? "shared with host" : "own"
            namespaceTable.append([.init("    " + kind.rawValue), .init(String(report.namespaces[kind]!)),
                                   .init(note, highlighted: shared && !container.key.isHost)])
        }
        lines.append(contentsOf: namespaceTable.render(style: style).split(separator: "\n").dropFirst().map(String.init))
        lines.append("  cgroups")
        var cgroupTable = TextTable(columns: [.init("    HIERARCHY"), .init("PATH")])
        for entry in report.cgroups { cgroupTable.append(["    " + entry.hierarchy, entry.path]) }
        lines.append(contentsOf: cgroupTable.render().split(separator: "\n").dropFirst().map(String.init))
        return lines.joined(separator: "\n") + "\n"
    }
}
