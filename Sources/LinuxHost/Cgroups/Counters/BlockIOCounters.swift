/// A block device as the kernel numbers it (`major:minor`, e.g. 254:0 for vda).
public struct BlockDeviceNumber: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The major number (the driver).
    public var major: UInt32
    /// The minor number (the device or partition).
    public var minor: UInt32

    /// Creates a value from its fields.
    public init(major: UInt32, minor: UInt32) {
        self.major = major
        self.minor = minor
    }

    /// `MAJOR:MINOR`, as the kernel writes it.
    public var description: String { "\(major):\(minor)" }

    /// Orders by major, then minor number.
    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.major, lhs.minor) < (rhs.major, rhs.minor) }

    /// Reads `MAJOR:MINOR` at the scanner's cursor (after optional spaces).
    static func read(_ scanner: inout ByteScanner) -> BlockDeviceNumber? {
        guard let major = scanner.readUInt64(), scanner.skip(.colon), let minor = scanner.readUInt64(),
            major <= UInt32.max, minor <= UInt32.max
        else { return nil }
        return BlockDeviceNumber(major: UInt32(major), minor: UInt32(minor))
    }
}

/// Bytes and operations a cgroup read and wrote on one device: counters.
public struct BlockIOCounters: Sendable, Equatable, Codable {
    /// The device.
    public var device: BlockDeviceNumber
    /// Bytes read.
    public var readBytes: UInt64 = 0
    /// Bytes written.
    public var writtenBytes: UInt64 = 0
    /// Read requests.
    public var readOperations: UInt64 = 0
    /// Write requests.
    public var writeOperations: UInt64 = 0

    /// Creates a value from its fields.
    public init(
        device: BlockDeviceNumber, readBytes: UInt64 = 0, writtenBytes: UInt64 = 0, readOperations: UInt64 = 0,
        writeOperations: UInt64 = 0
    ) {
        self.device = device
        self.readBytes = readBytes
        self.writtenBytes = writtenBytes
        self.readOperations = readOperations
        self.writeOperations = writeOperations
    }

    /// Which v1 blkio file is being parsed.
    public enum V1File: Sendable {
        /// `blkio.throttle.io_service_bytes`: bytes.
        case serviceBytes
        /// `blkio.throttle.io_serviced`: operations.
        case serviced
    }

    /// Merges a v1 `blkio.throttle.io_service_bytes` or `io_serviced` file (`MAJ:MIN Read N`
    /// lines, plus Sync/Async/Discard/Total lines that are ignored) into `devices`.
    ///
    /// The `throttle` files count I/O at the block layer for every scheduler; the
    /// `blkio.io_service_bytes` files count only CFQ/BFQ-scheduled I/O, so they are not read.
    public static func mergeV1(_ bytes: UnsafeRawBufferPointer, _ file: V1File, into devices: inout [BlockIOCounters]) {
        var scanner = ByteScanner(bytes)
        while !scanner.isAtEnd {
            defer { scanner.skipLine() }
            guard let first = scanner.peek, first &- UInt8(ascii: "0") < 10,
                let device = BlockDeviceNumber.read(&scanner),
                let operation = scanner.readFieldRange(), let value = scanner.readUInt64()
            else { continue }
            let isRead = scanner.matches(operation, "Read")
            guard isRead || scanner.matches(operation, "Write") else { continue }
            let index = slot(for: device, in: &devices)
            switch (file, isRead) {
            case (.serviceBytes, true): devices[index].readBytes = value
            case (.serviceBytes, false): devices[index].writtenBytes = value
            case (.serviced, true): devices[index].readOperations = value
            case (.serviced, false): devices[index].writeOperations = value
            }
        }
    }

    /// Parses v2 `io.stat`: `MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N` per line.
    public static func parseV2(_ bytes: UnsafeRawBufferPointer) -> [BlockIOCounters] {
        var devices: [BlockIOCounters] = []
        var scanner = ByteScanner(bytes)
        while !scanner.isAtEnd {
            defer { scanner.skipLine() }
            guard let device = BlockDeviceNumber.read(&scanner) else { continue }
            var counters = BlockIOCounters(device: device)
            forEachKeyValue(&scanner) { scanner, key, value in
                guard let value else { return }
                if scanner.matches(key, "rbytes") {
                    counters.readBytes = value
                } else if scanner.matches(key, "wbytes") {
                    counters.writtenBytes = value
                } else if scanner.matches(key, "rios") {
                    counters.readOperations = value
                } else if scanner.matches(key, "wios") {
                    counters.writeOperations = value
                }
            }
            devices.append(counters)
        }
        return devices.sorted { $0.device < $1.device }
    }

    static func slot(for device: BlockDeviceNumber, in devices: inout [BlockIOCounters]) -> Int {
        if let index = devices.firstIndex(where: { $0.device == device }) { return index }
        devices.append(BlockIOCounters(device: device))
        return devices.count - 1
    }
}

/// Walks `key=value` fields to the end of the line; `value` is nil for "max".
func forEachKeyValue(_ scanner: inout ByteScanner, _ body: (ByteScanner, Range<Int>, UInt64?) -> Void) {
    while true {
        scanner.skipSpaces()
        guard let byte = scanner.peek, byte != .newline else { return }
        let start = scanner.offset
        while let byte = scanner.peek, byte != UInt8(ascii: "="), byte != .space, byte != .newline {
            scanner.seek(to: scanner.offset + 1)
        }
        let key = start..<scanner.offset
        guard scanner.skip(UInt8(ascii: "=")) else { continue }
        guard let valueRange = scanner.readFieldRange() else { continue }
        var number = ByteScanner(scanner.bytes, offset: valueRange.lowerBound)
        let value = number.readUInt64()
        body(scanner, key, value != nil && number.offset == valueRange.upperBound ? value : nil)
    }
}
