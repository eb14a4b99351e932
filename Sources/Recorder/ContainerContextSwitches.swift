import LinuxHost

/// A container's voluntary and involuntary context switches as counters that only grow, for
/// the share-throttled branch of the CPU bottleneck tree on replay (`diagnose --db`).
///
/// The kernel counts switches per thread (`/proc/TID/status`), and threads come and go: the
/// live `diagnose` (`ContextSwitchSampler`) sums per-thread increases between two reads and
/// counts a new thread's whole count. This keeps the same sums running, so the difference of
/// two stored values is what the live rule would have seen between the two reads.
///
/// Reading one status file per thread costs ~10 µs, too much for every idle container every
/// second: the recorder reads them only for containers that want CPU (the tree's step 1a),
/// and stores nothing for the others (a replayed interval without both values has no rate,
/// and an idle container is "not throttled" on replay as it is live).
final class ContainerContextSwitches {
    private let procfs: Procfs
    /// The cgroup file listing every thread: v1 `tasks`, v2 `cgroup.threads`.
    private let threadsPath: String?
    private var lastCounts: [Int32: (voluntary: UInt64, involuntary: UInt64)] = [:]
    private(set) var voluntaryTotal: UInt64 = 0
    private(set) var involuntaryTotal: UInt64 = 0
    /// Threads listed at the last read.
    private(set) var threads = 0

    init(procfs: Procfs, cpu: CgroupDirectories.Location?) {
        self.procfs = procfs
        threadsPath = cpu.map { $0.path + ($0.isUnified ? "/cgroup.threads" : "/tasks") }
    }

    /// Reads every thread of the container; false when its thread list is unreadable (the
    /// cgroup is gone, or the host has no cpu controller for it).
    func read() -> Bool {
        guard let threadsPath,
            let ids = try? procfs.reader.withContents(of: threadsPath, { bytes in Self.threadIDs(bytes) })
        else { return false }
        var counts: [Int32: (voluntary: UInt64, involuntary: UInt64)] = [:]
        counts.reserveCapacity(ids.count)
        for tid in ids {
            // A thread that exited between the list and its status is skipped, as live.
            guard let status = try? procfs.status(TaskID(pid: tid)) else { continue }
            let now = (voluntary: status.voluntaryContextSwitches, involuntary: status.involuntaryContextSwitches)
            let before = lastCounts[tid] ?? (0, 0)
            voluntaryTotal &+= now.voluntary >= before.voluntary ? now.voluntary - before.voluntary : now.voluntary
            involuntaryTotal &+=
                now.involuntary >= before.involuntary ? now.involuntary - before.involuntary : now.involuntary
            counts[tid] = now
        }
        lastCounts = counts
        threads = counts.count
        return true
    }

    /// The decimal numbers of a one-per-line list.
    static func threadIDs(_ bytes: UnsafeRawBufferPointer) -> [Int32] {
        var ids: [Int32] = []
        var scanner = ByteScanner(bytes)
        while !scanner.isAtEnd {
            if let value = scanner.readUInt64(), let id = Int32(exactly: value) { ids.append(id) }
            scanner.skipLine()
        }
        return ids
    }
}
