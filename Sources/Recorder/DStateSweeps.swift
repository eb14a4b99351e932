import ContainerInventory
import LinuxHost
import Recording
import ResourceMetrics

/// D-state sweeps of the recorder, with `DStateSampler` (the same sweep as `diagnose`) and
/// `DStateSweepGate` (the same rule: when /proc/stat counts a task blocked on I/O, and at
/// least every `fullSweepEvery` samples otherwise); a sweep that finds threads becomes an
/// event listing them with their kernel wait channel.
final class DStateSweeps {
    private let procfs: Procfs
    private var gate: DStateSweepGate
    private var sampler: DStateSampler
    private var sweepsInSampler = 0

    init(procfs: Procfs, fullSweepEvery: Int) {
        self.procfs = procfs
        gate = DStateSweepGate(fullSweepEvery: fullSweepEvery)
        sampler = DStateSampler(procfs: procfs)
    }

    /// Sweeps if due. Returns whether it swept, the threads in D per container key (nil: the
    /// host) and the event describing them; empty when none was seen or no sweep was due.
    func sweep(
        blockedTasks: UInt64?, unixMilliseconds: Int64, container: (Int32) -> String?
    ) -> (swept: Bool, counts: [String?: Int], events: [RecordedEvent]) {
        guard gate.shouldSweep(blockedTasks: blockedTasks) else { return (false, [:], []) }
        // A sampler keeps every thread it ever saw in D: start a fresh one now and then so
        // a recorder running for weeks does not grow with them.
        sweepsInSampler += 1
        if sweepsInSampler > 600 {
            sampler = DStateSampler(procfs: procfs)
            sweepsInSampler = 1
        }
        // The recorder keys containers by their `runtime:id` text (what the store keeps).
        let typedCounts = sampler.sweep(container: { container($0).flatMap(ContainerKey.init(text:)) })
        guard !typedCounts.isEmpty else { return (true, [:], []) }
        let counts = Dictionary(uniqueKeysWithValues: typedCounts.map { ($0.key?.description, $0.value) })
        let latest = sampler.threads.map(\.lastSeenSeconds).max() ?? 0
        var events: [RecordedEvent] = []
        let seen = sampler.threads.filter { $0.lastSeenSeconds == latest }
        for (owner, threads) in Dictionary(grouping: seen, by: \.container) {
            let listed = threads.prefix(10).map { "\($0.comm)[\($0.tid)]\($0.waitChannel.map { " in \($0)" } ?? "")" }
                .joined(separator: ", ")
            events.append(
                RecordedEvent(
                    unixMilliseconds: unixMilliseconds, kind: .dStateThreads,
                    container: owner.map { RecordedContainerKey($0.description) },
                    message: "\(threads.count) thread(s) in D: \(listed)",
                    attributes: ["threads": String(threads.count)]))
        }
        return (true, counts, events)
    }
}
