import ContainerInventory

/// A biolatency run: the probe plus the issuer → container attribution, read every second so
/// issuers outside container cgroups are resolved through /proc while they still exist.
package final class BlockIOLatencySession {
    /// Whose histogram: the issuing container, and the disk.
    package struct Owner: Hashable, Sendable {
        package var container: TaskContainerResolver.Owner
        package var disk: String
    }

    /// The log2 slot counts of each (container, disk).
    package typealias Histograms = [Owner: [UInt64]]

    package let probe: BlockIOLatencyProbe
    package let resolver: TaskContainerResolver
    /// How often the kernel's map is read.
    package var pollNanoseconds: UInt64 = 1_000_000_000
    var diskNames: [UInt32: String] = [:]

    package init(probe: BlockIOLatencyProbe, resolver: TaskContainerResolver) {
        self.probe = probe
        self.resolver = resolver
    }

    /// Aggregates for `nanoseconds` (nil: until a stop signal); returns early, with what was
    /// aggregated, when a stop is requested.
    package func collect(forNanoseconds nanoseconds: UInt64?) throws(BPFError) -> Histograms {
        var histograms: Histograms = [:]
        try BPFStopSignal.poll(forNanoseconds: nanoseconds, every: pollNanoseconds) { () throws(BPFError) in
            resolver.beginRound()
            for (key, slots) in try probe.drain() {
                let disk = diskNames[key.device] ?? BlockIOLatencyProbe.diskName(of: key)
                diskNames[key.device] = disk
                let owner = Owner(
                    container: resolver.owner(cgroupID: key.cgroupID, id: key.processID, idIsThread: false), disk: disk)
                var total = histograms[owner] ?? Array(repeating: 0, count: slots.count)
                for index in slots.indices { total[index] += slots[index] }
                histograms[owner] = total
            }
        }
        return histograms
    }
}
