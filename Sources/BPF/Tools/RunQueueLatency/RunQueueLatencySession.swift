import ContainerInventory

/// A runqlat run: the probe plus the task → container attribution, read every second so
/// tasks outside container cgroups are resolved through /proc while they still exist.
package final class RunQueueLatencySession {
    /// The log2 slot counts of each owner (container, host, or exited threads).
    package typealias Histograms = [TaskContainerResolver.Owner: [UInt64]]

    package let probe: RunQueueLatencyProbe
    package let resolver: TaskContainerResolver
    /// How often the kernel's map is read (independent of the printing interval).
    package var pollNanoseconds: UInt64 = 1_000_000_000

    package init(probe: RunQueueLatencyProbe, resolver: TaskContainerResolver) {
        self.probe = probe
        self.resolver = resolver
    }

    /// Aggregates for `nanoseconds` (nil: until a stop signal), returning each owner's
    /// histogram; returns early, with what was aggregated, when a stop is requested.
    package func collect(forNanoseconds nanoseconds: UInt64?) throws(BPFError) -> Histograms {
        var histograms: Histograms = [:]
        try BPFStopSignal.poll(forNanoseconds: nanoseconds, every: pollNanoseconds) { () throws(BPFError) in
            resolver.beginRound()
            for (key, slots) in try probe.drain() {
                let owner = resolver.owner(cgroupID: key.cgroupID, id: key.id, idIsThread: key.idIsThread)
                var total = histograms[owner] ?? Array(repeating: 0, count: slots.count)
                for index in slots.indices { total[index] += slots[index] }
                histograms[owner] = total
            }
        }
        return histograms
    }
}
