/// One step of a recording's ring buffers growing while it ran (metadata.json): when, from
/// and to what size, and why. The losses themselves stay in the per-CPU counters.
public struct BufferGrowth: Sendable, Codable, Equatable {
    /// CLOCK_MONOTONIC, ns: when the buffers were resized.
    public var atNs: UInt64
    public var fromKBPerCPU: Int
    public var toKBPerCPU: Int
    /// Why: a CPU lost events since the last look, or was found nearly full at a drain.
    public var reason: BufferGrowthReason
    /// The CPUs that lost events or were nearly full.
    public var cpus: [Int]
    /// Events lost over all CPUs before this step.
    public var lostEventsBefore: UInt64

    public init(
        atNs: UInt64, fromKBPerCPU: Int, toKBPerCPU: Int, reason: BufferGrowthReason, cpus: [Int],
        lostEventsBefore: UInt64
    ) {
        self.atNs = atNs
        self.fromKBPerCPU = fromKBPerCPU
        self.toKBPerCPU = toKBPerCPU
        self.reason = reason
        self.cpus = cpus
        self.lostEventsBefore = lostEventsBefore
    }
}

public enum BufferGrowthReason: String, Sendable, Codable, Equatable {
    /// A CPU lost events since the last look.
    case eventsLost = "events-lost"
    /// A CPU's buffer was found at least the high-water share full before a drain: the copier
    /// is falling behind and the next burst would be lost.
    case nearlyFull = "nearly-full"
}
