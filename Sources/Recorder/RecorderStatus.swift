/// What the recorder did in its last sample: the status line of `periscope record --json`.
public struct RecorderStatus: Sendable, Codable, Equatable {
    /// Samples taken so far.
    public var samples = 0
    /// When the last one was taken, ms since 1970.
    public var unixMilliseconds: Int64 = 0
    /// Containers sampled.
    public var containers = 0
    /// CPU time of the whole sample on the recording thread (host, containers, events,
    /// sweeps, the engine ping), store write excluded.
    public var sampleCPUNanoseconds: UInt64 = 0
    /// CPU time of the containers' part only.
    public var containersCPUNanoseconds: UInt64 = 0
    /// CPU time of the last batch's write (set by the writer).
    public var writeCPUNanoseconds: UInt64 = 0
    /// Events and findings in the batch.
    public var events = 0
    public var findings = 0
    /// nil when Docker events are not followed.
    public var dockerEventsConnected: Bool?
    public var kernelLogReadable = true

    /// Nothing yet.
    public init() {}
}
