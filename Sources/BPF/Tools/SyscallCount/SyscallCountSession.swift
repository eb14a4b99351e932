import ContainerInventory

/// A syscount run: the probe plus the caller → container attribution, read every second.
package final class SyscallCountSession {
    /// Whose counts: the calling container and the syscall number.
    package struct Owner: Hashable, Sendable {
        package var container: TaskContainerResolver.Owner
        package var syscall: UInt32
    }

    package let probe: SyscallCountProbe
    package let resolver: TaskContainerResolver
    /// How often the kernel's map is read.
    package var pollNanoseconds: UInt64 = 1_000_000_000

    package init(probe: SyscallCountProbe, resolver: TaskContainerResolver) {
        self.probe = probe
        self.resolver = resolver
    }

    /// Counts for `nanoseconds` (nil: until a stop signal); returns early, with what was
    /// counted, when a stop is requested.
    package func collect(forNanoseconds nanoseconds: UInt64?) throws(BPFError) -> [Owner: SyscallCountProbe.Counts] {
        var counts: [Owner: SyscallCountProbe.Counts] = [:]
        try BPFStopSignal.poll(forNanoseconds: nanoseconds, every: pollNanoseconds) { () throws(BPFError) in
            resolver.beginRound()
            for (key, value) in try probe.drain() {
                let owner = Owner(
                    container: resolver.owner(cgroupID: key.cgroupID, id: key.processID, idIsThread: false),
                    syscall: key.syscall)
                counts[owner, default: .init()] += value
            }
        }
        return counts
    }
}
