import ContainerInventory

/// An offcputime run: the probe, the attribution of each process to its container, and the
/// symbolizer's per-process state, read every second so a process's maps and root are
/// captured while it is alive.
package final class OffCPUTimeSession {
    /// Which tasks are kept, and where that is decided.
    package enum Scope {
        /// Every task; each stack is rooted at its container's name.
        case all
        /// One container with its own PID namespace: the kernel keeps only that namespace's tasks.
        case containerNamespace(Container, PIDNamespaceIdentity)
        /// One container sharing the host's PID namespace (`--pid=host`): every task is
        /// recorded and the container's processes are picked in user space.
        case containerProcesses(Container)

        /// The scope for `container` (nil: every task), from its init's PID namespace.
        package static func resolve(_ container: Container?, procRoot: String = "/proc") -> Scope {
            guard let container else { return .all }
            guard !container.key.isHost, !container.namespacesSharedWithHost.contains(.pid),
                let pid = container.initPID, let namespace = PIDNamespaceIdentity.of(pid: pid, procRoot: procRoot),
                namespace != PIDNamespaceIdentity.of(pid: 1, procRoot: procRoot)
            else { return .containerProcesses(container) }
            return .containerNamespace(container, namespace)
        }

        /// The namespace the kernel filters on, if any.
        package var kernelFilter: PIDNamespaceIdentity? {
            if case .containerNamespace(_, let namespace) = self { return namespace }
            return nil
        }
    }

    package let probe: OffCPUTimeProbe
    package let scope: Scope
    package let resolver: TaskContainerResolver
    package let symbolizer: OffCPUStackSymbolizer
    /// How often the kernel's map is read.
    package var pollNanoseconds: UInt64 = 1_000_000_000

    package init(
        probe: OffCPUTimeProbe, scope: Scope, resolver: TaskContainerResolver, symbolizer: OffCPUStackSymbolizer
    ) {
        self.probe = probe
        self.scope = scope
        self.resolver = resolver
        self.symbolizer = symbolizer
    }

    /// Sums off-CPU time for `nanoseconds` (nil: until a stop signal); returns early, with
    /// what was summed, when a stop is requested.
    package func collect(forNanoseconds nanoseconds: UInt64?) throws(BPFError) -> OffCPUStackTotals {
        var totals = OffCPUStackTotals()
        try BPFStopSignal.poll(forNanoseconds: nanoseconds, every: pollNanoseconds) { () throws(BPFError) in
            resolver.beginRound()
            for (key, nanoseconds) in try probe.drain() {
                let owner: TaskContainerResolver.Owner?
                switch scope {
                case .all:
                    owner = resolver.owner(cgroupID: 0, id: key.processID, idIsThread: false)
                case .containerNamespace:
                    owner = nil
                case .containerProcesses(let container):
                    guard resolver.owner(cgroupID: 0, id: key.processID, idIsThread: false).key == container.key
                    else { continue }
                    owner = nil
                }
                symbolizer.prepare(pid: key.processID)
                totals.add(
                    try OffCPURawStack.from(key: key, owner: owner) { (id: Int32) throws(BPFError) in
                        try probe.stack(id: id)
                    }, nanoseconds: nanoseconds)
            }
        }
        return totals
    }
}
