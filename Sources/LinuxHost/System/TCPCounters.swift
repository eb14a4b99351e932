/// The TCP counters of a network namespace from the `Tcp:` lines of /proc/net/snmp, as
/// `sar -n TCP,ETCP` reports them. Counters since the namespace was created, except
/// `currentEstablished`.
public struct TCPCounters: Sendable, Equatable, Codable {
    /// Connections this side opened (SYN sent): `active/s` in sar.
    public var activeOpens: UInt64 = 0
    /// Connections accepted: `passive/s`.
    public var passiveOpens: UInt64 = 0
    /// `AttemptFails`: connection attempts that failed (`atmptf/s`).
    public var attemptFails: UInt64 = 0
    /// `EstabResets`: established connections reset (`estres/s`).
    public var establishedResets: UInt64 = 0
    /// Connections established now: a gauge.
    public var currentEstablished: UInt64 = 0
    /// `InSegs`: segments received, errors included.
    public var segmentsReceived: UInt64 = 0
    /// `OutSegs`: segments sent, retransmissions excluded.
    public var segmentsSent: UInt64 = 0
    /// Segments retransmitted: `retrans/s`, the signal of loss or a slow peer.
    public var segmentsRetransmitted: UInt64 = 0
    /// `InErrs`: segments received in error.
    public var receiveErrors: UInt64 = 0
    /// `OutRsts`: segments sent with RST.
    public var resetsSent: UInt64 = 0

    /// An empty value that the parsers fill in.
    public init() {}

    /// Parses the `Tcp:` header and value lines of /proc/net/snmp, matching columns by name
    /// so added columns do not shift the others.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(HostReadError) -> TCPCounters {
        var scanner = ByteScanner(bytes)
        var header: Range<Int>?
        while !scanner.isAtEnd {
            let line = scanner.readLineRange()
            guard line.count > 4, scanner.matches(line.lowerBound..<line.lowerBound + 4, "Tcp:") else { continue }
            guard let names = header else { header = line; continue }
            var counters = TCPCounters()
            var nameScanner = ByteScanner(
                UnsafeRawBufferPointer(rebasing: bytes[..<names.upperBound]), offset: names.lowerBound + 4)
            var valueScanner = ByteScanner(
                UnsafeRawBufferPointer(rebasing: bytes[..<line.upperBound]), offset: line.lowerBound + 4)
            while let name = nameScanner.readFieldRange() {
                // MaxConn is -1 (no limit): read every value as signed and keep the counters.
                guard let signed = valueScanner.readInt64() else { break }
                let value = UInt64(max(signed, 0))
                if nameScanner.matches(name, "ActiveOpens") {
                    counters.activeOpens = value
                } else if nameScanner.matches(name, "PassiveOpens") {
                    counters.passiveOpens = value
                } else if nameScanner.matches(name, "AttemptFails") {
                    counters.attemptFails = value
                } else if nameScanner.matches(name, "EstabResets") {
                    counters.establishedResets = value
                } else if nameScanner.matches(name, "CurrEstab") {
                    counters.currentEstablished = value
                } else if nameScanner.matches(name, "InSegs") {
                    counters.segmentsReceived = value
                } else if nameScanner.matches(name, "OutSegs") {
                    counters.segmentsSent = value
                } else if nameScanner.matches(name, "RetransSegs") {
                    counters.segmentsRetransmitted = value
                } else if nameScanner.matches(name, "InErrs") {
                    counters.receiveErrors = value
                } else if nameScanner.matches(name, "OutRsts") {
                    counters.resetsSent = value
                }
            }
            return counters
        }
        throw HostReadError(path: path, malformed: "no Tcp: header and value lines")
    }
}
