/// Where the growth controller reads the buffers' counters and resizes them: the tracefs
/// instance of a capture, or a fake in tests.
public protocol BufferStatsSource {
    var cpus: [Int] { get }
    var bufferSizeKBPerCPU: Int { get }
    /// The CPU's counters, nil when they cannot be read (then it is not judged this time).
    func bufferStats(cpu: Int) -> CPUBufferStats?
    /// Resizes every CPU's buffer while tracing goes on.
    func resizeBuffers(kbPerCPU: Int) throws(TracefsError)
}

/// Grows a recording's buffers when `policy` says so and keeps every step for the metadata.
/// Losses are never reset or hidden: the per-CPU counters keep counting, and each step
/// records how many events were lost before it.
public struct BufferGrowthController {
    public let policy: BufferGrowthPolicy
    public private(set) var growths: [BufferGrowth] = []
    /// Set when the kernel refused a resize (no memory): no further attempts.
    public private(set) var resizeError: TracefsError?
    private var lostSeen: [Int: UInt64] = [:]

    public init(policy: BufferGrowthPolicy) { self.policy = policy }

    /// Reads every CPU's counters and grows the buffers if a CPU lost events since the last
    /// call or is nearly full. Returns the step taken, if any.
    public mutating func check(_ source: some BufferStatsSource, atNs: UInt64) -> BufferGrowth? {
        guard resizeError == nil, source.bufferSizeKBPerCPU < policy.maximumKBPerCPU else { return nil }
        var stats: [Int: CPUBufferStats] = [:]
        var newLosses: [Int: UInt64] = [:]
        for cpu in source.cpus {
            guard let cpuStats = source.bufferStats(cpu: cpu) else { continue }
            stats[cpu] = cpuStats
            let lost = cpuStats.lostEvents(overwritesOldest: false)
            let seen = lostSeen[cpu] ?? 0
            newLosses[cpu] = lost > seen ? lost - seen : 0
            lostSeen[cpu] = max(lost, seen)
        }
        let current = source.bufferSizeKBPerCPU
        guard let decision = policy.decide(currentKB: current, stats: stats, lostSinceLastLook: newLosses) else {
            return nil
        }
        do { try source.resizeBuffers(kbPerCPU: decision.kb) } catch {
            resizeError = error
            return nil
        }
        let growth = BufferGrowth(
            atNs: atNs, fromKBPerCPU: current, toKBPerCPU: decision.kb, reason: decision.reason, cpus: decision.cpus,
            lostEventsBefore: lostSeen.values.reduce(0, saturatingSum))
        growths.append(growth)
        return growth
    }
}
