import ArgumentParser
import ContainerInventory
import Foundation
import LinuxHost
import Presentation
import Profiling
import Reporting

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Sample on-CPU call stacks of processes or containers and write folded stacks or a flame graph.",
        discussion: """
            Opens a sampling event (perf_event_open: hardware cycles where the CPU has a PMU, \
            else the software cpu-clock; --event chooses) on every online CPU with \
            kernel and user call chains, reads the ring buffers, and keeps the samples of the \
            target: --pid, --container or --all. For --container the events are scoped to the \
            containers' perf_event cgroups (PERF_FLAG_PID_CGROUP, v1 or v2), so the kernel \
            samples only them; where that is impossible every task is sampled and filtered by \
            PID (re-resolved each second). \
            User frames are resolved from the ELF symbols of each process's own binaries, read \
            through /proc/PID/root so binaries that exist only in a container resolve, with \
            separate debug files (build-id, .gnu_debuglink; container first, then host) and \
            MiniDebugInfo; C++, Rust and Swift names are demangled. JIT frames come from \
            /tmp/perf-PID.map inside the container, PID being the process's PID in its own \
            namespace (marked _[j]); kernel frames from /proc/kallsyms (marked _[k]). Frames \
            without a symbol show as [file+0xoffset] or [unknown]. The container name is the \
            root frame with --all and --container. A summary (samples kept, lost, scope) goes to \
            standard error, or to standard output as JSON with --json.
            Needs root or CAP_PERFMON (or kernel.perf_event_paranoid <= 0). Changes nothing on \
            the host: the events are closed and the buffers unmapped on exit, Ctrl-C included.

            Examples:
              periscope profile --container web -d 30 --svg web.svg
              periscope profile --pid 1234 -F 999 -o app.folded
              periscope profile --all -d 5 | periscope flamegraph > all.svg
              periscope profile --container web -o web.pb.gz     # pprof: go tool pprof, Pyroscope, Parca
              periscope profile --container web -o web.speedscope.json
            """
    )

    @OptionGroup var source: InventorySourceOptions

    @Option(name: .customLong("pid"), parsing: .upToNextOption, help: "Host PIDs to profile (every thread of each).")
    var pids: [Int32] = []

    @Option(
        name: .customLong("container"), parsing: .upToNextOption,
        help: "Containers to profile: name, id, id prefix, or a host PID in it.")
    var containers: [String] = []

    @Flag(help: "Profile everything on every CPU, host processes and idle included.")
    var all = false

    @Option(name: .customShort("F"), help: "Samples per second per CPU.")
    var frequency: UInt64 = 99

    @Option(
        name: .customShort("d"),
        help: ArgumentHelp(
            "How long to sample: \(DurationText.forms) (default 10s; Ctrl-C stops earlier and still writes the output).",
            valueName: "duration"),
        transform: DurationText.parseSeconds)
    var duration: Double = 10

    @Option(
        name: .shortAndLong,
        help:
            "Write the profile here instead of standard output (format from --format, or the name: .svg, .pb.gz, .speedscope.json, else folded)."
    )
    var output: String?

    @Option(
        help: ArgumentHelp(
            "The output format: \(ProfileOutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).",
            valueName: "format"))
    var format: ProfileOutputFormat?

    @Option(help: "Also draw a flame graph SVG here.")
    var svg: String?

    @Option(
        help: ArgumentHelp(
            "The sampling event: cycles or cpu-clock (default: cycles where the CPU has a PMU, else cpu-clock).",
            valueName: "event"))
    var event: String?

    @Option(help: "Ring buffer pages per CPU (a power of two); raise it if samples are lost.")
    var bufferPages: Int = 64

    @Flag(
        help:
            "Sample every task and filter by PID even where the kernel could restrict events to the containers' cgroups."
    )
    var noCgroupScope = false

    @Flag(help: "Print a JSON summary on standard output (with the stacks, unless -o or --svg writes them).")
    var json = false

    func validate() throws {
        let targets = (pids.isEmpty ? 0 : 1) + (containers.isEmpty ? 0 : 1) + (all ? 1 : 0)
        if targets != 1 { throw ValidationError("give exactly one of --pid, --container or --all") }
        if frequency < 1 || frequency > 100_000 {
            throw ValidationError("-F must be between 1 and 100000 samples per second")
        }
        if !(duration > 0 && duration <= 86_400) { throw ValidationError("-d must be between 0 and 86400 seconds") }
        if let bad = pids.first(where: { $0 <= 0 }) { throw ValidationError("--pid takes positive PIDs, not \(bad)") }
        if bufferPages < 1 || bufferPages > 65_536 || bufferPages & (bufferPages - 1) != 0 {
            throw ValidationError("--buffer-pages must be a power of two between 1 and 65536, not \(bufferPages)")
        }
        if let event, SamplingEvent(rawValue: event) == nil {
            throw ValidationError(
                "--event takes \(SamplingEvent.allCases.map(\.rawValue).joined(separator: " or ")), not '\(event)'")
        }
        if output == nil, let format, format.isBinary, !json {
            throw ValidationError("--format \(format.rawValue) is binary: give -o FILE")
        }
    }

    func run() throws {
        let logger = source.makeLogger()
        let target: ProfileTarget = all ? .all : (pids.isEmpty ? .containers(containers) : .processes(pids))
        let attribution: SampleAttribution
        do {
            attribution = try SampleAttribution(
                target: target, inventoryOptions: source.inventoryOptions(includeProcesses: false)
            ) { InventoryScanner(options: $0, logger: logger) }
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
        if kernel.isEmpty {
            printStandardError(
                "periscope: /proc/kallsyms shows no addresses (needs root): kernel frames will show as [kernel]")
        }
        var options = ProfileOptions()
        options.frequencyHz = frequency
        options.durationSeconds = duration
        options.dataPagesPerCPU = bufferPages
        options.cgroupScoping = !noCgroupScope
        options.event = event.flatMap(SamplingEvent.init(rawValue:))
        let symbolizer = Symbolizer(kernel: kernel)
        let session = ProfileSession(options: options, attribution: attribution, symbolizer: symbolizer)
        let startedUnixNanoseconds = Int64(Date().timeIntervalSince1970 * 1e9)
        let previousHandlers = SamplingStopSignal.install()
        defer { SamplingStopSignal.uninstall(previousHandlers) }
        let result: ProfileResult
        do {
            result = try session.run()
        } catch {
            throw UserFacingError("\(error)")
        }
        let chosenFormat = format ?? output.map(ProfileOutputFormat.init(fileName:)) ?? .folded
        let bytes = try encode(
            result, format: chosenFormat, target: target, startedUnixNanoseconds: startedUnixNanoseconds)
        if let output {
            try writeOutputFile(bytes, to: output)
        } else if !json {
            try writeStandardOutput(bytes)
        }
        if let svg {
            try writeOutputFile(
                try encode(result, format: .svg, target: target, startedUnixNanoseconds: startedUnixNanoseconds),
                to: svg)
        }
        if json {
            let report = ProfileReport(
                result: result, target: target, frequency: frequency, symbolizer: symbolizer,
                includeStacks: output == nil && svg == nil)
            try writeStandardOutput(Array((try JSONOutput.encode(report) + "\n").utf8))
        } else {
            printStandardError(
                ProfileSummaryText.render(
                    result, target: target, symbolizer: symbolizer, frequency: frequency, bufferPages: bufferPages))
        }
        if result.keptSampleCount == 0 {
            printStandardError("periscope: no samples of \(target.summary): was it running on a CPU?")
        }
    }

    private func encode(
        _ result: ProfileResult, format: ProfileOutputFormat, target: ProfileTarget, startedUnixNanoseconds: Int64
    ) throws -> [UInt8] {
        do {
            return try result.encoded(
                as: format, title: "CPU profile (\(target.summary))", frequencyHz: frequency,
                startedUnixNanoseconds: startedUnixNanoseconds,
                comments: ["periscope profile \(target.summary) at \(frequency) Hz", "sampled: \(result.scope.summary)"]
            )
        } catch {
            throw UserFacingError("\(format.rawValue) output: \(error)")
        }
    }
}

