import Foundation

/// runqlat.bpf.c loaded and attached: run-queue latency of woken tasks, aggregated in the
/// kernel as log2 histograms per (cgroup, process), read and cleared by `drain()`.
public final class RunQueueLatencyProbe {
    /// The histogram's unit, applied in the kernel before the log2 (as bcc's `-m`).
    public enum Unit: String, Sendable, Codable {
        case microseconds = "usecs"
        case milliseconds = "msecs"

        var nanosecondsPerUnit: UInt64 { self == .microseconds ? 1_000 : 1_000_000 }
    }

    /// A histogram's key: the woken task's cgroup v2 id and process, as the kernel side knew them.
    public struct Key: Hashable, Sendable {
        /// The task's cgroup id in the v2 (unified) hierarchy: the inode of its directory there;
        /// 0 when never seen (a task woken before the probe saw it run).
        public var cgroupID: UInt64
        /// The process id (thread group), or a thread id when `idIsThread`.
        public var id: Int32
        /// The task was never current while the probe ran: `id` is its thread id.
        public var idIsThread: Bool
    }

    /// The tracepoint fields runqlat.bpf.c reads, where it reads them.
    static let wakeupFields = [TracepointFormat.Field(name: "pid", offset: 24, byteCount: 4)]
    static let switchFields = [
        TracepointFormat.Field(name: "prev_pid", offset: 24, byteCount: 4),
        TracepointFormat.Field(name: "prev_state", offset: 32, byteCount: 8),
        TracepointFormat.Field(name: "next_pid", offset: 56, byteCount: 4),
    ]
    /// `MAX_SLOTS` of runqlat.bpf.c.
    static let slotCount = 32

    public let unit: Unit
    let collection: BPFCollection
    let histograms: BPFMap

    /// Checks the tracepoint layouts, loads the object, sets the unit and attaches to
    /// sched_wakeup, sched_wakeup_new, sched_switch and sched_process_exit. Nothing stays loaded on failure.
    public init(unit: Unit, tracefs: String = "/sys/kernel/tracing") throws(BPFError) {
        _ = try TracepointFormat.read(subsystem: "sched", event: "sched_process_exit", tracefs: tracefs)
        for event in ["sched_wakeup", "sched_wakeup_new"] {
            try TracepointFormat.read(subsystem: "sched", event: event, tracefs: tracefs).require(Self.wakeupFields, event: "sched:\(event)")
        }
        try TracepointFormat.read(subsystem: "sched", event: "sched_switch", tracefs: tracefs).require(Self.switchFields, event: "sched:sched_switch")
        guard let object = Data(base64Encoded: RunqlatObject.base64, options: .ignoreUnknownCharacters) else {
            throw .object(.corrupt("RunqlatObject.base64 is not base64: regenerate with scripts/generate-bpf.sh"))
        }
        let collection = try BPFCollection(contents: [UInt8](object), tracefs: tracefs)
        do {
            try collection.map("settings").update(key: [0, 0, 0, 0], value: Self.bytes(of: unit.nanosecondsPerUnit))
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
    public func drain() throws(BPFError) -> [Key: [UInt64]] {
        var histogramsByKey: [Key: [UInt64]] = [:]
        for (key, value) in try histograms.drain() where key.count == 16 && value.count == Self.slotCount * 8 {
            let decoded = Key(
                cgroupID: Self.integer(key, at: 0, bytes: 8),
                id: Int32(bitPattern: UInt32(Self.integer(key, at: 8, bytes: 4))),
                idIsThread: Self.integer(key, at: 12, bytes: 4) & 1 != 0)
            histogramsByKey[decoded] = (0..<Self.slotCount).map { Self.integer(value, at: $0 * 8, bytes: 8) }
        }
        return histogramsByKey
    }

    static func integer(_ bytes: [UInt8], at offset: Int, bytes count: Int) -> UInt64 {
        (0..<count).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }

    /// Detaches and closes everything (idempotent; also done by deinit).
    public func close() { collection.close() }

    static func bytes(of value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}
