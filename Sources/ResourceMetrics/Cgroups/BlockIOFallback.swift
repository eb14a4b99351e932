import LinuxHost

/// Per-container block I/O that is never a silent zero: when cgroup v1 blkio does not
/// account a disk that does I/O (`BlockIOAccounting`), the container's figure comes from its
/// processes' `/proc/PID/io` instead (`CgroupRates.processIO`), and says so. Shared by
/// `stats`, `top` and the diagnosis window. Not thread-safe.
package final class BlockIOFallback {
    private let layout: CgroupLayout?
    private let disks: HostCounterReader
    private let reader = KernelFileReader(initialCapacity: 4096)
    private let sampler: ProcessIOSampler
    /// The disks blkio does not account, as of the last `refresh()`.
    package private(set) var unaccountedDevices: [DiskStats] = []

    /// Checks the accounting of `layout`'s v1 blkio hierarchy (nothing to do on v2).
    package init(layout: CgroupLayout?, procRoot: String = "/proc") {
        self.layout = layout
        disks = HostCounterReader(procRoot: procRoot)
        sampler = ProcessIOSampler(procfs: Procfs(root: procRoot))
        refresh()
    }

    /// Re-reads the root cgroup's blkio file and /proc/diskstats: accounting comes alive for
    /// a disk as soon as any throttle rule is set on it. Call once per sampling round.
    package func refresh() {
        guard let layout, let stats = try? disks.diskStats() else { unaccountedDevices = []; return }
        unaccountedDevices = BlockIOAccounting.unaccountedDevices(layout: layout, disks: stats, reader: reader) ?? []
    }

    /// True when some disk's I/O is invisible to blkio.
    package var isActive: Bool { !unaccountedDevices.isEmpty }

    /// One line for limitations and help: which disks, and what is used instead.
    package var explanation: String? {
        guard isActive else { return nil }
        let names = unaccountedDevices.map { "\($0.name) (\($0.device))" }.joined(separator: ", ")
        return
            "cgroup v1 blkio does not account \(names) (no line in the root blkio.throttle.io_service_bytes; it starts after a throttle rule is set on the disk): per-container block I/O comes from the processes' /proc/PID/io (bytes, all disks together, no op/s)"
    }

    /// Samples the processes of the cgroup of `files` when a disk is unaccounted and puts their
    /// rates in `rates` (from the second sample of the group on).
    package func apply(to rates: inout CgroupRates?, group: String, files: CgroupCounterFiles) {
        if let processIO = processIO(group: group, directories: files.directories), rates != nil {
            rates?.processIO = processIO
        }
    }

    /// Samples the processes of the cgroup in `directories` when a disk is unaccounted: their
    /// rates from the second sample of the group on, else nil.
    package func processIO(group: String, directories: CgroupDirectories) -> ProcessIORates? {
        guard isActive, let directory = directories.io?.path ?? directories.memory?.path,
            let pids = try? reader.cgroupProcesses(in: directory)
        else { return nil }
        return sampler.rates(group: group, pids: pids, unaccountedDevices: unaccountedDevices.map(\.name))
    }

    /// Forgets groups not in `live`.
    package func retain(only live: Set<String>) { sampler.retain(only: live) }
}
