import ContainerInventory

/// A runqlat run: the probe plus the thread → container attribution, read every second so
/// threads are resolved while they still exist.
public final class RunQueueLatencySession {
    /// The log2 slot counts of each owner (container, host, or exited threads).
    public typealias Histograms = [ThreadContainerResolver.Owner: [UInt64]]

    public let probe: RunQueueLatencyProbe
    public let resolver: ThreadContainerResolver
    /// How often the kernel's map is read (independent of the printing interval).
    public var pollNanoseconds: UInt64 = 1_000_000_000

    public init(probe: RunQueueLatencyProbe, resolver: ThreadContainerResolver) {
        self.probe = probe
        self.resolver = resolver
    }

    /// Aggregates for `nanoseconds` (nil: until a stop signal), returning each owner's
    /// histogram; returns early, with what was aggregated, when a stop is requested.
    public func collect(forNanoseconds nanoseconds: UInt64?) throws(BPFError) -> Histograms {
        var histograms: Histograms = [:]
        var remaining = nanoseconds ?? .max
        repeat {
            let step = min(remaining, pollNanoseconds)
            BPFStopSignal.sleep(nanoseconds: step)
            remaining -= step
            let byThread = try probe.drain()
            let owners = resolver.owners(of: byThread.keys)
            for (tid, slots) in byThread {
                let owner = owners[tid] ?? .exited
                var total = histograms[owner] ?? Array(repeating: 0, count: slots.count)
                for index in slots.indices { total[index] += slots[index] }
                histograms[owner] = total
            }
        } while remaining > 0 && !BPFStopSignal.isRequested
        return histograms
    }
}
