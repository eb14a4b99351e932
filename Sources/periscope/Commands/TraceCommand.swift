import ArgumentParser
import KernelTrace

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Record kernel events (ftrace tracepoints) with container context, and read or convert the traces.",
        discussion: """
            Traces through tracefs, which every mainstream kernel has: no kernel modules. Each \
            capture uses a private tracefs instance (instances/periscope-PID) with the mono \
            clock, removed on exit (Ctrl-C and SIGTERM included); a stale instance left by a \
            killed run is removed at the next start. Needs root and tracefs \
            (mount -t tracefs nodev /sys/kernel/tracing).
            """,
        subcommands: [
            TraceRecordCommand.self, TraceSnapshotCommand.self, TraceDumpCommand.self, TraceConvertCommand.self
        ]
    )
}

/// The options `record` and `snapshot` share.
struct TraceCaptureOptions: ParsableArguments {
    @Option(
        name: .customShort("e"), parsing: .upToNextOption,
        help: ArgumentHelp(
            "Event presets or subsystem:event names.", discussion: "Presets: \(EventPresetHelp.text)",
            valueName: "event"))
    var events: [String] = ["sched", "syscalls"]

    @Option(
        name: .customLong("container"), parsing: .upToNextOption,
        help: ArgumentHelp(
            "Record only these containers' threads (name, id, id prefix or host PID); their children and new processes are followed.",
            valueName: "name"))
    var containers: [String] = []

    @Option(
        help:
            "Ring-buffer size per CPU, in KiB: kernel memory held while recording (the default lost no event under three `dd bs=1` loops on 2 CPUs; 8 MiB lost up to 6 %)."
    )
    var bufferSizeKB: Int = TraceSessionOptions.defaultBufferSizeKBPerCPU

    @Flag(help: "Mount tracefs at /sys/kernel/tracing when it is not mounted.")
    var mountTracefs = false

    /// The mounted tracefs (mounted first with --mount-tracefs).
    func locateTracefs() throws -> Tracefs {
        do { return try Tracefs.locate(mountIfAbsent: mountTracefs) } catch { throw UserFacingError("\(error)") }
    }

    /// The events and buffer size resolved against this kernel; missing preset members noted.
    func sessionOptions(tracefs: Tracefs) throws -> TraceSessionOptions {
        let selection: EventSelection
        do { selection = try EventSelection.resolve(events, tracefs: tracefs) } catch {
            throw UserFacingError("\(error)")
        }
        for missing in selection.missingFromPresets {
            printStandardError("periscope: this kernel has no \(missing); skipped")
        }
        var options = TraceSessionOptions(tracepoints: selection.tracepoints)
        options.bufferSizeKBPerCPU = bufferSizeKB
        return options
    }

    func validateCapture() throws {
        if bufferSizeKB < 64 || bufferSizeKB > 4 << 20 {
            throw ValidationError("--buffer-size-kb must be between 64 and 4194304")
        }
        if events.isEmpty { throw ValidationError("-e needs at least one preset or subsystem:event") }
    }
}