extension ProfileOutputFormat: ExpressibleByArgument {}

/// The `--json` summary of a profile.
struct ProfileReport: Encodable {
    struct ContainerShare: Encodable {
        var name: String
        var samples: UInt64
        /// Of the kept samples, 0-1.
        var shareRatio: Double
    }
    /// Samples of one process (`pid`) or thread (`tid`): an array entry, not a key (docs/json.md).
    struct TaskSamples: Encodable {
        var pid: Int32?
        var tid: Int32?
        var samples: UInt64
    }
    struct Stack: Encodable {
        var frames: [String]
        var count: UInt64
    }
    var target: String
    var sampled: String
    var event: String
    var cgroupScoped: Bool
    var frequencyHz: UInt64
    var durationSeconds: Double
    var cpus: [Int]
    var samplesRead: UInt64
    var samplesKept: UInt64
    var samplesLost: UInt64
    var recordsMalformed: UInt64
    var uniqueStacks: Int
    var containers: [ContainerShare]
    var processes: [TaskSamples]
    var threads: [TaskSamples]
    var symbolFilesRead: Int
    var symbolFilesRejected: Int
    var jitFrames: Int
    var stacks: [Stack]?

    init(result: ProfileResult, target: ProfileTarget, frequency: UInt64, symbolizer: Symbolizer, includeStacks: Bool) {
        self.target = target.summary
        sampled = result.scope.summary
        event = result.event.rawValue
        if case .cgroups = result.scope { cgroupScoped = true } else { cgroupScoped = false }
        frequencyHz = frequency
        durationSeconds = result.durationSeconds
        cpus = result.cpus
        samplesRead = result.sampleCount
        samplesKept = result.keptSampleCount
        samplesLost = result.lostSampleCount
        recordsMalformed = result.malformedRecordCount
        uniqueStacks = result.stacks.stacks.count
        let kept = max(result.keptSampleCount, 1)
        containers = result.samplesByContainer.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map {
            ContainerShare(name: $0.key, samples: $0.value, shareRatio: Double($0.value) / Double(kept))
        }
        processes = result.samplesByPID.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map {
            TaskSamples(pid: $0.key, samples: $0.value)
        }
        threads = result.samplesByThread.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map {
            TaskSamples(tid: $0.key, samples: $0.value)
        }
        symbolFilesRead = symbolizer.loadedFileCount
        symbolFilesRejected = symbolizer.rejectedFileCount
        jitFrames = symbolizer.jitFrameCount
        stacks = includeStacks ? result.stacks.stacks.map { Stack(frames: $0.frames, count: $0.count) } : nil
    }
}
