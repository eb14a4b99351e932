/// Whether cgroup v1 blkio accounts each block device.
///
/// On some kernels (seen on 6.18) `blkio.throttle.io_service_bytes` accounts a device only
/// once some throttle rule has been set on it: on a fresh boot a container writing with
/// `oflag=direct` shows 0 bytes there (and in `docker stats`) while `/proc/diskstats` shows the
/// writes. The root cgroup's file then has no line for the device. A device that did I/O but
/// has no line there is "unaccounted": every cgroup's figure for it is a silent zero.
/// Cgroup v2 `io.stat` has no such gap.
public enum BlockIOAccounting {
    /// The devices with a line in a v1 `blkio.throttle.io_service_bytes` file.
    public static func accountedDevices(_ serviceBytes: UnsafeRawBufferPointer) -> Set<BlockDeviceNumber> {
        var devices: [BlockIOCounters] = []
        BlockIOCounters.mergeV1(serviceBytes, .serviceBytes, into: &devices)
        return Set(devices.map(\.device))
    }

    /// Whole disks that did I/O since boot (`disks`, from /proc/diskstats) but are missing from
    /// `accounted`, the root cgroup's accounted devices. Partitions are left out: blkio
    /// accounts a partition's I/O on its disk.
    public static func unaccountedDevices(disks: [DiskStats], accounted: Set<BlockDeviceNumber>) -> [DiskStats] {
        let names = Set(disks.map(\.name))
        return disks.filter { disk in
            disk.sectorsRead + disk.sectorsWritten > 0 && !accounted.contains(disk.device)
                && !isPartition(disk.name, of: names)
        }.sorted { $0.device < $1.device }
    }

    /// Reads the root cgroup's file of the v1 blkio hierarchy in `layout` and returns the
    /// unaccounted disks; nil when there is no v1 blkio hierarchy (v2 accounts every device)
    /// or its file cannot be read.
    public static func unaccountedDevices(
        layout: CgroupLayout, disks: [DiskStats], reader: KernelFileReader
    ) -> [DiskStats]? {
        guard let blkio = layout.hierarchy(forController: "blkio"), !blkio.isUnified else { return nil }
        guard
            let accounted = try? reader.withContents(
                of: blkio.mountPoint + "/blkio.throttle.io_service_bytes", accountedDevices)
        else { return nil }
        return unaccountedDevices(disks: disks, accounted: accounted)
    }

    /// `vda1` of `vda`, `nvme0n1p2` of `nvme0n1`, `mmcblk0p1` of `mmcblk0`.
    static func isPartition(_ name: String, of names: Set<String>) -> Bool {
        var base = Substring(name)
        while let last = base.last, last.isNumber { base = base.dropLast() }
        guard base.count < name.count else { return false }
        if names.contains(String(base)) { return true }
        return base.last == "p" && names.contains(String(base.dropLast()))
    }
}

extension KernelFileReader {
    /// The PIDs in a cgroup directory's `cgroup.procs` (processes, not threads).
    public func cgroupProcesses(in directory: String) throws(HostReadError) -> [Int32] {
        try withContents(of: directory + "/cgroup.procs") { bytes in
            var pids: [Int32] = []
            var scanner = ByteScanner(bytes)
            while let pid = scanner.readUInt64() {
                pids.append(Int32(truncatingIfNeeded: pid))
                scanner.skipLine()
            }
            return pids
        }
    }
}
