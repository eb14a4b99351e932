import ArgumentParser
import ContainerInventory
import Foundation
import LinuxHost
import Profiling

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Sample on-CPU call stacks of processes or containers and write folded stacks or a flame graph.",
        discussion: """
            Opens a software cpu-clock sampling event (perf_event_open) on every online CPU with \
            kernel and user call chains, reads the ring buffers, and keeps the samples of the \
            target: --pid, --container (every process of it, re-resolved each second) or --all. \
            User frames are resolved from the ELF symbols of each process's own binaries, read \
            through /proc/PID/root so binaries that exist only in a container resolve; kernel \
            frames from /proc/kallsyms (marked _[k]). Frames without a symbol show as \
            [file+0xoffset] or [unknown]. The container name is the root frame with --all and \
            --container. A summary goes to standard error.
            Needs root or CAP_PERFMON (or kernel.perf_event_paranoid <= 0). Changes nothing on \
            the host: the events are closed and the buffers unmapped on exit, Ctrl-C included.

            Examples:
              periscope profile --container web -d 30 --svg web.svg
              periscope profile --pid 1234 -F 999 -o app.folded
              periscope profile --all -d 5 | periscope flamegraph > all.svg
            """
    )

    @OptionGroup var source: InventorySourceOptions

    @Option(name: .customLong("pid"), parsing: .upToNextOption, help: "Host PIDs to profile (every thread of each).")
    var pids: [Int32] = []

    @Option(name: .customLong("container"), parsing: .upToNextOption, help: "Containers to profile: name, id, id prefix, or a host PID in it.")
    var containers: [String] = []

    @Flag(help: "Profile everything on every CPU, host processes and idle included.")
    var all = false

    @Option(name: .customShort("F"), help: "Samples per second per CPU.")
    var frequency: UInt64 = 99

    @Option(name: .customShort("d"), help: "Seconds to sample (Ctrl-C stops earlier and still writes the output).")
    var duration: Double = 10

    @Option(name: .shortAndLong, help: "Write folded stacks here instead of standard output.")
    var output: String?

    @Option(help: "Also draw a flame graph SVG here.")
    var svg: String?

    func validate() throws {
        let targets = (pids.isEmpty ? 0 : 1) + (containers.isEmpty ? 0 : 1) + (all ? 1 : 0)
        if targets != 1 { throw ValidationError("give exactly one of --pid, --container or --all") }
        if frequency < 1 || frequency > 100_000 { throw ValidationError("-F must be between 1 and 100000 samples per second") }
        if !(duration > 0 && duration <= 86_400) { throw ValidationError("-d must be between 0 and 86400 seconds") }
        if let bad = pids.first(where: { $0 <= 0 }) { throw ValidationError("--pid takes positive PIDs, not \(bad)") }
    }

    func run() throws {
        let logger = source.makeLogger()
        let target: ProfileTarget = all ? .all : (pids.isEmpty ? .containers(containers) : .processes(pids))
        let inventoryOptions = source.inventoryOptions(includeProcesses: false)
        let scanner = InventoryScanner(options: inventoryOptions, logger: logger)
        let attribution: SampleAttribution
        do {
            let layout = try? CgroupLayout.read(mountInfoPath: "\(inventoryOptions.procRoot)/self/mountinfo")
            attribution = try SampleAttribution(target: target, cgroupLayout: layout) { try scanner.scan() }
        } catch {
            throw UserFacingError("\(error)")
        }
        let kernel: KernelSymbols
        do {
            kernel = try KernelSymbols.load()
        } catch {
            printStandardError("periscope: kernel frames will be unnamed: \(error)")
            kernel = KernelSymbols(parsing: UnsafeRawBufferPointer(start: nil, count: 0))
        }
        if kernel.isEmpty { printStandardError("periscope: /proc/kallsyms shows no addresses (needs root): kernel frames will show as [kernel]") }
        var options = ProfileOptions()
        options.frequencyHz = frequency
        options.durationSeconds = duration
        let session = ProfileSession(options: options, attribution: attribution, symbolizer: Symbolizer(kernel: kernel))
        let previousHandlers = SamplingStopSignal.install()
        defer { SamplingStopSignal.uninstall(previousHandlers) }
        let result: ProfileResult
        do {
            result = try session.run()
        } catch {
            throw UserFacingError("\(error)")
        }
        let folded = result.stacks.text()
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(folded)) else { throw UserFacingError("cannot write \(output)") }
        } else {
            try writeStandardOutput(folded)
        }
        if let svg {
            var graphOptions = FlameGraphOptions()
            graphOptions.title = "CPU profile (\(target.summary))"
            let graph = FlameGraphSVG(stacks: result.stacks.stacks, options: graphOptions)
            guard FileManager.default.createFile(atPath: svg, contents: Data(graph.bytes)) else { throw UserFacingError("cannot write \(svg)") }
        }
        printStandardError(summary(result, target: target))
    }

    private func summary(_ result: ProfileResult, target: ProfileTarget) -> String {
        var lines: [String] = []
        let seconds = String(format: "%.1f", result.durationSeconds)
        lines.append("periscope: profiled \(target.summary) for \(seconds) s at \(frequency) Hz on \(result.cpus.count) CPUs: \(result.keptSampleCount) samples kept of \(result.sampleCount) read, \(result.lostSampleCount) lost\(result.malformedRecordCount > 0 ? ", \(result.malformedRecordCount) malformed" : ""), \(result.stacks.stacks.count) unique stacks")
        for (name, count) in result.samplesByContainer.sorted(by: { $0.value > $1.value }) {
            let share = result.keptSampleCount > 0 ? 100 * Double(count) / Double(result.keptSampleCount) : 0
            lines.append("  \(name.padding(toLength: max(name.count, 24), withPad: " ", startingAt: 0)) \(String(format: "%8d", count)) samples  \(String(format: "%5.1f", share))%")
        }
        return lines.joined(separator: "\n")
    }
}

extension ProfileTarget {
    /// The target in a few words, for the summary and the SVG title.
    var summary: String {
        switch self {
        case .all: return "all CPUs"
        case .processes(let pids): return "PID \(pids.map(String.init).joined(separator: ", "))"
        case .containers(let names): return "container \(names.joined(separator: ", "))"
        }
    }
}
