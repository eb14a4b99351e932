import ArgumentParser
import ContainerInventory
import LinuxHost
import Presentation
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
            } catch  where error.isVanished {
                failures.append("PID \(pid): no such process")
            } catch {
                failures.append("PID \(pid): \(error)")
            }
        }
        if json {
            print(try JSONOutput.encode(reports))
        } else {
            print(
                reports.map { ProcessReportText.render($0, style: .standardOutput) }.joined(separator: "\n"),
                terminator: "")
        }
        for failure in failures { printStandardError("periscope: \(failure)") }
        if !failures.isEmpty { throw ExitCode(1) }
    }
}
