#if canImport(Glibc)
import Glibc
#endif

/// Reads `CompactCgroupCounters` for one container through descriptors opened once: one
/// pread(2) per file per sample, parsed in place, no allocation and no path lookup.
///
/// Only the files of the fields asked for (by default all that a recording keeps) are opened,
/// and the fewest of them: on a v1 host whose containers also have a cgroup2 directory (runc
/// puts them there), that directory's `cpu.stat` gives usage, user and system time in one
/// file where v1 needs `cpuacct.usage` and `cpuacct.stat` (a reader without the split reads
/// `cpuacct.usage` alone, which is cheaper); limits are not read here (they
/// change rarely: read them with `CgroupCounterReader` when the container appears). A short pread means the
/// whole file was read (cgroupfs and procfs generate it at once), so each file costs one
/// system call, not the two of a read-until-EOF loop.
///
/// When the cgroup is removed a read throws an error whose `isCgroupRemoved` is true; the
/// owner then drops the reader, which closes its descriptors. Not thread-safe.
public final class CompactCgroupReader {
    private enum Format {
        case cpuStat
        case cpuacctUsage
        case memoryUsage
        case memoryStat
        case oomKills
        case blkioBytes
        case blkioOperations
        case ioStat
        case pids
        case cpuPressure
        case memoryPressure
        case ioPressure
        case networkDevices
    }

    /// Plain values, so the read loop retains nothing (the paths, for errors, are apart).
    private struct Slot {
        var fd: Int32
        let format: Format
        /// v1 and v2 name the same counters differently (`total_rss` / `anon`), and write
        /// times in ns (v1 `throttled_time`) or µs (v2 `*_usec`).
        let isUnified: Bool
        /// The fields asked for that its file gives: a caller omitting all of them spares the read.
        let supplies: CompactCgroupCounters.Fields
    }

    /// What this reader was opened for.
    private let fields: CompactCgroupCounters.Fields

    /// The fields a file of `format` gives.
    private static func supplies(_ format: Format, isUnified: Bool) -> CompactCgroupCounters.Fields {
        switch format {
        // v1 cpu.stat holds throttling only; v2's (and runc's twin's) usage too.
        case .cpuStat: isUnified ? [.cpuUsage, .cpuUserSystem, .cpuThrottling] : .cpuThrottling
        case .cpuacctUsage: .cpuUsage
        case .memoryUsage: .memoryUsage
        case .memoryStat: .memoryStat
        case .oomKills: .oomKills
        case .blkioBytes: .blockIO
        case .blkioOperations: .blockIOOperations
        case .ioStat: [.blockIO, .blockIOOperations]
        case .pids: .pids
        case .cpuPressure, .memoryPressure, .ioPressure: .pressure
        case .networkDevices: .network
        }
    }

    private var slots: [Slot] = []
    /// Each slot's path, at the same index.
    private var paths: [String] = []

    /// The number of descriptors held open.
    public var openDescriptorCount: Int { slots.count }

