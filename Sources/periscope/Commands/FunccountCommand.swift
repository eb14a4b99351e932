import ArgumentParser
import BPF
import ContainerInventory
import Dispatch
import LinuxHost
import Presentation
import Reporting

struct FunccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funccount",
        abstract: "Tracepoint hits or user-function calls counted in the kernel with BPF, per container.",
        discussion: """
            PATTERN is what bcc's funccount takes (prefixes optional, * and ? are wildcards):
              SUBSYSTEM:EVENT         tracepoints, e.g. 'syscalls:sys_enter_*', 'block:*'
              /PATH/BINARY:FUNCTION   functions of a binary through uprobes, e.g.
                                      '/usr/bin/dockerd:*Container*'
              [u:]LIBRARY:FUNCTION    functions of a shared library by its short name, e.g.
                                      'u:c:malloc' (libc.so.6 in the usual library
                                      directories); without u: a tracepoint subsystem of
                                      that name comes first
            With --container, the binary's path is resolved inside that container's root \
            (/proc/PID/root), so a binary that exists only in the container is found, and \
            only that container's calls are counted. Kernel functions (kprobes) are not \
            counted.
            One BPF program is linked to every matched probe (at most --max-probes: each \
            probe traps on every hit); hits are counted per calling cgroup, process and \
            probe, read every second and summed per container. The output has bcc \
            funccount's columns (FUNC, COUNT), least hit first.
            Needs root, or CAP_BPF and CAP_PERFMON, and Linux 5.15 or later. Every probe is \
            detached on exit, Ctrl-C and kill included (the uprobes are private to their \
            perf events: nothing is written to uprobe_events).

            Examples:
              periscope funccount --per-container -d 5 'syscalls:sys_enter_*'
              periscope funccount '/usr/bin/dockerd:*ContainerInspect*' 1 10
              periscope funccount --container web -d 10 '/app/server:handle_*'
            """
    )

    @OptionGroup var source: InventorySourceOptions

    @Flag(help: "Counts for each container (the host's processes as `host`).")
    var perContainer = false

    @Option(
        help:
            "Only this container's hits: name, id, id prefix, or a host PID in it; a binary's path is resolved in its root."
    )
    var container: String?

    @Option(
        name: .customShort("d"),
        help: ArgumentHelp(
            "Stop after this long: \(DurationText.forms) (default: at COUNT intervals, or Ctrl-C).",
            valueName: "duration"),
        transform: DurationText.parseSeconds)
    var duration: Double?

    @Option(help: "Refuse a pattern matching more probes than this (bcc's limit is 1000 too).")
    var maxProbes: Int = 1000

    @Flag(help: "Print one JSON document (every interval) at the end instead of text.")
    var json = false

    @Argument(
        help: ArgumentHelp(
            "[INTERVAL [COUNT]] PATTERN: print the counts every INTERVAL (\(DurationText.forms); default: once, at the end), stop after COUNT intervals; PATTERN as above.",
            valueName: "interval-count-pattern"))
    var positionals: [String] = []

    /// The positionals split: the pattern last, INTERVAL and COUNT before it.
    func parsedPositionals() throws -> (pattern: String, interval: Double?, count: Int?) {
        guard let pattern = positionals.last else {
            throw ValidationError("give a PATTERN, e.g. 'syscalls:sys_enter_*'")
        }
        let leading = positionals.dropLast()
        guard leading.count <= 2 else {
            throw ValidationError("too many arguments: [INTERVAL [COUNT]] PATTERN (quote a pattern with * in it)")
        }
        var interval: Double?
        if let text = leading.first {
            do { interval = try DurationText.parseSeconds(text) } catch {
                throw ValidationError("INTERVAL \"\(text)\": \(error)")
            }
        }
        var count: Int?
        if leading.count == 2 {
            guard let value = Int(leading[leading.startIndex + 1]) else {
                throw ValidationError("COUNT \"\(leading[leading.startIndex + 1])\" is not a whole number")
            }
            count = value
        }
        return (pattern, interval, count)
    }

    func validate() throws {
        if perContainer && container != nil { throw ValidationError("give --per-container or --container, not both") }
        if maxProbes < 1 { throw ValidationError("--max-probes must be at least 1") }
        let (pattern, interval, count) = try parsedPositionals()
        try BPFCommandSetup.validate(interval: interval, count: count, duration: duration)
        let kprobes = FunctionCountPattern.kprobesAvailable()
        do { _ = try FunctionCountPattern(parsing: pattern, kprobesAvailable: kprobes) } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        let (patternText, interval, count) = try parsedPositionals()
        let pattern = try FunctionCountPattern(parsing: patternText)
        let (resolver, only) = try BPFCommandSetup.prepare(tool: "funccount", source: source, container: container)
        var rootProcess: Int32?
        var place = "the host"
        if let only, case .userFunction = pattern {
            guard let pid = only.initPID else {
                throw UserFacingError("container \(only.displayName) has no running process to resolve the binary in")
            }
            rootProcess = pid
            place = "container \(only.displayName) (PID \(pid)'s root)"
        }
        let targets: FunctionCountTargets
        do {
            targets = try FunctionCountTargets.resolve(
                pattern, rootProcess: rootProcess, place: place, maximumProbes: maxProbes)
        } catch { throw UserFacingError("\(error)") }

        let previousHandlers = BPFStopSignal.install()
        defer { BPFStopSignal.uninstall(previousHandlers) }
        let probe: FunctionCountProbe
        do { probe = try FunctionCountProbe(targets: targets) } catch {
            throw UserFacingError(Self.explain(error))
        }
        defer { probe.close() }
        let session = FunctionCountSession(probe: probe, resolver: resolver)
        let names = targets.targets.map(\.name)

        if !json {
            let noun = targets.targets.count == 1 ? "function" : "functions"
            try writeStandardOutput(
                Array("Tracing \(targets.targets.count) \(noun) for \"\(patternText)\"... Hit Ctrl-C to end.\n".utf8))
        }
        let intervalNanoseconds = interval.map { UInt64($0 * 1e9) }
        let deadline = duration.map { DispatchTime.now().uptimeNanoseconds + UInt64($0 * 1e9) }
        var report = FunccountReport(pattern: patternText, probes: targets.targets.count, intervals: [])
        while !BPFStopSignal.isRequested {
            let now = DispatchTime.now().uptimeNanoseconds
            let left = deadline.map { $0 > now ? $0 - now : 0 }
            if left == 0 { break }
            let counts: [FunctionCountSession.Owner: UInt64]
            do {
                counts = try session.collect(forNanoseconds: [intervalNanoseconds, left].compactMap { $0 }.min())
            } catch { throw UserFacingError("\(error)") }
            let section = FunccountReport.Interval(counts, names: names, byContainer: perContainer, only: only)
            report.intervals.append(section)
            if !json { try writeStandardOutput(Array(section.text().utf8)) }
            if interval == nil || (count.map { report.intervals.count >= $0 } ?? false) { break }
        }
        report.droppedHits = (try? probe.droppedHits()) ?? 0
        if report.droppedHits > 0 {
            printStandardError(
                "periscope funccount: \(report.droppedHits) hits were not counted: the kernel's counter map was full (more than 32768 process and probe pairs in one second)"
            )
        }
        if json { try writeStandardOutput(Array((try JSONOutput.encode(report) + "\n").utf8)) }
    }

    /// The loader's error, with what a kernel without attach cookies (before 5.15) needs.
    static func explain(_ error: BPFError) -> String {
        if case .verifierRejected(_, _, let log) = error, log.contains("#174") {
            return
                "funccount needs bpf_get_attach_cookie (Linux 5.15 or later); this kernel is \(HostSystem.kernelRelease). Count with `periscope trace record` instead.\n\(error)"
        }
        return "\(error)"
    }
}
