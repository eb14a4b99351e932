/// One interface of /proc/net/dev (or `/proc/PID/net/dev`, which shows the interfaces of
/// that process's network namespace: how a container's traffic is read from the host).
public struct NetworkDeviceStats: Sendable, Equatable, Codable {
    /// The interface name (`eth0`, `lo`).
    public var interface: String
    /// Bytes received.
    public var receivedBytes: UInt64 = 0
    /// Packets received.
    public var receivedPackets: UInt64 = 0
    /// Receive errors (CRC, frame, overrun).
    public var receiveErrors: UInt64 = 0
    /// Packets dropped on receive (no buffer, filtered, unknown protocol).
    public var receiveDrops: UInt64 = 0
    /// Bytes sent.
    public var transmittedBytes: UInt64 = 0
    /// Packets sent.
    public var transmittedPackets: UInt64 = 0
    /// Transmit errors.
    public var transmitErrors: UInt64 = 0
    /// Packets dropped on transmit.
    public var transmitDrops: UInt64 = 0

    /// Creates a value from its fields.
    public init(interface: String) { self.interface = interface }

    /// Parses net/dev (two header lines, then `name: 16 counters`). Interface names are
    /// reused from `previous` when at the same position.
    public static func parseAll(
        _ bytes: UnsafeRawBufferPointer, path: String, reusing previous: [NetworkDeviceStats] = []
    ) throws(HostReadError) -> [NetworkDeviceStats] {
        var interfaces: [NetworkDeviceStats] = []
        interfaces.reserveCapacity(max(previous.count, 4))
        var scanner = ByteScanner(bytes)
        while !scanner.isAtEnd {
            defer { scanner.skipLine() }
            scanner.skipSpaces()
            let start = scanner.offset
            // The name ends at ':'; the first counter may follow it without a space.
            while let byte = scanner.peek, byte != .colon, byte != .newline, byte != UInt8(ascii: "|") {
                scanner.seek(to: scanner.offset + 1)
            }
            let nameRange = start..<scanner.offset
            guard !nameRange.isEmpty, scanner.skip(.colon) else { continue }
            let index = interfaces.count
            let name =
                index < previous.count && scanner.matches(nameRange, previous[index].interface)
                ? previous[index].interface : scanner.string(nameRange)
            var stats = NetworkDeviceStats(interface: name)
            stats.receivedBytes = scanner.readUInt64() ?? 0
            stats.receivedPackets = scanner.readUInt64() ?? 0
            stats.receiveErrors = scanner.readUInt64() ?? 0
            stats.receiveDrops = scanner.readUInt64() ?? 0
            // fifo, frame, compressed, multicast: not reported.
            for _ in 0..<4 { _ = scanner.readUInt64() }
            guard let transmittedBytes = scanner.readUInt64(), let transmittedPackets = scanner.readUInt64(),
                let transmitErrors = scanner.readUInt64(), let transmitDrops = scanner.readUInt64()
            else { throw HostReadError(path: path, malformed: "interface \(name): fewer than 12 counters") }
            stats.transmittedBytes = transmittedBytes
            stats.transmittedPackets = transmittedPackets
            stats.transmitErrors = transmitErrors
            stats.transmitDrops = transmitDrops
            interfaces.append(stats)
        }
        return interfaces
    }
}
