/// The description of a recorded trace (metadata.json): enough to decode it and to judge it
/// (how long, which events, what was lost) without the machine it came from.
public struct TraceMetadata: Sendable, Codable {
    public var formatVersion: Int = TraceDirectoryLayout.formatVersion
    public var tracer: String = "periscope"
    public var hostname: String
    public var kernelRelease: String
    /// `uname -m`: picks the syscall table.
    public var machine: String
    public var onlineCPUs: [Int]
    /// The tracefs clock the timestamps use: `mono` (CLOCK_MONOTONIC, ns).
    public var clock: String
    /// CLOCK_REALTIME minus CLOCK_MONOTONIC at the start, ns: turns trace times into dates.
    public var realtimeOffsetNs: Int64
    /// Ring-buffer sub-buffer (page) size in bytes: the unit of the cpuN.raw files.
    public var pageSizeBytes: Int
    /// The ring-buffer size per CPU at the end, KiB (after any growth).
    public var bufferSizeKBPerCPU: Int
    /// How the buffers grew while recording, in order; nil or empty when they did not
    /// (and in traces written before buffers could grow).
    public var bufferGrowths: [BufferGrowth]?
    public var tracepoints: [RecordedTracepoint]
    public var startNs: UInt64
    public var endNs: UInt64
    /// `record` or `snapshot`.
    public var mode: String
    /// The containers the capture was limited to (empty: everything).
    public var containerFilter: [FilteredContainer]
    public var cpuStreams: [CPUStreamSummary]
    public var snapshotTrigger: String?
    public var commandLine: [String]

    /// Events lost over all CPUs (dropped when buffers were full, or overwritten).
    public var lostEventCount: UInt64 { cpuStreams.reduce(0) { saturatingSum($0, $1.lostEventCount) } }

    /// False while a capture runs (written at its start, rewritten at its end): a directory
    /// whose metadata still says false was cut short, readable up to the last page written.
    /// Absent (nil) in traces written before this field existed, which were complete.
    public var isComplete: Bool?
}

/// One recorded tracepoint and the numeric id its events carry in this trace.
public struct RecordedTracepoint: Sendable, Codable, Equatable {
    public var name: String
    public var id: Int
}

/// What one CPU's stream holds and lost.
public struct CPUStreamSummary: Sendable, Codable, Equatable {
    public var cpu: Int
    public var pageCount: Int
    public var byteCount: UInt64
    /// Events overwritten before they were read (per_cpu/cpuN/stats `overrun`).
    public var overrunCount: UInt64
    public var droppedEventCount: UInt64
    public var commitOverrunCount: UInt64
    /// Snapshot mode: the buffer overwrites its oldest events by design, so overruns are the
    /// window sliding, not losses.
    public var overwritesOldest: Bool
    public var lostEventCount: UInt64 {
        saturatingSum(saturatingSum(overwritesOldest ? 0 : overrunCount, droppedEventCount), commitOverrunCount)
    }
}

/// `lhs + rhs`, or `UInt64.max` when it does not fit: counters read from a file may be anything.
func saturatingSum(_ lhs: UInt64, _ rhs: UInt64) -> UInt64 {
    let (sum, overflowed) = lhs.addingReportingOverflow(rhs)
    return overflowed ? .max : sum
}
