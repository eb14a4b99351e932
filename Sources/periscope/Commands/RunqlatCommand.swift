import ArgumentParser
import BPF
import ContainerInventory
import Presentation
import Reporting

struct RunqlatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runqlat",
        abstract: "Run-queue latency as log2 histograms, aggregated in the kernel with BPF, per container.",
        discussion: """
            Loads a BPF program (no compiler, no libbpf: Periscope carries the compiled object) \
            on the sched_wakeup, sched_wakeup_new, sched_switch and sched_process_exit \
            tracepoints: the time from a thread becoming runnable (woken, or preempted while \
            runnable) to it running is counted in the kernel in log2 histograms keyed by the \
            woken thread's cgroup and process, read every second and summed per container. The \
            latency belongs to the woken thread's container, not to the task switched out (bcc's \
            `runqlat --pidnss` keys on the latter); processes that exited are still attributed \
            through their cgroup. The output has bcc's runqlat layout; --per-container prints \
            one histogram per container (`container = NAME`, host processes as `host`). Tasks \
            that exited before Periscope saw them run, outside container cgroups, show as \
            `(exited)`.
            Needs root, or CAP_BPF and CAP_PERFMON. Programs and perf events are detached and \
            closed on exit, Ctrl-C and kill included (the kernel releases them with the \
            process's descriptors even after SIGKILL).

            Examples:
              periscope runqlat 5 1                      # one 5 s histogram, all tasks
              periscope runqlat --per-container -m 10
              periscope runqlat --container web -d 30 --json
            """
    )

    @OptionGroup var source: InventorySourceOptions

    @Flag(help: "One histogram per container (the host's processes as `host`).")
    var perContainer = false

    @Option(help: "Only this container's threads: name, id, id prefix, or a host PID in it.")
    var container: String?

    @Flag(name: .customShort("m"), help: "Milliseconds instead of microseconds.")
    var milliseconds = false

    @Option(
        name: .customShort("d"),
        help: ArgumentHelp(
            "Stop after this long: \(DurationText.forms) (default: at COUNT intervals, or Ctrl-C).",
            valueName: "duration"),
        transform: DurationText.parseSeconds)
    var duration: Double?

    @Argument(
        help: ArgumentHelp(
            "Print a histogram every INTERVAL: \(DurationText.forms) (default: once, at the end).",
            valueName: "interval"),
        transform: DurationText.parseSeconds)
    var interval: Double?

    @Argument(help: "Stop after COUNT intervals.")
    var count: Int?

    @Flag(help: "Print one JSON document (every interval's histograms) at the end instead of text.")
    var json = false

    func validate() throws {
        if perContainer && container != nil { throw ValidationError("give --per-container or --container, not both") }
        try BPFCommandSetup.validate(interval: interval, count: count, duration: duration)
    }

    func run() throws {
        let (resolver, only) = try BPFCommandSetup.prepare(tool: "runqlat", source: source, container: container)
        let unit: LatencyUnit = milliseconds ? .milliseconds : .microseconds
        let previousHandlers = BPFStopSignal.install()
        defer { BPFStopSignal.uninstall(previousHandlers) }
        let probe: RunQueueLatencyProbe
        do { probe = try RunQueueLatencyProbe(unit: unit) } catch { throw UserFacingError("\(error)") }
        defer { probe.close() }
        let session = RunQueueLatencySession(probe: probe, resolver: resolver)

        let loop = LatencyHistogramLoop(
            header: "Tracing run queue latency... Hit Ctrl-C to end.", unit: unit, interval: interval, count: count,
            duration: duration, json: json)
        _ = try loop.run(
            collect: { span in
                do {
                    return try session.collect(forNanoseconds: span).map {
                        LatencyHistogramReport.Entry(owner: $0.key, disk: nil, slots: $0.value)
                    }
                } catch {
                    throw UserFacingError("\(error)")
                }
            },
            group: { LatencyHistogramReport.Interval($0, byContainer: perContainer, byDisk: false, only: only) })
    }
}
