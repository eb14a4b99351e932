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
    /// Each group's cgroup2 `cgroup.procs`, kept open when processes' files are.
    private let keepsDescriptors: Bool
    private var processLists: [String: CgroupProcessList] = [:]
    /// Groups whose cgroup2 twin has another name than their v1 cgroup: not tried again.
    private var groupsWithoutKeptList: Set<String> = []
    /// The disks blkio does not account, as of the last `refresh()`.
    package private(set) var unaccountedDevices: [DiskStats] = [] {
        didSet { unaccountedNames = unaccountedDevices.map(\.name) }
    }
    /// Their names, as every group's rates carry them (built once per refresh, not per group).
    private var unaccountedNames: [String] = []

    /// Checks the accounting of `layout`'s v1 blkio hierarchy (nothing to do on v2). A sampler
    /// that runs every second (`top`) passes `keptProcessLimit`: up to that many processes keep
    /// their stat and io files open between samples, and each group's processes are listed
    /// through the kept `cgroup.procs` of its cgroup2 twin (runc places a container in the
    /// same cgroup of every hierarchy) instead of opening the v1 blkio one at every sample:
    /// v1 serves an open descriptor the list it built for it until a second after its last
    /// read, so a kept v1 `cgroup.procs` would miss new processes.
    package init(layout: CgroupLayout?, procRoot: String = "/proc", keptProcessLimit: Int = 0) {
        self.layout = layout
        disks = HostCounterReader(procRoot: procRoot)
        sampler = ProcessIOSampler(procfs: Procfs(root: procRoot), keptProcessLimit: keptProcessLimit)
        keepsDescriptors = keptProcessLimit > 0
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
    /// rates from the second sample of the group on, else nil. With descriptors kept, the
    /// processes are listed at every sample through the kept cgroup2 `cgroup.procs` when there
    /// is one, and most then need only their io file (`initPID`: the container's init, see
    /// `ProcessIOSampler.rates(group:listed:initPID:unaccountedDevices:)`); else a `taskCount`
    /// (the cgroup's `pids.current`, read just before) spares opening the v1 list while the
    /// last sample's processes are all it holds.
    package func processIO(
        group: String, directories: CgroupDirectories, taskCount: UInt64? = nil, initPID: Int32? = nil
    ) -> ProcessIORates? {
        guard isActive, let directory = directories.io?.path ?? directories.memory?.path else { return nil }
        if keepsDescriptors, let unified = directories.unified,
            let pids = keptListProcesses(group: group, directory: directory, unified: unified)
        {
            return sampler.rates(group: group, listed: pids, initPID: initPID, unaccountedDevices: unaccountedNames)
        }
        return sampler.rates(
            group: group, taskCount: keepsDescriptors ? taskCount : nil,
            list: { try? reader.cgroupProcesses(in: directory) },
            unaccountedDevices: unaccountedNames)
    }

    /// Forgets groups not in `live`, closing their files.
    package func retain(only live: Set<String>) {
        sampler.retain(only: live)
        for group in processLists.keys where !live.contains(group) { processLists[group] = nil }
        groupsWithoutKeptList = groupsWithoutKeptList.filter(live.contains)
    }

    /// The group's processes through its kept cgroup2 `cgroup.procs`, opened at the first
    /// call; nil when there is none to keep (then the v1 list is opened at each listing).
    private func keptListProcesses(group: String, directory: String, unified: String) -> [Int32]? {
        if groupsWithoutKeptList.contains(group) { return nil }
        if let list = processLists[group], list.directory == unified, let pids = try? list.read(reader: reader) {
            return pids
        }
        // The first sample, or the cgroup was removed (and maybe created again: a restart).
        // A twin of another name (a runtime that left the cgroup2 membership at its parent)
        // would list other processes.
        processLists[group] = nil
        guard Self.lastComponent(unified) == Self.lastComponent(directory) else {
            groupsWithoutKeptList.insert(group)
            return nil
        }
        // Gone (the container stopped): the v1 list says so too, and the next scan forgets it.
        guard let list = try? CgroupProcessList(unifiedDirectory: unified) else { return nil }
        processLists[group] = list
        return try? list.read(reader: reader)
    }

    private static func lastComponent(_ path: String) -> Substring {
        path.split(separator: "/").last ?? ""
    }

    /// Processes whose stat and io files are open between samples.
    package var keptProcesses: Int { sampler.keptProcesses }
}
