import ArgumentParser
import ContainerInventory
import Diagnosis
import Foundation
import LinuxHost
import Presentation
import Reporting
import ResourceMetrics

struct InsideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inside",
        abstract:
            "Run inside a container: its real CPUs, memory and PIDs limits against what nproc, free and /proc/cpuinfo claim, then diagnose what it can see.",
        discussion: """
            Guest mode of "Container Performance Analysis" (slides 51-56). Inside a container \
            /proc/cpuinfo, /proc/stat, /proc/meminfo, /proc/loadavg and /proc/diskstats are the \
            host's, while /proc/PID and /proc/net are the container's own: tools (and runtimes \
            sizing thread pools or heaps) are misled. This reads the container's own cgroup (CFS \
            quota and cpuset, memory limit, pids.max), compares them with the tools' view, says \
            whether SCHED_FIFO/SCHED_RR can be used here (CAP_SYS_NICE, RLIMIT_RTPRIO, the RT \
            budget cpu.rt_runtime_us) and which docker options fix it, lists \
            which metrics are host-wide from here, then watches for a window and diagnoses what \
            the container can see: its own CPU throttling, memory, OOM kills and D-state \
            threads, and the host-wide CPU, memory and disks (neighbours invisible, but their \
            load is not). Copy the binary in (a static build needs no Swift libraries). \
            Changes nothing.

            Examples:
              docker cp periscope web:/periscope && docker exec web /periscope inside
              periscope inside --json --duration 5s
            """
    )

    @OptionGroup var window: DiagnoseWindowOptions

    @Flag(help: "Only compare limits and claims; do not watch and diagnose.")
    var noDiagnose = false

    func validate() throws {
        if !window.listThresholds { try window.validateWindow() }
    }

    func run() throws {
        if window.listThresholds {
            print(DiagnoseWindowOptions.thresholdList())
            return
        }
        let guest = GuestReport(GuestResources.read())
        var report: DiagnosisReport?
        if !noDiagnose {
            var options = WindowOptions()
            options.guest = true
            options.durationSeconds = window.duration
            options.intervalSeconds = window.interval
            options.inventory.queryRuntimes = false
            options.inventory.resolveHostnames = false
            options.kernelLogLookbackSeconds = window.kernelLogLookback
            if !window.json {
                printStandardError("periscope: watching for \(String(format: "%g", window.duration)) s...")
            }
            DiagnoseInterrupt.install()
            let observed = try WindowRecorder(options: options).record(shouldStop: { DiagnoseInterrupt.wasReceived })
            DiagnoseInterrupt.remove()
            report = Diagnoser(thresholds: try window.thresholds()).diagnose(observed)
        }
        if window.json {
            print(try JSONOutput.encode(InsideReport(guest: guest, diagnosis: report)))
        } else {
            print(GuestTextRenderer.render(guest), terminator: "")
            if let report {
                print("")
                print(
                    DiagnosisTextRenderer(useColor: TerminalStyle.standardOutput.usesColor, verbose: window.full)
                        .render(report), terminator: "")
            }
        }
        if let report, report.status != .healthy { throw ExitCode(report.status.exitCode) }
    }
}

/// What `inside --json` prints.
struct InsideReport: Encodable {
    var guest: GuestReport
    var diagnosis: DiagnosisReport?
}
