import Foundation

/// syscount.bpf.c loaded and attached: system calls counted in the kernel per (caller's
/// cgroup, caller's process, syscall number), with errors and, with `timed`, total time.
package final class SyscallCountProbe {
    /// A counter's key.
    package struct Key: Hashable, Sendable {
        /// The caller's cgroup v2 id (the inode of its unified-hierarchy directory).
        package var cgroupID: UInt64
        package var processID: Int32
        /// The architecture's syscall number (raw_syscalls' `id`).
        package var syscall: UInt32
    }

    /// What was counted for a key.
    package struct Counts: Sendable, Equatable {
        package var calls: UInt64
        package var errors: UInt64
        /// Time inside the calls, ns (0 unless the probe is timed).
        package var totalNanoseconds: UInt64

        package init(calls: UInt64 = 0, errors: UInt64 = 0, totalNanoseconds: UInt64 = 0) {
            self.calls = calls
            self.errors = errors
            self.totalNanoseconds = totalNanoseconds
        }

        package static func += (lhs: inout Counts, rhs: Counts) {
            lhs.calls += rhs.calls
            lhs.errors += rhs.errors
            lhs.totalNanoseconds += rhs.totalNanoseconds
        }
    }

    static let enterFields = [TracepointFormat.Field(name: "id", offset: 8, byteCount: 8)]
    static let exitFields = [
        TracepointFormat.Field(name: "id", offset: 8, byteCount: 8),
        TracepointFormat.Field(name: "ret", offset: 16, byteCount: 8)
    ]

    /// Whether sys_enter is attached too, so each call's duration is summed.
    package let timed: Bool
    let collection: BPFCollection
    let counters: BPFMap

    /// Checks the tracepoint layouts, loads the object and attaches sys_exit (and sys_enter
    /// when `timed`: the time costs one more map update per call). Nothing stays loaded on failure.
    package init(timed: Bool, tracefs: String = "/sys/kernel/tracing") throws(BPFError) {
        try TracepointFormat.read(subsystem: "raw_syscalls", event: "sys_enter", tracefs: tracefs).require(
            Self.enterFields, event: "raw_syscalls:sys_enter")
        try TracepointFormat.read(subsystem: "raw_syscalls", event: "sys_exit", tracefs: tracefs).require(
            Self.exitFields, event: "raw_syscalls:sys_exit")
        let collection = try BPFCollection(
            embeddedBase64: SyscountObject.base64, name: "SyscountObject", tracefs: tracefs)
        do {
            counters = try collection.map("stats")
            try collection.attachAll(only: timed ? ["sys_enter", "sys_exit"] : ["sys_exit"])
        } catch {
            collection.close()
            throw error
        }
        self.timed = timed
        self.collection = collection
    }

    /// The counts since the last call; the kernel's counters are cleared.
    package func drain() throws(BPFError) -> [Key: Counts] {
        var countsByKey: [Key: Counts] = [:]
        for (key, value) in try counters.drain() where key.count == 16 && value.count == 24 {
            let decoded = Key(
                cgroupID: MapBytes.integer(key, at: 0, bytes: 8),
                processID: Int32(bitPattern: UInt32(MapBytes.integer(key, at: 8, bytes: 4))),
                syscall: UInt32(MapBytes.integer(key, at: 12, bytes: 4)))
            countsByKey[decoded] = Counts(
                calls: MapBytes.integer(value, at: 0, bytes: 8), errors: MapBytes.integer(value, at: 8, bytes: 8),
                totalNanoseconds: MapBytes.integer(value, at: 16, bytes: 8))
        }
        return countsByKey
    }

    /// Detaches and closes everything (idempotent; also done by deinit).
    package func close() { collection.close() }
}
