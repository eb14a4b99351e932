import ArgumentParser
import KernelTrace
import Reporting

struct TraceConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a trace directory to CTF 1.8 for babeltrace2, Trace Compass and LTTng's analyses.",
        discussion: """
            Writes a CTF 1.8 trace in LTTng-kernel style: LTTng event and field names \
            (sched_switch prev_tid, syscall_entry_NAME/syscall_exit_NAME, irq_softirq_*, \
            kmem_mm_page_*), per-event contexts procname, pid, vpid, tid, vtid and the namespace \
            inodes (pid_ns, mnt_ns, ...), the statedump as lttng_statedump_* events plus one \
            lttng_statedump_container per container, and the env Trace Compass needs to open it \
            as a Linux kernel trace. Events without an LTTng counterpart keep ftrace's names.
            OUT is laid out as an LTTng session (OUT/kernel/metadata and one stream per CPU plus \
            the statedump's), which babeltrace2, Trace Compass and lttng-analyses \
            (lttng-cputop OUT) read as they are. The statedump is stamped before the first event.

            Example:
              periscope trace convert /tmp/t1 --to ctf /tmp/t1-ctf && babeltrace2 /tmp/t1-ctf | head
            """
    )

    @Argument(help: "A directory written by `periscope trace record` or `snapshot`.")
    var traceDirectory: String

    @Option(help: "The output format (ctf).")
    var to: String = "ctf"

    @Argument(
        help: "The CTF trace directory to create (must be new or empty); the trace goes in its kernel/ directory.")
    var outputDirectory: String

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        if to != "ctf" { throw ValidationError("--to supports only ctf") }
    }

    func run() throws {
        let reader: PeriscopeTraceReader
        do { reader = try PeriscopeTraceReader(directory: traceDirectory) } catch { throw UserFacingError("\(error)") }
        defer { printTraceWarnings(reader) }
        let converter: CTFTraceConverter
        do { converter = try CTFTraceConverter(reader: reader, outputDirectory: outputDirectory) } catch {
            throw UserFacingError("\(error)")
        }
        do { try converter.convert() } catch { throw UserFacingError("\(error)") }
        struct Summary: Encodable {
            var outputDirectory: String
            var traceEvents: Int
            var statedumpEvents: Int
            var totalEvents: Int
        }
        let summary = Summary(
            outputDirectory: outputDirectory, traceEvents: converter.writtenEventCount,
            statedumpEvents: converter.statedumpEventCount,
            totalEvents: converter.writtenEventCount + converter.statedumpEventCount)
        if json {
            print(try JSONOutput.encode(summary))
        } else {
            print(
                "periscope: wrote \(summary.totalEvents) events to \(outputDirectory) (\(summary.traceEvents) trace events, \(summary.statedumpEvents) statedump events)"
            )
        }
    }
}
