/// What the recorder did in its last sample: the status line of `periscope record --json`.
package struct RecorderStatus: Sendable, Codable, Equatable {
    /// Samples taken so far.
    package var samples = 0
    /// When the last one was taken, ms since 1970.
    package var unixMilliseconds: Int64 = 0
    /// Containers sampled.
    package var containers = 0
    /// CPU time of the whole sample on the recording thread (host, containers, events,
    /// sweeps, the engine ping), store write excluded.
    package var sampleCPUNanoseconds: UInt64 = 0
    /// CPU time of the containers' part only.
    package var containersCPUNanoseconds: UInt64 = 0
    /// CPU time of the sample sources' part (the `--bpf` histograms: draining the kernel's
    /// maps and attributing them); nil without sources.
    package var sourcesCPUNanoseconds: UInt64?
    /// CPU time of the sample's inventory work: a full scan, or the lookups of containers
    /// Docker says started (0 when neither ran).
    package var inventoryCPUNanoseconds: UInt64 = 0
    /// CPU time of the sample's D-state sweep of every thread (0 when none was due).
    package var dStateSweepCPUNanoseconds: UInt64 = 0
    /// Whether the sample swept every thread for D state (a task blocked on I/O, or the
    /// periodic full sweep was due); when not, its D-state counts are 0.
    package var dStateSwept = false
    /// CPU time of the last batch's write (set by the writer).
    package var writeCPUNanoseconds: UInt64 = 0
    /// Events and findings in the batch.
    package var events = 0
    package var findings = 0
    /// Rolling diagnoses completed, and the CPU time of the last one on its own thread:
    /// reading its window back from the store, then evaluating the rules (nil until one completes).
    package var diagnoses = 0
    package var diagnosisReplayCPUNanoseconds: UInt64?
    package var diagnosisRulesCPUNanoseconds: UInt64?
    /// nil when Docker events are not followed.
    package var dockerEventsConnected: Bool?
    package var kernelLogReadable = true

    /// Nothing yet.
    package init() {}
}
