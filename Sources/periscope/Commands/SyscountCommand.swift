import ArgumentParser
import BPF
import ContainerInventory
import Dispatch
import KernelTrace
import Presentation
import Reporting

#if canImport(Glibc)
import Glibc
#endif

struct SyscountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syscount",
        abstract: "System calls counted in the kernel with BPF: top N per container, with errors and latency.",
        discussion: """
            Loads a BPF program on raw_syscalls:sys_exit (and sys_enter with -L) that counts \
            calls, failures and (with -L) time inside the calls per calling cgroup, process \
            and syscall, read every second and summed per container. The output has bcc \
            syscount's columns (SYSCALL, COUNT, TIME (us) with -L); --per-container prints the \
            top N of each container under `container = NAME`.
            Needs root, or CAP_BPF and CAP_PERFMON. Everything is detached and closed on exit, \
            Ctrl-C and kill included.

            Examples:
              periscope syscount --per-container -d 5
              periscope syscount --container web -L --top 20 5 3
            """
    )

    @OptionGroup var source: InventorySourceOptions

    @Flag(help: "The top syscalls of each container (the host's processes as `host`).")
    var perContainer = false

    @Option(help: "Only this container's calls: name, id, id prefix, or a host PID in it.")
    var container: String?

    @Flag(name: .customShort("L"), help: "Also sum the time inside the calls (one more map update per call).")
    var latency = false

    @Flag(name: .customShort("x"), help: "Count failed calls only (bcc's -x).")
    var failures = false

    @Option(help: "Rows per container (or in all).")
    var top: Int = 10

    @Option(
        name: .customShort("d"),
        help: ArgumentHelp(
            "Stop after this long: \(DurationText.forms) (default: at COUNT intervals, or Ctrl-C).",
            valueName: "duration"),
        transform: DurationText.parseSeconds)
    var duration: Double?

    @Argument(
        help: ArgumentHelp(
            "Print the counts every INTERVAL: \(DurationText.forms) (default: once, at the end).", valueName: "interval"
        ),
        transform: DurationText.parseSeconds)
    var interval: Double?

    @Argument(help: "Stop after COUNT intervals.")
    var count: Int?

    @Flag(help: "Print one JSON document (every interval) at the end instead of text.")
    var json = false

    func validate() throws {
        if perContainer && container != nil { throw ValidationError("give --per-container or --container, not both") }
        if top < 1 { throw ValidationError("--top must be at least 1") }
        try BPFCommandSetup.validate(interval: interval, count: count, duration: duration)
    }

    func run() throws {
        let (resolver, only) = try BPFCommandSetup.prepare(tool: "syscount", source: source, container: container)
        var name = utsname()
        uname(&name)
        let machine = withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let table = SyscallTable(machine: machine)
        let previousHandlers = BPFStopSignal.install()
        defer { BPFStopSignal.uninstall(previousHandlers) }
        let probe: SyscallCountProbe
        do { probe = try SyscallCountProbe(timed: latency) } catch { throw UserFacingError("\(error)") }
        defer { probe.close() }
        let session = SyscallCountSession(probe: probe, resolver: resolver)

        if !json { try writeStandardOutput(Array("Tracing syscalls, printing top \(top)... Ctrl+C to quit.\n".utf8)) }
        let intervalNanoseconds = interval.map { UInt64($0 * 1e9) }
        let deadline = duration.map { DispatchTime.now().uptimeNanoseconds + UInt64($0 * 1e9) }
        var report = SyscountReport(intervals: [])
        while !BPFStopSignal.isRequested {
            let now = DispatchTime.now().uptimeNanoseconds
            let left = deadline.map { $0 > now ? $0 - now : 0 }
            if left == 0 { break }
            let counts: [SyscallCountSession.Owner: SyscallCountProbe.Counts]
            do {
                counts = try session.collect(forNanoseconds: [intervalNanoseconds, left].compactMap { $0 }.min())
            } catch { throw UserFacingError("\(error)") }
            let section = SyscountReport.Interval(
                counts, table: table, byContainer: perContainer, only: only, top: top, timed: latency,
                errorsOnly: failures)
            report.intervals.append(section)
            if !json { try writeStandardOutput(Array(section.text(timed: latency, errorsOnly: failures).utf8)) }
            if interval == nil || (count.map { report.intervals.count >= $0 } ?? false) { break }
        }
        if json { try writeStandardOutput(Array((try JSONOutput.encode(report) + "\n").utf8)) }
    }
}
