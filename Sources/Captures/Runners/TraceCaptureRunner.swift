import ContainerInventory
import Foundation
import KernelTrace
import Logging

/// A kernel trace of a container's threads, exactly as `periscope trace record --container ID
/// -e EVENTS -d N` records it (private tracefs instance, removed on every exit), then the trace
/// directory archived as `trace.tar` (readable with `periscope trace dump`) with the same trace
/// converted to CTF 1.8 in its `ctf/` directory (as `periscope trace convert --to ctf` writes it:
/// babeltrace2, Trace Compass and LTTng's analyses open it).
package struct TraceCaptureRunner: CaptureRunner {
    /// Event presets or subsystem:event names, as `trace record -e` takes them.
    package var events = ["sched", "syscalls"]
    /// Ring buffer per CPU, KiB: kernel memory held while the capture runs.
    package var bufferSizeKBPerCPU = TraceSessionOptions.defaultBufferSizeKBPerCPU
    package var inventory = InventoryOptions()

    package init() {}

    package func run(_ job: CaptureJob, shouldStop: @escaping @Sendable () -> Bool) throws -> CaptureOutput {
        let tracefs: Tracefs
        do { tracefs = try Tracefs.locate(mountIfAbsent: false) } catch { throw CaptureRunError("\(error)") }
        let selection: EventSelection
        do { selection = try EventSelection.resolve(events, tracefs: tracefs) } catch {
            throw CaptureRunError("\(error)")
        }
        var session = TraceSessionOptions(tracepoints: selection.tracepoints)
        session.bufferSizeKBPerCPU = bufferSizeKBPerCPU
        let traceDirectory = "\(job.directory)/trace"
        var options = TraceRecordOptions(session: session, outputDirectory: traceDirectory)
        options.durationSeconds = job.durationSeconds
        options.containers = [job.container.id]
        options.inventory = inventory
        options.commandLine = ["periscope", "serve", "(capture \(job.id))"]
        let result: TraceRecordResult
        do {
            result = try TraceRecorder(options: options, logger: Logger(label: "periscope.capture")).run(
                tracefs: tracefs, shouldStop: shouldStop)
        } catch {
            try? FileManager.default.removeItem(atPath: traceDirectory)
            throw CaptureRunError("\(error)")
        }
        let fileName = "trace.tar"
        defer { try? FileManager.default.removeItem(atPath: traceDirectory) }
        var warnings: [String] = []
        if result.metadata.lostEventCount > 0 { warnings.append("\(result.metadata.lostEventCount) events lost") }
        do {
            let converter = try CTFTraceConverter(
                reader: try PeriscopeTraceReader(directory: traceDirectory), outputDirectory: "\(traceDirectory)/ctf")
            try converter.convert()
        } catch {
            try? FileManager.default.removeItem(atPath: "\(traceDirectory)/ctf")
            warnings.append("no CTF copy: \(error)")
        }
        _ = try TarArchive.write(
            directory: traceDirectory, prefix: "trace-\(job.id)", to: "\(job.directory)/\(fileName)")
        let metadata = result.metadata
        let seconds = String(format: "%.1f", Double(metadata.endNs - metadata.startNs) / 1e9)
        let pageBytes = metadata.cpuStreams.reduce(UInt64(0)) { $0 + $1.byteCount }
        return CaptureOutput(
            fileName: fileName, contentType: "application/x-tar",
            summary:
                "\(seconds) s of \(metadata.tracepoints.count) events on \(metadata.onlineCPUs.count) CPUs, \(pageBytes / 1024) KiB of pages, \(result.threadCount) threads in the statedump; CTF 1.8 in ctf/",
            warning: warnings.isEmpty ? nil : warnings.joined(separator: "; "))
    }
}
