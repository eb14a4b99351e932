/// One line of /proc/diskstats: the I/O counters of a block device since boot
/// (Documentation/admin-guide/iostats.rst). Times are in milliseconds, sectors are 512 bytes
/// whatever the device's sector size.
public struct DiskStats: Sendable, Equatable, Codable {
    /// The device number.
    public var device: BlockDeviceNumber
    /// The kernel name (`vda`, `sda1`, `nvme0n1`).
    public var name: String
    /// Reads completed.
    public var readsCompleted: UInt64 = 0
    /// Reads merged with an adjacent queued one.
    public var readsMerged: UInt64 = 0
    /// 512-byte sectors read.
    public var sectorsRead: UInt64 = 0
    /// Sum of the time every read took, from issue to completion.
    public var readMilliseconds: UInt64 = 0
    /// Writes completed.
    public var writesCompleted: UInt64 = 0
    /// Writes merged with an adjacent queued one.
    public var writesMerged: UInt64 = 0
    /// 512-byte sectors written.
    public var sectorsWritten: UInt64 = 0
    /// Sum of the time every write took.
    public var writeMilliseconds: UInt64 = 0
    /// Requests in flight now: a gauge, not a counter.
    public var inFlight: UInt64 = 0
    /// Wall time the device had at least one request in flight (`io_ticks`): the base of %util.
    public var busyMilliseconds: UInt64 = 0
    /// In-flight count integrated over time (`time_in_queue`): the base of the average queue size.
    public var weightedBusyMilliseconds: UInt64 = 0
    /// Discards (4.18+); zero on older kernels.
    public var discardsCompleted: UInt64 = 0
    /// 512-byte sectors discarded.
    public var sectorsDiscarded: UInt64 = 0
    /// Sum of the time every discard took.
    public var discardMilliseconds: UInt64 = 0
    /// Flushes (5.5+); zero on older kernels.
    public var flushesCompleted: UInt64 = 0
    /// Sum of the time every flush took.
    public var flushMilliseconds: UInt64 = 0

    /// Creates a value from its fields.
    public init(device: BlockDeviceNumber, name: String) {
        self.device = device
        self.name = name
    }

    /// Bytes per sector in /proc/diskstats, fixed by the kernel.
    public static let bytesPerSector: UInt64 = 512

    /// Parses /proc/diskstats. Names are taken from `previous` when the device is at the
    /// same position, so a steady-state sample allocates only the array.
    public static func parseAll(
        _ bytes: UnsafeRawBufferPointer, path: String, reusing previous: [DiskStats] = []
    ) throws(HostReadError) -> [DiskStats] {
        var disks: [DiskStats] = []
        disks.reserveCapacity(max(previous.count, 4))
        var scanner = ByteScanner(bytes)
        while !scanner.isAtEnd {
            defer { scanner.skipLine() }
            guard let major = scanner.readUInt64() else { continue }
            guard let minor = scanner.readUInt64(), let nameRange = scanner.readFieldRange(), major <= UInt32.max,
                minor <= UInt32.max
            else {
                throw HostReadError(path: path, malformed: "line \(disks.count + 1): expected 'MAJOR MINOR NAME'")
            }
            let device = BlockDeviceNumber(major: UInt32(major), minor: UInt32(minor))
            let index = disks.count
            let name =
                index < previous.count && previous[index].device == device
                    && scanner.matches(nameRange, previous[index].name)
                ? previous[index].name : scanner.string(nameRange)
            var disk = DiskStats(device: device, name: name)
            disk.readsCompleted = scanner.readUInt64() ?? 0
            disk.readsMerged = scanner.readUInt64() ?? 0
            disk.sectorsRead = scanner.readUInt64() ?? 0
            disk.readMilliseconds = scanner.readUInt64() ?? 0
            disk.writesCompleted = scanner.readUInt64() ?? 0
            disk.writesMerged = scanner.readUInt64() ?? 0
            disk.sectorsWritten = scanner.readUInt64() ?? 0
            disk.writeMilliseconds = scanner.readUInt64() ?? 0
            disk.inFlight = scanner.readUInt64() ?? 0
            disk.busyMilliseconds = scanner.readUInt64() ?? 0
            disk.weightedBusyMilliseconds = scanner.readUInt64() ?? 0
            disk.discardsCompleted = scanner.readUInt64() ?? 0
            _ = scanner.readUInt64()
            disk.sectorsDiscarded = scanner.readUInt64() ?? 0
            disk.discardMilliseconds = scanner.readUInt64() ?? 0
            disk.flushesCompleted = scanner.readUInt64() ?? 0
            disk.flushMilliseconds = scanner.readUInt64() ?? 0
            disks.append(disk)
        }
        return disks
    }
}

extension ByteScanner {
    /// True when the bytes in `range` equal `text` (a name kept from an earlier sample).
    func matches(_ range: Range<Int>, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            memoryEqual(UnsafeRawBufferPointer(rebasing: bytes[range]), UnsafeRawBufferPointer(utf8))
        }
    }
}
