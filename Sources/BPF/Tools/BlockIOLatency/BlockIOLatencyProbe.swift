import Foundation

/// biolatency.bpf.c loaded and attached: block I/O latency (issue to completion) aggregated in
/// the kernel as log2 histograms per (issuer's cgroup, issuer's process, disk).
package final class BlockIOLatencyProbe {
    /// A histogram's key: who issued the requests, and to which disk.
    package struct Key: Hashable, Sendable {
        /// The issuing task's cgroup v2 id (the inode of its unified-hierarchy directory).
        package var cgroupID: UInt64
        /// The issuing task's process id.
        package var processID: Int32
        /// The disk, as the kernel's dev_t (major << 20 | minor).
        package var device: UInt32

        /// `MAJOR:MINOR`, as /sys/dev/block names it.
        package var deviceNumber: String { "\(device >> 20):\(device & 0xfffff)" }
    }

    /// The fields biolatency.bpf.c reads, in each of its three tracepoints.
    static let requestFields = [
        TracepointFormat.Field(name: "dev", offset: 8, byteCount: 4),
        TracepointFormat.Field(name: "sector", offset: 16, byteCount: 8)
    ]
    static let slotCount = KernelLatencyHistogram.slotCount

    package let unit: LatencyUnit
    let collection: BPFCollection
    let histograms: BPFMap

    /// Checks the tracepoint layouts, loads the object, sets the unit and attaches to
    /// block_rq_insert, block_rq_issue and block_rq_complete. Nothing stays loaded on failure.
    package init(unit: LatencyUnit, tracefs: String = "/sys/kernel/tracing") throws(BPFError) {
        for event in ["block_rq_insert", "block_rq_issue", "block_rq_complete"] {
            try TracepointFormat.read(subsystem: "block", event: event, tracefs: tracefs).require(
                Self.requestFields, event: "block:\(event)")
        }
        let collection = try BPFCollection(
            embeddedBase64: BiolatencyObject.base64, name: "BiolatencyObject", tracefs: tracefs)
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

    /// The histograms since the last call; the kernel's counts are cleared.
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
                processID: Int32(bitPattern: UInt32(MapBytes.integer(key, at: 8, bytes: 4))),
                device: UInt32(MapBytes.integer(key, at: 12, bytes: 4)))
            histogramsByKey[decoded] = histogram
        }
        return histogramsByKey
    }

    /// Detaches and closes everything (idempotent; also done by deinit).
    package func close() { collection.close() }

    /// The disk's name (`vda`) from /sys/dev/block/MAJOR:MINOR, or `MAJOR:MINOR`.
    package static func diskName(of key: Key, sysfs: String = "/sys") -> String {
        let path = "\(sysfs)/dev/block/\(key.deviceNumber)/uevent"
        guard let text = readSmallFile(path),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("DEVNAME=") })
        else { return key.deviceNumber }
        return String(line.dropFirst("DEVNAME=".count))
    }
}
