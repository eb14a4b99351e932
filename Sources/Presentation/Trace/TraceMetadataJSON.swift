import KernelTrace

/// `trace record --json`: the trace's metadata in the `--json` vocabulary (docs/json.md).
/// metadata.json in the trace directory keeps its own names (`startNs`, ...): it is the
/// trace's format, read back by `trace dump`, `convert` and `analyze`.
package struct TraceMetadataJSON: Encodable {
    package var metadata: TraceMetadata

    /// Creates a value from its fields.
    package init(metadata: TraceMetadata) { self.metadata = metadata }

    private enum CodingKeys: String, CodingKey {
        case formatVersion, tracer, hostname, kernelRelease, machine, onlineCPUs, clock
        case realtimeOffsetNanoseconds, pageSizeBytes, bufferSizeKibibytesPerCPU, bufferGrowths, tracepoints
        case startMonotonicNanoseconds, endMonotonicNanoseconds, durationSeconds, mode, containerFilter
        case cpuStreams, lostEvents, snapshotTrigger, commandLine
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata.formatVersion, forKey: .formatVersion)
        try container.encode(metadata.tracer, forKey: .tracer)
        try container.encode(metadata.hostname, forKey: .hostname)
        try container.encode(metadata.kernelRelease, forKey: .kernelRelease)
        try container.encode(metadata.machine, forKey: .machine)
        try container.encode(metadata.onlineCPUs, forKey: .onlineCPUs)
        try container.encode(metadata.clock, forKey: .clock)
        try container.encode(metadata.realtimeOffsetNs, forKey: .realtimeOffsetNanoseconds)
        try container.encode(metadata.pageSizeBytes, forKey: .pageSizeBytes)
        try container.encode(metadata.bufferSizeKBPerCPU, forKey: .bufferSizeKibibytesPerCPU)
        try container.encode((metadata.bufferGrowths ?? []).map(Growth.init), forKey: .bufferGrowths)
        try container.encode(metadata.tracepoints, forKey: .tracepoints)
        try container.encode(metadata.startNs, forKey: .startMonotonicNanoseconds)
        try container.encode(metadata.endNs, forKey: .endMonotonicNanoseconds)
        try container.encode(Double(metadata.endNs &- metadata.startNs) / 1e9, forKey: .durationSeconds)
        try container.encode(metadata.mode, forKey: .mode)
        try container.encode(metadata.containerFilter.map(\.name), forKey: .containerFilter)
        try container.encode(metadata.cpuStreams.map(CPUStream.init), forKey: .cpuStreams)
        try container.encode(metadata.lostEventCount, forKey: .lostEvents)
        try container.encodeIfPresent(metadata.snapshotTrigger, forKey: .snapshotTrigger)
        try container.encode(metadata.commandLine, forKey: .commandLine)
    }

    /// One step of the buffers growing while recording.
    struct Growth: Encodable {
        var atMonotonicNanoseconds: UInt64
        var fromKibibytesPerCPU: Int
        var toKibibytesPerCPU: Int
        var reason: String
        var cpus: [Int]
        var lostEventsBefore: UInt64

        init(_ growth: BufferGrowth) {
            atMonotonicNanoseconds = growth.atNs
            fromKibibytesPerCPU = growth.fromKBPerCPU
            toKibibytesPerCPU = growth.toKBPerCPU
            reason = growth.reason.rawValue
            cpus = growth.cpus
            lostEventsBefore = growth.lostEventsBefore
        }
    }

    /// One CPU's stream: counts are plural nouns, sizes end in `Bytes`.
    struct CPUStream: Encodable {
        var cpu: Int
        var pages: Int
        var sizeBytes: UInt64
        var overrunEvents: UInt64
        var droppedEvents: UInt64
        var commitOverrunEvents: UInt64
        var overwritesOldest: Bool
        var lostEvents: UInt64

        init(_ stream: CPUStreamSummary) {
            cpu = stream.cpu
            pages = stream.pageCount
            sizeBytes = stream.byteCount
            overrunEvents = stream.overrunCount
            droppedEvents = stream.droppedEventCount
            commitOverrunEvents = stream.commitOverrunCount
            overwritesOldest = stream.overwritesOldest
            lostEvents = stream.lostEventCount
        }
    }
}

/// `trace snapshot --json`: how the armed session ended, each snapshot's metadata in the
/// `--json` vocabulary.
package struct FlightRecorderSummaryJSON: Encodable {
    struct Snapshot: Encodable {
        var directory: String
        var trigger: String
        var triggeredAtMonotonicNanoseconds: UInt64
        var metadata: TraceMetadataJSON
    }

    var snapshots: [Snapshot]
    var suppressedTriggers: Int
    var armedSeconds: Double

    package init(_ summary: FlightRecorderSummary) {
        snapshots = summary.snapshots.map {
            Snapshot(
                directory: $0.directory, trigger: $0.trigger, triggeredAtMonotonicNanoseconds: $0.triggeredAtNs,
                metadata: TraceMetadataJSON(metadata: $0.metadata))
        }
        suppressedTriggers = summary.suppressedTriggers
        armedSeconds = summary.armedSeconds
    }
}
