import ContainerInventory

/// A syscount run: the probe plus the caller → container attribution, read every second.
public final class SyscallCountSession {
    /// Whose counts: the calling container and the syscall number.
    public struct Owner: Hashable, Sendable {
        public var container: TaskContainerResolver.Owner
        public var syscall: UInt32
    }

    public let probe: SyscallCountProbe
    public let resolver: TaskContainerResolver
    /// How often the kernel's map is read.
    public var pollNanoseconds: UInt64 = 1_000_000_000

    public init(probe: SyscallCountProbe, resolver: TaskContainerResolver) {
        self.probe = probe
        self.resolver = resolver
    }

    /// Counts for `nanoseconds` (nil: until a stop signal); returns early, with what was
    /// counted, when a stop is requested.
    public func collect(forNanoseconds nanoseconds: UInt64?) throws(BPFError) -> [Owner: SyscallCountProbe.Counts] {
        var counts: [Owner: SyscallCountProbe.Counts] = [:]
        try BPFStopSignal.poll(forNanoseconds: nanoseconds, every: pollNanoseconds) { () throws(BPFError) in
            resolver.beginRound()
            for (key, value) in try probe.drain() {
                let owner = Owner(container: resolver.owner(cgroupID: key.cgroupID, id: key.processID, idIsThread: false), syscall: key.syscall)
                counts[owner, default: .init()] += value
            }
        }
        return counts
    }
}
