/// When a recording's ring buffers grow, and how far. A CPU that lost events since the last
/// look, or whose buffer is at least `highWaterPercent` full before a drain, doubles every
/// CPU's buffer, up to `maximumKBPerCPU`: kernel memory held only while recording.
public struct BufferGrowthPolicy: Sendable, Equatable {
    /// The largest size per CPU, KiB; equal to the starting size, the buffers never grow.
    public var maximumKBPerCPU: Int
    /// The copier is woken at 25 % (`buffer_percent`): finding a buffer at 75 % means it ran
    /// half a buffer late, one more such delay from losing events.
    public var highWaterPercent: Int = 75

    public init(maximumKBPerCPU: Int) { self.maximumKBPerCPU = maximumKBPerCPU }

    /// The default ceiling: four times the starting size, but never more than an eighth of the
    /// available memory over all CPUs, and never below the starting size.
    public static func defaultMaximumKBPerCPU(startKB: Int, cpuCount: Int, availableMemoryKB: UInt64?) -> Int {
        var maximum = startKB.multipliedReportingOverflow(by: 4).overflow ? Int.max : startKB * 4
        if let availableMemoryKB, cpuCount > 0 {
            maximum = min(maximum, Int(clamping: availableMemoryKB / 8 / UInt64(cpuCount)))
        }
        return max(startKB, maximum)
    }

    /// The size to grow to now, or nil: `lostSinceLastLook` holds each CPU's new losses.
    func decide(
        currentKB: Int, stats: [Int: CPUBufferStats], lostSinceLastLook: [Int: UInt64]
    )
        -> (kb: Int, reason: BufferGrowthReason, cpus: [Int])?
    {
        guard currentKB < maximumKBPerCPU else { return nil }
        let next = currentKB > maximumKBPerCPU / 2 ? maximumKBPerCPU : currentKB * 2
        let losing = lostSinceLastLook.filter { $0.value > 0 }.keys.sorted()
        if !losing.isEmpty { return (next, .eventsLost, losing) }
        let highWaterBytes = UInt64(currentKB) * 1024 / 100 * UInt64(highWaterPercent)
        let full = stats.filter { $0.value.unreadBytes >= highWaterBytes }.keys.sorted()
        if !full.isEmpty { return (next, .nearlyFull, full) }
        return nil
    }
}
