import ContainerInventory

/// runqlat and biolatency kept loaded for as long as the agent runs: each `read()` drains the
/// kernel's maps (read and delete, so they hold one interval's keys, never every process seen)
/// and adds them to one cumulative histogram per container, in microseconds.
///
/// Tasks are attributed as the commands attribute them (`TaskContainerResolver`: the cgroup
/// id first, /proc for the rest); host processes go to the host, tasks that exited
/// unattributed are dropped. Not thread-safe: one thread reads.
package final class ContainerLatencyHistograms {
    /// Why a histogram could not be kept: which one, and the loader's explanation.
    package struct Refusal: Sendable, CustomStringConvertible {
        package var kind: ContinuousLatencyKind
        package var reason: String
        package var description: String { "--bpf \(kind.rawValue) is off: \(reason)" }
    }

    let runQueue: RunQueueLatencyProbe?
    let blockIO: BlockIOLatencyProbe?
    let resolver: TaskContainerResolver
    private var cumulative: [ContinuousLatencyKind: [ContainerKey: CumulativeLatencyHistogram]] = [:]

    /// The histograms loaded and attached.
    package var kinds: [ContinuousLatencyKind] {
        (runQueue == nil ? [] : [.runQueue]) + (blockIO == nil ? [] : [.blockIO])
    }

    init(runQueue: RunQueueLatencyProbe?, blockIO: BlockIOLatencyProbe?, resolver: TaskContainerResolver) {
        self.runQueue = runQueue
        self.blockIO = blockIO
        self.resolver = resolver
    }

    /// Loads and attaches each of `kinds`; each one that cannot be (privileges, tracefs, the
    /// kernel) is a refusal with what to do, and leaves nothing loaded. Nil when none loaded.
    package static func open(
        _ kinds: [ContinuousLatencyKind], scanner: InventoryScanner, tracefs: String = "/sys/kernel/tracing",
        privileges: BPFPrivileges = .current()
    ) -> (histograms: ContainerLatencyHistograms?, refusals: [Refusal]) {
        guard !kinds.isEmpty else { return (nil, []) }
        if privileges.canLoadTracingPrograms == false {
            return (nil, kinds.map { Refusal(kind: $0, reason: privileges.refusalAdvice()) })
        }
        let resolver: TaskContainerResolver
        do { resolver = try TaskContainerResolver(scanner: scanner) } catch {
            return (nil, kinds.map { Refusal(kind: $0, reason: "the container inventory is unreadable: \(error)") })
        }
        var refusals: [Refusal] = []
        var runQueue: RunQueueLatencyProbe?
        var blockIO: BlockIOLatencyProbe?
        for kind in kinds {
            do throws(BPFError) {
                switch kind {
                case .runQueue: runQueue = try RunQueueLatencyProbe(unit: .microseconds, tracefs: tracefs)
                case .blockIO: blockIO = try BlockIOLatencyProbe(unit: .microseconds, tracefs: tracefs)
                }
            } catch {
                refusals.append(Refusal(kind: kind, reason: "\(error)"))
            }
        }
        guard runQueue != nil || blockIO != nil else { return (nil, refusals) }
        return (ContainerLatencyHistograms(runQueue: runQueue, blockIO: blockIO, resolver: resolver), refusals)
    }

    deinit { close() }

    /// Drains the kernel's maps into the cumulative histograms.
    package func read() throws(BPFError) {
        resolver.beginRound()
        if let runQueue {
            var histograms = cumulative[.runQueue] ?? [:]
            for (key, interval) in try runQueue.drainHistograms() {
                guard let owner = resolver.containerKey(cgroupID: key.cgroupID, id: key.id, idIsThread: key.idIsThread)
                else { continue }
                histograms[owner, default: CumulativeLatencyHistogram()].add(interval)
            }
            cumulative[.runQueue] = histograms
        }
        if let blockIO {
            var histograms = cumulative[.blockIO] ?? [:]
            for (key, interval) in try blockIO.drainHistograms() {
                guard let owner = resolver.containerKey(cgroupID: key.cgroupID, id: key.processID, idIsThread: false)
                else { continue }
                histograms[owner, default: CumulativeLatencyHistogram()].add(interval)
            }
            cumulative[.blockIO] = histograms
        }
    }

    /// The cumulative histogram of `kind` for `container` (the host: `ContainerKey.host`);
    /// nil before its first latency.
    package func histogram(_ kind: ContinuousLatencyKind, of container: ContainerKey) -> CumulativeLatencyHistogram? {
        cumulative[kind]?[container]
    }

    /// Forgets every container not in `live` (gone): its histogram stops being reported, and
    /// starts from zero should the same key come back.
    package func forget(allBut live: Set<ContainerKey>) {
        for (kind, histograms) in cumulative where histograms.keys.contains(where: { !live.contains($0) }) {
            cumulative[kind] = histograms.filter { live.contains($0.key) }
        }
    }

    /// Detaches and closes both programs (idempotent).
    package func close() {
        runQueue?.close()
        blockIO?.close()
    }
}