    /// Opens the files of the cgroup in `directories` that `fields` needs, and
    /// `networkDevicesPath` (`/proc/PID/net/dev` of the container's init) unless the container
    /// shares the host's network. A view that shows fewer counters than a recording keeps
    /// (`top`: no PSI, OOM kills, user/system split or I/O operations) passes fewer fields and
    /// holds fewer descriptors. Throws with `isCgroupRemoved` when the cgroup is already gone.
    public init(
        directories: CgroupDirectories, networkDevicesPath: String?, fields: CompactCgroupCounters.Fields = .all
    ) throws(HostReadError) {
        self.fields = fields
        let unified = directories.unified
        let wantsUsage = !fields.isDisjoint(with: [.cpuUsage, .cpuUserSystem])
        if let cpu = directories.cpu,
            cpu.isUnified ? wantsUsage || fields.contains(.cpuThrottling) : fields.contains(.cpuThrottling)
        {
            try add(cpu.path + "/cpu.stat", .cpuStat, isUnified: cpu.isUnified)
        }
        if directories.cpu?.isUnified != true, wantsUsage {
            // v1: the usage alone from cpuacct.usage, one number (1.1 µs a read here against
            // 1.8 for the twin's cpu.stat); with the user/system split from the cgroup2 twin
            // when runc made one (one file where v1 needs two), else cpuacct.
            let cpuacct = directories.cpuacct
            if let cpuacct, !fields.contains(.cpuUserSystem) {
                try add(cpuacct.path + "/cpuacct.usage", .cpuacctUsage, isUnified: false)
            } else if let unified, try add(unified + "/cpu.stat", .cpuStat, isUnified: true) {
            } else if let cpuacct {
                try add(cpuacct.path + "/cpuacct.usage", .cpuacctUsage, isUnified: false)
            }
        }
        if let memory = directories.memory {
            if fields.contains(.memoryUsage) {
                try add(
                    memory.path + (memory.isUnified ? "/memory.current" : "/memory.usage_in_bytes"), .memoryUsage,
                    isUnified: memory.isUnified)
            }
            if fields.contains(.memoryStat) {
                try add(memory.path + "/memory.stat", .memoryStat, isUnified: memory.isUnified)
            }
            if fields.contains(.oomKills) {
                try add(
                    memory.path + (memory.isUnified ? "/memory.events" : "/memory.oom_control"), .oomKills,
                    isUnified: memory.isUnified)
            }
        }
        if let io = directories.io, fields.contains(.blockIO) {
            if io.isUnified {
                try add(io.path + "/io.stat", .ioStat, isUnified: true)
            } else {
                try add(io.path + "/blkio.throttle.io_service_bytes", .blkioBytes, isUnified: false)
                if fields.contains(.blockIOOperations) {
                    try add(io.path + "/blkio.throttle.io_serviced", .blkioOperations, isUnified: false)
                }
            }
        }
        if let pids = directories.pids, fields.contains(.pids) {
            try add(pids.path + "/pids.current", .pids, isUnified: pids.isUnified)
        }
        if let unified, fields.contains(.pressure) {
            try add(unified + "/cpu.pressure", .cpuPressure, isUnified: true)
            try add(unified + "/memory.pressure", .memoryPressure, isUnified: true)
            try add(unified + "/io.pressure", .ioPressure, isUnified: true)
        }
        if let networkDevicesPath, fields.contains(.network) {
            // The process may be gone already: the cgroup files still tell its story.
            _ = try? add(networkDevicesPath, .networkDevices, isUnified: false)
        }
    }

    deinit {
        for slot in slots { close(slot.fd) }
    }

    /// Opens `path` into a slot; false when the file does not exist while its directory
    /// does (a controller file this kernel lacks), throws when the directory is gone.
    @discardableResult
    private func add(_ path: String, _ format: Format, isUnified: Bool) throws(HostReadError) -> Bool {
        let fd = SystemCall.retryingInterrupts { Glibc.open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT, let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")),
                access(String(path[..<slash]), F_OK) == 0
            {
                return false
            }
            throw HostReadError(path: path, errno: code)
        }
        slots.append(
            Slot(
                fd: fd, format: format, isUnified: isUnified,
                supplies: Self.supplies(format, isUnified: isUnified).intersection(fields)))
        paths.append(path)
        return true
    }

