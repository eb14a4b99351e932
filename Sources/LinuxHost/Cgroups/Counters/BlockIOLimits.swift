/// The throttling limits set on one device for a cgroup; nil fields are unlimited.
public struct BlockIOLimits: Sendable, Equatable, Codable {
    /// The device.
    public var device: BlockDeviceNumber
    /// Read bandwidth limit (v1 `read_bps_device`, v2 `rbps`).
    public var readBytesPerSecond: UInt64?
    /// Write bandwidth limit (`wbps`).
    public var writeBytesPerSecond: UInt64?
    /// Read IOPS limit (`riops`).
    public var readOperationsPerSecond: UInt64?
    /// Write IOPS limit (`wiops`).
    public var writeOperationsPerSecond: UInt64?

    /// Creates a value from its fields.
    public init(
        device: BlockDeviceNumber, readBytesPerSecond: UInt64? = nil, writeBytesPerSecond: UInt64? = nil,
        readOperationsPerSecond: UInt64? = nil, writeOperationsPerSecond: UInt64? = nil
    ) {
        self.device = device
        self.readBytesPerSecond = readBytesPerSecond
        self.writeBytesPerSecond = writeBytesPerSecond
        self.readOperationsPerSecond = readOperationsPerSecond
        self.writeOperationsPerSecond = writeOperationsPerSecond
    }

    /// The four v1 files, one limit kind each.
    public enum V1File: Sendable, CaseIterable {
        case readBytesPerSecond, writeBytesPerSecond, readOperationsPerSecond, writeOperationsPerSecond

        /// The file name in the blkio directory.
        public var fileName: String {
            switch self {
            case .readBytesPerSecond: "blkio.throttle.read_bps_device"
            case .writeBytesPerSecond: "blkio.throttle.write_bps_device"
            case .readOperationsPerSecond: "blkio.throttle.read_iops_device"
            case .writeOperationsPerSecond: "blkio.throttle.write_iops_device"
            }
        }
    }

    /// Merges one v1 `blkio.throttle.*_device` file (`MAJ:MIN LIMIT` lines; empty when no
    /// limit is set) into `limits`.
    public static func mergeV1(_ bytes: UnsafeRawBufferPointer, _ file: V1File, into limits: inout [BlockIOLimits]) {
        var scanner = ByteScanner(bytes)
        while !scanner.isAtEnd {
            defer { scanner.skipLine() }
            guard let device = BlockDeviceNumber.read(&scanner), let value = scanner.readUInt64() else { continue }
            let index: Int
            if let found = limits.firstIndex(where: { $0.device == device }) {
                index = found
            } else {
                limits.append(BlockIOLimits(device: device))
                index = limits.count - 1
            }
            switch file {
            case .readBytesPerSecond: limits[index].readBytesPerSecond = value
            case .writeBytesPerSecond: limits[index].writeBytesPerSecond = value
            case .readOperationsPerSecond: limits[index].readOperationsPerSecond = value
            case .writeOperationsPerSecond: limits[index].writeOperationsPerSecond = value
            }
        }
    }

    /// Parses v2 `io.max`: `MAJ:MIN rbps=N|max wbps=… riops=… wiops=…` per limited device.
    public static func parseV2(_ bytes: UnsafeRawBufferPointer) -> [BlockIOLimits] {
        var limits: [BlockIOLimits] = []
        var scanner = ByteScanner(bytes)
        while !scanner.isAtEnd {
            defer { scanner.skipLine() }
            guard let device = BlockDeviceNumber.read(&scanner) else { continue }
            var limit = BlockIOLimits(device: device)
            forEachKeyValue(&scanner) { scanner, key, value in
                if scanner.matches(key, "rbps") {
                    limit.readBytesPerSecond = value
                } else if scanner.matches(key, "wbps") {
                    limit.writeBytesPerSecond = value
                } else if scanner.matches(key, "riops") {
                    limit.readOperationsPerSecond = value
                } else if scanner.matches(key, "wiops") {
                    limit.writeOperationsPerSecond = value
                }
            }
            limits.append(limit)
        }
        return limits
    }
}
