import KernelTrace
import Reporting

/// The few lines printed after a capture.
package enum TraceSummaryText {
    /// The capture's length, events, CPUs and size, the statedump, then pages and losses per CPU.
    package static func render(_ metadata: TraceMetadata, threads: Int, containers: Int, directory: String) -> String {
        let seconds = Double(metadata.endNs - metadata.startNs) / 1e9
        let bytes = metadata.cpuStreams.reduce(UInt64(0)) { $0 + $1.byteCount }
        var lines = [
            "periscope: \(metadata.mode == "snapshot" ? "snapshot" : "recorded") \(fixed(seconds, 2)) s of \(metadata.tracepoints.count) events on \(metadata.onlineCPUs.count) CPUs to \(directory): \(bytes / 1024) KiB of pages",
            "  statedump: \(threads) threads, \(containers) containers"
                + (metadata.containerFilter.isEmpty
                    ? "" : "; filtered to \(metadata.containerFilter.map(\.name).joined(separator: ", "))")
        ]
        var table = TextTable(columns: [
            .init("  CPU", .right), .init("PAGES", .right), .init("LOST", .right), .init("OVERRUN", .right),
            .init("DROPPED", .right)
        ])
        for stream in metadata.cpuStreams {
            table.append([
                String(stream.cpu), String(stream.pageCount), String(stream.lostEventCount),
                String(stream.overrunCount), String(stream.droppedEventCount)
            ])
        }
        lines.append(String(table.render().dropLast()))
        for growth in metadata.bufferGrowths ?? [] {
            let after = Double(growth.atNs &- metadata.startNs) / 1e9
            let cpus = growth.cpus.map(String.init).joined(separator: ", ")
            lines.append(
                "  ring buffers grew from \(growth.fromKBPerCPU) to \(growth.toKBPerCPU) KiB per CPU at +\(fixed(after, 2)) s (\(growth.reason == .eventsLost ? "events lost" : "nearly full") on CPU \(cpus); \(growth.lostEventsBefore) lost before)"
            )
        }
        lines.append(
            metadata.lostEventCount == 0
                ? "  no events lost"
                : "  LOST \(metadata.lostEventCount) events: raise --buffer-size-kb or record fewer events")
        return lines.joined(separator: "\n")
    }
}