    /// Reads every open file into `counters`, in place. With `includeMemoryStat` false the
    /// memory.stat fields keep their previous values: memory.stat is the costliest file (5 µs
    /// here, a third of a sample), which a caller may read every few samples. A file that
    /// gives only `omitting` fields is not read, and those fields are absent from this sample
    /// (a caller that shows no throttling for an uncapped container, say). `buffer` is scratch
    /// space shared by all readers of a sampler (4 KiB is plenty: the largest file, v1
    /// memory.stat, is ~1.5 KiB).
    public func read(
        into counters: inout CompactCgroupCounters, buffer: UnsafeMutableRawBufferPointer,
        includeMemoryStat: Bool = true, omitting: CompactCgroupCounters.Fields = []
    ) throws(HostReadError) {
        let keptMemoryStat = counters.present.intersection(.memoryStat)
        counters.present = includeMemoryStat ? [] : keptMemoryStat
        var index = 0
        while index < slots.count {
            defer { index += 1 }
            let slot = slots[index]
            if !includeMemoryStat, slot.format == .memoryStat { continue }
            if !omitting.isEmpty, omitting.isSuperset(of: slot.supplies) { continue }
            let count = SystemCall.retryingInterrupts { pread(slot.fd, buffer.baseAddress, buffer.count, 0) }
            if count < 0 {
                let code = errno
                if slot.format == .networkDevices || code == EOPNOTSUPP {
                    // The init process exited (the net file follows it) or PSI is disabled:
                    // not the cgroup's end. Stop reading that file.
                    close(slot.fd)
                    slots.remove(at: index)
                    paths.remove(at: index)
                    index -= 1
                    continue
                }
                throw HostReadError(path: paths[index], errno: code)
            }
            guard count < buffer.count else {
                throw HostReadError(path: paths[index], malformed: "larger than \(buffer.count) bytes")
            }
            let bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<count])
            Self.parse(bytes, slot.format, isUnified: slot.isUnified, into: &counters)
        }
    }

    private static func parse(
        _ bytes: UnsafeRawBufferPointer, _ format: Format, isUnified: Bool, into counters: inout CompactCgroupCounters
    ) {
        switch format {
        case .cpuStat:
            let scale: UInt64 = isUnified ? 1000 : 1
            FlatKeyedFile.forEachEntry(bytes) { scanner, key, value in
                if scanner.matches(key, "usage_usec") {
                    counters.cpuUsageNanoseconds = value &* 1000
                    counters.present.insert(.cpuUsage)
                } else if scanner.matches(key, "user_usec") {
                    counters.cpuUserNanoseconds = value &* 1000
                    counters.present.insert(.cpuUserSystem)
                } else if scanner.matches(key, "system_usec") {
                    counters.cpuSystemNanoseconds = value &* 1000
                } else if scanner.matches(key, "nr_periods") {
                    counters.cpuPeriods = value
                    counters.present.insert(.cpuThrottling)
                } else if scanner.matches(key, "nr_throttled") {
                    counters.cpuThrottledPeriods = value
                } else if scanner.matches(key, "throttled_time") || scanner.matches(key, "throttled_usec") {
                    counters.cpuThrottledNanoseconds = value &* scale
                }
            }
        case .cpuacctUsage:
            var scanner = ByteScanner(bytes)
            if let value = scanner.readUInt64() {
                counters.cpuUsageNanoseconds = value
                counters.present.insert(.cpuUsage)
            }
        case .memoryUsage:
            var scanner = ByteScanner(bytes)
            if let value = scanner.readUInt64() {
                counters.memoryUsageBytes = value
                counters.present.insert(.memoryUsage)
            }
        case .memoryStat:
            counters.present.insert(.memoryStat)
            FlatKeyedFile.forEachEntry(bytes) { scanner, key, value in
                if isUnified {
                    if scanner.matches(key, "inactive_file") {
                        counters.memoryInactiveFileBytes = value
                    } else if scanner.matches(key, "anon") {
                        counters.memoryAnonymousBytes = value
                    } else if scanner.matches(key, "file") {
                        counters.memoryFileBytes = value
                    }
                } else {
                    if scanner.matches(key, "total_inactive_file") {
                        counters.memoryInactiveFileBytes = value
                    } else if scanner.matches(key, "total_rss") {
                        counters.memoryAnonymousBytes = value
                    } else if scanner.matches(key, "total_cache") {
                        counters.memoryFileBytes = value
                    }
                }
            }
        case .oomKills:
            FlatKeyedFile.forEachEntry(bytes) { scanner, key, value in
                if scanner.matches(key, "oom_kill") {
                    counters.oomKills = value
                    counters.present.insert(.oomKills)
                }
            }
        case .blkioBytes, .blkioOperations:
            // "MAJ:MIN Read N" ... per device, then "Total N": sum Read and Write.
            var read: UInt64 = 0
            var written: UInt64 = 0
            var scanner = ByteScanner(bytes)
            while !scanner.isAtEnd {
                defer { scanner.skipLine() }
                guard scanner.readFieldRange() != nil, let operation = scanner.readFieldRange(),
                    let value = scanner.readUInt64()
                else { continue }
                if scanner.matches(operation, "Read") {
                    read &+= value
                } else if scanner.matches(operation, "Write") {
                    written &+= value
                }
            }
            if format == .blkioBytes {
                counters.blockReadBytes = read
                counters.blockWriteBytes = written
            } else {
                counters.blockReadOperations = read
                counters.blockWriteOperations = written
                counters.present.insert(.blockIOOperations)
            }
            counters.present.insert(.blockIO)
        case .ioStat:
            var totals: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            var scanner = ByteScanner(bytes)
            while !scanner.isAtEnd {
                guard let field = scanner.readFieldRange() else { scanner.skipLine(); continue }
                guard
                    let equals = (field.lowerBound..<field.upperBound).first(where: { bytes[$0] == UInt8(ascii: "=") })
                else { continue }
                var number = ByteScanner(bytes, offset: equals + 1)
                guard let value = number.readUInt64() else { continue }
                let key = field.lowerBound..<equals
                if scanner.matches(key, "rbytes") {
                    totals.0 &+= value
                } else if scanner.matches(key, "wbytes") {
                    totals.1 &+= value
                } else if scanner.matches(key, "rios") {
                    totals.2 &+= value
                } else if scanner.matches(key, "wios") {
                    totals.3 &+= value
                }
                if scanner.peek == .newline { scanner.skipLine() }
            }
            (
                counters.blockReadBytes, counters.blockWriteBytes, counters.blockReadOperations,
                counters.blockWriteOperations
            ) = totals
            counters.present.formUnion([.blockIO, .blockIOOperations])
        case .pids:
            var scanner = ByteScanner(bytes)
            if let value = scanner.readUInt64() {
                counters.pidsCurrent = value
                counters.present.insert(.pids)
            }
        case .cpuPressure:
            counters.cpuPressureSomeMicroseconds = pressureTotals(bytes).some
            counters.present.insert(.pressure)
        case .memoryPressure:
            (counters.memoryPressureSomeMicroseconds, counters.memoryPressureFullMicroseconds) = pressureTotals(bytes)
        case .ioPressure:
            (counters.ioPressureSomeMicroseconds, counters.ioPressureFullMicroseconds) = pressureTotals(bytes)
        case .networkDevices:
            parseNetworkDevices(bytes, into: &counters)
        }
    }

    /// The `total=` of the `some` and `full` lines of a PSI file.
    private static func pressureTotals(_ bytes: UnsafeRawBufferPointer) -> (some: UInt64, full: UInt64) {
        var totals: (UInt64, UInt64) = (0, 0)
        var scanner = ByteScanner(bytes)
        while !scanner.isAtEnd {
            guard let kind = scanner.readFieldRange() else { scanner.skipLine(); continue }
            let isSome = scanner.matches(kind, "some")
            while let field = scanner.readFieldRange() {
                guard field.count > 6, scanner.matches(field.lowerBound..<field.lowerBound + 6, "total=") else {
                    continue
                }
                var number = ByteScanner(bytes, offset: field.lowerBound + 6)
                let value = number.readUInt64() ?? 0
                if isSome { totals.0 = value } else { totals.1 = value }
            }
            scanner.skipLine()
        }
        return totals
    }

    /// Sums `/proc/PID/net/dev` over every interface but `lo`.
    private static func parseNetworkDevices(_ bytes: UnsafeRawBufferPointer, into counters: inout CompactCgroupCounters)
    {
        var totals = CompactCgroupCounters()
        var scanner = ByteScanner(bytes)
        while !scanner.isAtEnd {
            defer { scanner.skipLine() }
            scanner.skipSpaces()
            let start = scanner.offset
            while let byte = scanner.peek, byte != .colon, byte != .newline { scanner.seek(to: scanner.offset + 1) }
            let name = start..<scanner.offset
            guard scanner.skip(.colon), !scanner.matches(name, "lo") else { continue }
            guard let receivedBytes = scanner.readUInt64(), let receivedPackets = scanner.readUInt64(),
                let receiveErrors = scanner.readUInt64(), let receiveDrops = scanner.readUInt64()
            else { continue }
            for _ in 0..<4 { _ = scanner.readUInt64() }
            guard let sentBytes = scanner.readUInt64(), let sentPackets = scanner.readUInt64(),
                let sendErrors = scanner.readUInt64(), let sendDrops = scanner.readUInt64()
            else { continue }
            totals.networkReceivedBytes &+= receivedBytes
            totals.networkTransmittedBytes &+= sentBytes
            totals.networkReceivedPackets &+= receivedPackets
            totals.networkTransmittedPackets &+= sentPackets
            totals.networkReceiveDrops &+= receiveDrops
            totals.networkTransmitDrops &+= sendDrops
            totals.networkReceiveErrors &+= receiveErrors
            totals.networkTransmitErrors &+= sendErrors
        }
        counters.networkReceivedBytes = totals.networkReceivedBytes
        counters.networkTransmittedBytes = totals.networkTransmittedBytes
        counters.networkReceivedPackets = totals.networkReceivedPackets
        counters.networkTransmittedPackets = totals.networkTransmittedPackets
        counters.networkReceiveDrops = totals.networkReceiveDrops
        counters.networkTransmitDrops = totals.networkTransmitDrops
        counters.networkReceiveErrors = totals.networkReceiveErrors
        counters.networkTransmitErrors = totals.networkTransmitErrors
        counters.present.insert(.network)
    }
}
