import ArgumentParser
import Presentation
import Reporting
import BPF
import ContainerInventory

struct BiolatencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "biolatency",
        abstract: "Block I/O latency as log2 histograms, aggregated in the kernel with BPF, per container and disk.",
        discussion: """
            Loads a BPF program on the block_rq_insert, block_rq_issue and block_rq_complete \
            tracepoints: the time from a request's issue to the device to its completion is \
            counted in the kernel in log2 histograms keyed by the issuing task's cgroup and \
            process and by the disk, read every second and summed per container. The issuer is \
            recorded when the request is queued (block_rq_insert) or, for a request issued \
            directly, at issue; writeback the kernel's flusher threads issue is the host's, not \
            the container's that dirtied the pages (only direct and synchronous I/O is \
            attributed to its container). The output has bcc's biolatency layout; \
            --per-container and --disk (bcc's -D) print one histogram per container and/or disk.
            Needs root, or CAP_BPF and CAP_PERFMON. Everything is detached and closed on exit, \
            Ctrl-C and kill included.

            Examples:
              periscope biolatency 5 1
              periscope biolatency --per-container --disk -m 10
              periscope biolatency --container db -d 30 --json
            """
    )

    @OptionGroup var source: InventorySourceOptions

    @Flag(help: "One histogram per issuing container (the host's processes as `host`).")
    var perContainer = false

    @Option(help: "Only I/O issued by this container: name, id, id prefix, or a host PID in it.")
    var container: String?

    @Flag(name: [.customLong("disk"), .customShort("D")], help: "One histogram per disk.")
    var perDisk = false

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
            "Print histograms every INTERVAL: \(DurationText.forms) (default: once, at the end).", valueName: "interval"
        ),
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
        let (resolver, only) = try BPFCommandSetup.prepare(tool: "biolatency", source: source, container: container)
        let unit: LatencyUnit = milliseconds ? .milliseconds : .microseconds
        let previousHandlers = BPFStopSignal.install()
        defer { BPFStopSignal.uninstall(previousHandlers) }
        let probe: BlockIOLatencyProbe
        do { probe = try BlockIOLatencyProbe(unit: unit) } catch { throw UserFacingError("\(error)") }
        defer { probe.close() }
        let session = BlockIOLatencySession(probe: probe, resolver: resolver)

        let loop = LatencyHistogramLoop(
            header: "Tracing block device I/O... Hit Ctrl-C to end.", unit: unit, interval: interval, count: count,
            duration: duration, json: json)
        _ = try loop.run(
            collect: { span in
                do {
                    return try session.collect(forNanoseconds: span).map {
                        LatencyHistogramReport.Entry(owner: $0.key.container, disk: $0.key.disk, slots: $0.value)
                    }
                } catch {
                    throw UserFacingError("\(error)")
                }
            },
            group: { LatencyHistogramReport.Interval($0, byContainer: perContainer, byDisk: perDisk, only: only) })
    }
}
