/// A funccount run: the probe plus the caller → container attribution, read every second.
package final class FunctionCountSession {
    /// Whose hits: the calling container and the probe's index.
    package struct Owner: Hashable, Sendable {
        package var container: TaskContainerResolver.Owner
        package var probe: Int
    }

    package let probe: FunctionCountProbe
    package let resolver: TaskContainerResolver
    /// How often the kernel's map is read (it holds one entry per cgroup, process and probe).
    package var pollNanoseconds: UInt64 = 1_000_000_000

    package init(probe: FunctionCountProbe, resolver: TaskContainerResolver) {
        self.probe = probe
        self.resolver = resolver
    }

    /// Counts for `nanoseconds` (nil: until a stop signal); returns early, with what was
    /// counted, when a stop is requested.
    package func collect(forNanoseconds nanoseconds: UInt64?) throws(BPFError) -> [Owner: UInt64] {
        var counts: [Owner: UInt64] = [:]
        try BPFStopSignal.poll(forNanoseconds: nanoseconds, every: pollNanoseconds) { () throws(BPFError) in
            resolver.beginRound()
            for (key, value) in try probe.drain() {
                let owner = Owner(
                    container: resolver.owner(cgroupID: key.cgroupID, id: key.processID, idIsThread: false),
                    probe: key.probe)
                counts[owner, default: 0] += value
            }
        }
        return counts
    }
}
