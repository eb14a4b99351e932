import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import KernelTrace
import Reporting

struct TraceDumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print a trace directory's events as text, one line each, with container and namespace context.",
        discussion: """
            Decodes the raw ring-buffer pages with the recorded format files and prints each \
            event in timestamp order across CPUs: time, CPU, event, then the context (tid, pid, \
            vtid, pid_ns, procname, container) and the fields. Lost events show as LOST lines. \
            Reads only TRACE_DIR; works on another machine than the one that recorded.

            Example:
              periscope trace dump /tmp/t1 --container web | head
            """
    )

    @Argument(help: "A directory written by `periscope trace record` or `snapshot`.")
    var traceDirectory: String

    @Option(
        name: .customLong("container"), parsing: .upToNextOption,
        help: "Only these containers' events (name, id or unique id prefix; `host` for the host).")
    var containers: [String] = []

    @Option(help: "Stop after this many events.")
    var limit: Int?

    @Flag(help: "Print CLOCK_MONOTONIC seconds instead of UTC time of day.")
    var monotonic = false

    @Flag(help: "Print only a JSON summary (event, lost and printed counts) instead of the events.")
    var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let reader: PeriscopeTraceReader
        do { reader = try PeriscopeTraceReader(directory: traceDirectory) } catch { throw UserFacingError("\(error)") }
        defer { printTraceWarnings(reader) }
        var options = EventTextFormatter.Options()
        options.monotonicTime = monotonic
        options.containers = containers
        options.limit = json ? 0 : limit
        var formatter: EventTextFormatter
        do {
            formatter = try EventTextFormatter(
                reader: reader, options: options, output: TextLineBuffer(descriptor: json ? nil : STDOUT_FILENO),
                source: "the trace \(traceDirectory)")
        } catch { throw UserFacingError(error.description) }
        do { try reader.decode(into: &formatter) } catch {
            formatter.flush()
            throw UserFacingError("\(error)")
        }
        if let error = formatter.writeError { throw UserFacingError("\(error)") }
        if json {
            struct Summary: Encodable { var events: Int; var lostEvents: UInt64; var metadataLostEvents: UInt64 }
            print(
                try JSONOutput.encode(
                    Summary(
                        events: formatter.eventCount, lostEvents: formatter.lostEventCount,
                        metadataLostEvents: reader.metadata.lostEventCount)))
        }
    }
}

/// What a trace reader accepted with reservations (a damaged statedump, a cut recording), on
/// standard error so it is seen even when the output goes to a file or a pipe.
func printTraceWarnings(_ source: any EventSource) {
    for warning in source.warnings { printStandardError("periscope: warning: \(warning)") }
}
