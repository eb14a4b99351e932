import ContainerInventory
import LinuxHost

/// Samples the containers `top` shows through the recorder's reader (`CompactCgroupReader`):
/// per container, descriptors kept open for the files of top's columns only, one pread each
/// per sample into a flat struct of integers, no path hashing and no allocation; the limits
/// are read when the container appears and then every `limitsRefreshSeconds`.
///
/// On a v1 host that is 7 files per container (v1 `cpu.stat` for throttling, `cpuacct.usage`,
/// memory usage and `memory.stat`, blkio bytes, `pids.current`, the init's `net/dev`) where
/// the general reader kept 13 open (also quota, period, shares, memory and pids limits, read
/// every sample, and blkio operations).
/// Of those 7, v1 `cpu.stat` is read only for a container with a CPU cap (throttling is shown
/// only against one) and blkio only while the block I/O fallback does not replace it.
/// Not thread-safe.
final class TopContainerSampler {
    /// One container's reader and its last two samples.
    final class Entry {
        let reader: CompactCgroupReader
        /// Where its files are (the block I/O fallback lists the cgroup's processes there).
        let directories: CgroupDirectories
        /// The init whose `net/dev` is open: a restarted container gets a new reader.
        let initPID: Int32?
        /// `TopRow.id`, built once.
        let rowID: String
        /// The newest sample, and when it was taken.
        fileprivate(set) var counters = CompactCgroupCounters()
        fileprivate(set) var readAt: MonotonicInstant?
        /// The sample before, for rates; nil before the second sample.
        fileprivate(set) var previous: CompactCgroupCounters?
        fileprivate(set) var previousReadAt: MonotonicInstant?
        fileprivate(set) var limits = TopCgroupLimits()
        fileprivate var limitsReadAt: MonotonicInstant?
        /// Samples until memory.stat is read again (0: at this one).
        fileprivate var samplesUntilMemoryStat = 0

        fileprivate init(reader: CompactCgroupReader, directories: CgroupDirectories, initPID: Int32?, rowID: String) {
            self.reader = reader
            self.directories = directories
            self.initPID = initPID
            self.rowID = rowID
        }

        /// The rates' clock between the two samples; nil before the second.
        var rates: RateCalculator? {
            guard let previousReadAt, let readAt else { return nil }
            return RateCalculator(from: previousReadAt, to: readAt)
        }
    }

    /// What `top` shows of a container: usage, throttling, memory working set, block I/O
    /// bytes, tasks and network. No PSI, OOM kills, user/system split or I/O operations.
    static let fields: CompactCgroupCounters.Fields = [
        .cpuUsage, .cpuThrottling, .memoryUsage, .memoryStat, .blockIO, .pids, .network
    ]

    /// Seconds between reads of a container's limits (a `docker update` shows within this).
    var limitsRefreshSeconds = 60.0
    /// memory.stat, the costliest file (v1: ~5.5 µs of kernel time), is read at a container's
    /// first sample and then every this many; in between the working set is the current
    /// usage minus the last inactive-file figure. 1 reads it every sample.
    var memoryStatEverySamples = 1
    /// Set while the block I/O fallback replaces the cgroup's block I/O figures (a disk v1
    /// blkio does not account): the cgroup's blkio file, which `top` would not show, is not
    /// read.
    var omitsCgroupBlockIO = false
    private let layout: CgroupLayout?
    private let procRoot: String
    private var entries: [ContainerKey: Entry] = [:]
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
    private let limitsReader = CgroupCounterReader()

    /// Samples the cgroups of `layout`; `procRoot` holds the inits' `net/dev`.
    init(layout: CgroupLayout?, procRoot: String) {
        self.layout = layout
        self.procRoot = procRoot
    }

    deinit { buffer.deallocate() }

    /// The containers sampled (their descriptors are open).
    var count: Int { entries.count }

    /// Reads `container`'s counters now. Nil when it has nothing to sample (no cgroup known
    /// and the host's network); throws when its cgroup is gone, after dropping its reader.
    func sample(_ container: Container) throws(HostReadError) -> Entry? {
        guard let entry = try entry(for: container) else { return nil }
        let now = MonotonicInstant.now()
        // Limits first: without a CPU cap `top` shows no throttling, so v1's cpu.stat (which
        // holds only that) is not read.
        if entry.limitsReadAt.map({ now.seconds(since: $0) >= limitsRefreshSeconds }) ?? true {
            entry.limits = TopCgroupLimits.read(entry.directories, reader: limitsReader)
            entry.limitsReadAt = now
        }
        var omitted: CompactCgroupCounters.Fields = omitsCgroupBlockIO ? .blockIO : []
        if entry.limits.capCores == nil { omitted.insert(.cpuThrottling) }
        var counters = entry.counters
        let includeMemoryStat = entry.samplesUntilMemoryStat <= 0
        do {
            try entry.reader.read(
                into: &counters, buffer: buffer, includeMemoryStat: includeMemoryStat, omitting: omitted)
        } catch {
            entries[container.key] = nil
            throw error
        }
        if entry.readAt != nil {
            entry.previous = entry.counters
            entry.previousReadAt = entry.readAt
        }
        entry.counters = counters
        entry.readAt = now
        entry.samplesUntilMemoryStat =
            includeMemoryStat ? max(1, memoryStatEverySamples) - 1 : entry.samplesUntilMemoryStat - 1
        return entry
    }

    /// Closes the descriptors of containers not in `live`.
    func retain(only live: Set<ContainerKey>) {
        for key in entries.keys where !live.contains(key) { entries[key] = nil }
    }

    private func entry(for container: Container) throws(HostReadError) -> Entry? {
        if let known = entries[container.key] {
            if known.initPID == container.initPID { return known }
            entries[container.key] = nil
        }
        let networkDevicesPath =
            container.namespacesSharedWithHost.contains(.net)
            ? nil : container.initPID.map { "\(procRoot)/\($0)/net/dev" }
        // Without a cgroup (none found, or no cgroup mounts) its own network is still shown.
        let directories =
            layout.flatMap { layout in container.cgroups.map { CgroupDirectories(layout: layout, cgroups: $0) } }
            ?? CgroupDirectories()
        guard directories != CgroupDirectories() || networkDevicesPath != nil else { return nil }
        let reader = try CompactCgroupReader(
            directories: directories, networkDevicesPath: networkDevicesPath, fields: Self.fields)
        let entry = Entry(
            reader: reader, directories: directories, initPID: container.initPID, rowID: container.key.description)
        entries[container.key] = entry
        return entry
    }
}
