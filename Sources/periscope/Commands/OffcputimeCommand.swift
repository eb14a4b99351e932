import ArgumentParser
import BPF
import ContainerInventory
import Presentation
import Reporting

struct OffcputimeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offcputime",
        abstract: "Off-CPU time by kernel and user stack, summed in the kernel with BPF: why a container waits.",
        discussion: """
            Loads a BPF program on sched:sched_switch (no compiler, no libbpf, no BTF: \
            Periscope carries the compiled object and reads only the tracepoint's fields). When \
            a thread is switched out its kernel and user stacks are taken (bpf_get_stackid); \
            when it runs again the time it was away is added to those stacks in the kernel. \
            With --container only the tasks of that container's PID namespace are recorded, \
            and the filter runs in the kernel before any stack is walked (a container sharing \
            the host's PID namespace is filtered in user space instead). Kernel frames are named \
            from /proc/kallsyms; user frames from the ELF files each process mapped, opened \
            through the process's own root, so a binary that exists only inside the container \
            is named from the container's copy (user stacks need frame pointers, as with bcc).
            Output: bcc offcputime's listing (default), folded stacks in microseconds \
            (--folded, for flamegraph.pl --color=io --countname=us), an off-CPU flame graph \
            (--svg FILE), or JSON. A thread still blocked when tracing stops is not counted \
            (its wait has not ended), as with bcc and libbpf-tools.
            Needs root, or CAP_BPF and CAP_PERFMON. The program and its perf event are detached \
            and closed on exit, Ctrl-C and kill included (the kernel releases them with the \
            process's descriptors even after SIGKILL).

            Examples:
              periscope offcputime --container web -d 5
              periscope offcputime --container web -d 10 --svg offcpu.svg
              periscope offcputime -d 5 --folded > offcpu.folded     # every task, rooted at its container
            """
    )

    @OptionGroup var source: InventorySourceOptions

    @Option(help: "Only this container's threads: name, id, id prefix, or a host PID in it (default: every task).")
    var container: String?

    @Option(
        name: .customShort("d"),
        help: ArgumentHelp("Stop after this long: \(DurationText.forms) (default: Ctrl-C).", valueName: "duration"),
        transform: DurationText.parseSeconds)
    var duration: Double?

    @Option(
        name: [.customShort("m"), .customLong("min-block-time")],
        help: ArgumentHelp(
            "Count only waits of at least this many microseconds (libbpf-tools' -m).", valueName: "microseconds"))
    var minimumBlockMicroseconds: UInt64 = 1

    @Flag(help: "Print folded stacks (`container;command;frames... microseconds`) instead of the listing.")
    var folded = false

    @Option(help: ArgumentHelp("Write an off-CPU flame graph (SVG) to FILE.", valueName: "file"))
    var svg: String?

    @Flag(help: "Print one JSON document (every stack, root-first frames, microseconds) instead of text.")
    var json = false

    func validate() throws {
        if folded && (svg != nil || json) { throw ValidationError("give one of --folded, --svg FILE and --json") }
        if let svg, svg.isEmpty { throw ValidationError("--svg needs a file name") }
        if minimumBlockMicroseconds > UInt64.max / 1000 { throw ValidationError("-m is too large") }
        try BPFCommandSetup.validate(interval: nil, count: nil, duration: duration)
    }

    func run() throws {
        let (resolver, only) = try BPFCommandSetup.prepare(tool: "offcputime", source: source, container: container)
        let scope = OffCPUTimeSession.Scope.resolve(only)
        let symbolizer: OffCPUStackSymbolizer
        do { symbolizer = try OffCPUStackSymbolizer() } catch { throw UserFacingError("\(error)") }
        let previousHandlers = BPFStopSignal.install()
        defer { BPFStopSignal.uninstall(previousHandlers) }
        let probe: OffCPUTimeProbe
        do {
            probe = try OffCPUTimeProbe(
                pidNamespace: scope.kernelFilter, minimumNanoseconds: minimumBlockMicroseconds * 1000)
        } catch { throw UserFacingError("\(error)") }
        defer { probe.close() }
        let session = OffCPUTimeSession(probe: probe, scope: scope, resolver: resolver, symbolizer: symbolizer)

        if !json && !folded {
            let whose = only.map { "container \($0.displayName)" } ?? "all tasks"
            let until = duration.map { "for \($0) s" } ?? "until Ctrl-C"
            try writeStandardOutput(Array("Tracing off-CPU time (us) of \(whose) by kernel stack \(until).\n".utf8))
        }
        let started = BPFStopSignal.monotonicNanoseconds()
        let totals: OffCPUStackTotals
        do { totals = try session.collect(forNanoseconds: duration.map { UInt64($0 * 1e9) }) } catch {
            throw UserFacingError("\(error)")
        }
        let elapsed = Double(BPFStopSignal.monotonicNanoseconds() - started) / 1e9
        // Detach before symbolizing: reading ELF files is not worth keeping the probe's cost.
        probe.close()
        let report = OffCPUTimeReport(
            stacks: symbolizer.symbolize(totals), container: only?.displayName, containerID: only?.id,
            durationSeconds: elapsed)
        if let svg { try writeOutputFile(report.flameGraph(), to: svg) }
        if json {
            try writeStandardOutput(Array((try JSONOutput.encode(report) + "\n").utf8))
        } else if folded {
            try writeStandardOutput(report.foldedText())
        } else {
            try writeStandardOutput(Array(report.text().utf8))
        }
    }
}
