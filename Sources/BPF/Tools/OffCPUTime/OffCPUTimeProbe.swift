import Foundation

/// offcputime.bpf.c loaded and attached to sched:sched_switch: the time each thread spent
/// switched out, summed in the kernel per (process, thread, user stack, kernel stack), with
/// the stacks in a stack trace map.
package final class OffCPUTimeProbe {
    /// A sum's key, as the program recorded it when the thread was switched out.
    package struct Key: Hashable, Sendable {
        /// The thread group id (host PID) of the task switched out.
        package var processID: Int32
        package var threadID: Int32
        /// Stack ids in the `stacks` map; negative when the kernel took no stack (a kernel
        /// thread has no user stack: -EFAULT; a full or colliding map: -EEXIST, -ENOMEM).
        package var userStackID: Int32
        package var kernelStackID: Int32

        package init(processID: Int32, threadID: Int32, userStackID: Int32, kernelStackID: Int32) {
            self.processID = processID
            self.threadID = threadID
            self.userStackID = userStackID
            self.kernelStackID = kernelStackID
        }

        /// `struct offcpu_key`: four 32-bit words.
        init?(bytes: [UInt8]) {
            guard bytes.count == 16 else { return nil }
            func word(_ offset: Int) -> Int32 {
                Int32(bitPattern: UInt32(MapBytes.integer(bytes, at: offset, bytes: 4)))
            }
            self.init(processID: word(0), threadID: word(4), userStackID: word(8), kernelStackID: word(12))
        }
    }

    /// The sched_switch fields offcputime.bpf.c reads, where it reads them.
    static let switchFields = [
        TracepointFormat.Field(name: "prev_pid", offset: 24, byteCount: 4),
        TracepointFormat.Field(name: "next_pid", offset: 56, byteCount: 4)
    ]

    let collection: BPFCollection
    let sums: BPFMap
    let stacks: BPFMap
    /// Stacks already read, by id (ids are stable while the map is open).
    private var addressesByStackID: [Int32: [UInt64]] = [:]

    /// Checks the tracepoint layout, loads the object, writes the settings and attaches.
    /// `pidNamespace` keeps only tasks of that PID namespace (checked in the kernel, before
    /// any stack is walked); off-CPU periods shorter than `minimumNanoseconds` are not
    /// counted (libbpf-tools' `-m`, default 1 µs). Nothing stays loaded on failure.
    package init(
        pidNamespace: PIDNamespaceIdentity?, minimumNanoseconds: UInt64 = 1000, tracefs: String = "/sys/kernel/tracing"
    ) throws(BPFError) {
        try TracepointFormat.read(subsystem: "sched", event: "sched_switch", tracefs: tracefs).require(
            Self.switchFields, event: "sched:sched_switch")
        let collection = try BPFCollection(
            embeddedBase64: OffcputimeObject.base64, name: "OffcputimeObject", tracefs: tracefs)
        do {
            try collection.map("settings").update(
                key: [0, 0, 0, 0],
                value: Self.settingBytes(pidNamespace: pidNamespace, minimumNanoseconds: minimumNanoseconds))
            sums = try collection.map("offcpu")
            stacks = try collection.map("stacks")
            try collection.attachAll()
        } catch {
            collection.close()
            throw error
        }
        self.collection = collection
    }

    /// `struct offcpu_settings`: pidns_dev, pidns_ino, filter_pidns (+ 4 bytes of padding), min_ns.
    static func settingBytes(pidNamespace: PIDNamespaceIdentity?, minimumNanoseconds: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        for word in [pidNamespace?.device ?? 0, pidNamespace?.inode ?? 0] {
            withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
        }
        withUnsafeBytes(of: UInt32(pidNamespace == nil ? 0 : 1).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [0, 0, 0, 0])
        withUnsafeBytes(of: minimumNanoseconds.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Off-CPU nanoseconds per key since the last call; the kernel's sums are cleared (the
    /// stacks stay: other keys may share them).
    package func drain() throws(BPFError) -> [Key: UInt64] {
        var nanosecondsByKey: [Key: UInt64] = [:]
        for (key, value) in try sums.drain() where value.count == 8 {
            guard let decoded = Key(bytes: key) else { continue }
            nanosecondsByKey[decoded, default: 0] += MapBytes.integer(value, at: 0, bytes: 8)
        }
        return nanosecondsByKey
    }

    /// The instruction pointers of stack `id`, leaf first; nil when no stack was taken.
    package func stack(id: Int32) throws(BPFError) -> [UInt64]? {
        if let cached = addressesByStackID[id] { return cached }
        guard let addresses = try stacks.stackAddresses(id: id) else { return nil }
        addressesByStackID[id] = addresses
        return addresses
    }

    /// Detaches and closes everything (idempotent; also done by deinit).
    package func close() { collection.close() }
}
