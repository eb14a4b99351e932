import Foundation

/// runqlat.bpf.c loaded and attached: run-queue latency of woken tasks, aggregated in the
/// kernel as log2 histograms per (cgroup, process), read and cleared by `drain()`.
package final class RunQueueLatencyProbe {
    /// A histogram's key: the woken task's cgroup v2 id and process, as the kernel side knew them.
    package struct Key: Hashable, Sendable {
        /// The task's cgroup id in the v2 (unified) hierarchy: the inode of its directory there;
        /// 0 when never seen (a task woken before the probe saw it run).
        package var cgroupID: UInt64
        /// The process id (thread group), or a thread id when `idIsThread`.
        package var id: Int32
        /// The task was never current while the probe ran: `id` is its thread id.
        package var idIsThread: Bool
    }

    /// The tracepoint fields runqlat.bpf.c reads, where it reads them.
    static let wakeupFields = [TracepointFormat.Field(name: "pid", offset: 24, byteCount: 4)]
    static let switchFields = [
        TracepointFormat.Field(name: "prev_pid", offset: 24, byteCount: 4),
        TracepointFormat.Field(name: "prev_state", offset: 32, byteCount: 8),
        TracepointFormat.Field(name: "next_pid", offset: 56, byteCount: 4)
    ]
    /// `MAX_SLOTS` of runqlat.bpf.c.
    static let slotCount = KernelLatencyHistogram.slotCount

    package let unit: LatencyUnit
    let collection: BPFCollection
    let histograms: BPFMap

    /// Checks the tracepoint layouts, loads the object, sets the unit and attaches to
    /// sched_wakeup, sched_wakeup_new, sched_switch and sched_process_exit. Nothing stays loaded on failure.
    package init(unit: LatencyUnit, tracefs: String = "/sys/kernel/tracing") throws(BPFError) {
        _ = try TracepointFormat.read(subsystem: "sched", event: "sched_process_exit", tracefs: tracefs)
        for event in ["sched_wakeup", "sched_wakeup_new"] {
            try TracepointFormat.read(subsystem: "sched", event: event, tracefs: tracefs).require(
                Self.wakeupFields, event: "sched:\(event)")
        }
        try TracepointFormat.read(subsystem: "sched", event: "sched_switch", tracefs: tracefs).require(
            Self.switchFields, event: "sched:sched_switch")
        let collection = try BPFCollection(
            embeddedBase64: RunqlatObject.base64, name: "RunqlatObject", tracefs: tracefs)
        do {
            try collection.map("settings").update(key: [0, 0, 0, 0], value: unit.settingBytes)
            histograms = try collection.map("latency")
            try collection.attachAll()
        } catch {
            collection.close()
            throw error
        }
        self.unit = unit
        self.collection = collection
    }

    /// The histograms (slot i counts latencies in [2^(i-1), 2^i - 1] units) since the last
    /// call; the kernel's counts are cleared.
    package func drain() throws(BPFError) -> [Key: [UInt64]] {
        try drainHistograms().mapValues(\.slots)
    }

    /// The histograms with their sums since the last call; the kernel's counts are cleared.
    package func drainHistograms() throws(BPFError) -> [Key: KernelLatencyHistogram] {
        var histogramsByKey: [Key: KernelLatencyHistogram] = [:]
        for (key, value) in try histograms.drain() where key.count == 16 {
            guard let histogram = KernelLatencyHistogram(mapValue: value) else { continue }
            let decoded = Key(
                cgroupID: MapBytes.integer(key, at: 0, bytes: 8),
                id: Int32(bitPattern: UInt32(MapBytes.integer(key, at: 8, bytes: 4))),
                idIsThread: MapBytes.integer(key, at: 12, bytes: 4) & 1 != 0)
            histogramsByKey[decoded] = histogram
        }
        return histogramsByKey
    }

    /// Detaches and closes everything (idempotent; also done by deinit).
    package func close() { collection.close() }
}
