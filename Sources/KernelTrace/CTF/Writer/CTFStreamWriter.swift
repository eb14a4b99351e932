#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// One CTF data stream file: packets of events from one CPU (or the statedump). Each packet
/// starts with the trace packet header and the LTTng-shaped packet context, patched with
/// its times and sizes when the packet is closed.
final class CTFStreamWriter {
    static let packetMagic: UInt32 = 0xC1FC_1FC1
    /// Header (32 bytes) + context (52 bytes).
    static let packetPreambleBytes = 84
    static let packetTargetBytes = 1 << 18

    let path: String
    let cpu: Int
    let streamInstanceID: UInt64
    let uuid: [UInt8]
    var encoder = CTFEventEncoder()
    private let descriptor: Int32
    private var packetSequence: UInt64 = 0
    private var packetBegin: UInt64 = 0
    private var lastTimestamp: UInt64 = 0
    private var packetOpen = false
    /// Cumulative events the kernel lost on this CPU (CTF `events_discarded`).
    var discardedEvents: UInt64 = 0
    private(set) var eventCount = 0

    init(path: String, cpu: Int, streamInstanceID: UInt64, uuid: [UInt8]) throws(TraceDirectoryError) {
        self.path = path
        self.cpu = cpu
        self.streamInstanceID = streamInstanceID
        self.uuid = uuid
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io(path: path, errno: errno, operation: "create") }
    }

    deinit { close(descriptor) }

    /// Starts an event: opens a packet if needed and writes the event header (id, 64-bit time).
    @inline(__always)
    func beginEvent(id: Int, timestamp: UInt64) {
        if !packetOpen { openPacket(at: timestamp) }
        encoder.append(UInt16(truncatingIfNeeded: id))
        encoder.append(timestamp)
        lastTimestamp = timestamp
        eventCount += 1
    }

    /// Ends an event; closes the packet once it is large.
    @inline(__always)
    func endEvent() throws(TraceDirectoryError) {
        if encoder.bytes.count >= Self.packetTargetBytes { try closePacket(endingAt: lastTimestamp) }
    }

    /// Opens the stream's first packet at `timestamp` (before its first event), so that every
    /// stream of the trace begins at the same time.
    func openFirstPacket(at timestamp: UInt64) {
        if !packetOpen && packetSequence == 0 { openPacket(at: timestamp) }
    }

    private func openPacket(at timestamp: UInt64) {
        encoder.removeAll()
        encoder.bytes.append(contentsOf: repeatElement(0, count: Self.packetPreambleBytes))
        packetBegin = timestamp
        packetOpen = true
    }

    /// Patches the preamble and writes the packet.
    func closePacket(endingAt end: UInt64) throws(TraceDirectoryError) {
        guard packetOpen else { return }
        let contentBits = UInt64(encoder.bytes.count) * 8
        var preamble = CTFEventEncoder()
        preamble.append(Self.packetMagic)
        preamble.bytes.append(contentsOf: uuid)
        preamble.append(UInt32(0))  // stream_id
        preamble.append(streamInstanceID)
        preamble.append(packetBegin)
        preamble.append(max(end, packetBegin))
        preamble.append(contentBits)
        preamble.append(contentBits)  // packet_size: no padding after the content
        preamble.append(packetSequence)
        preamble.append(discardedEvents)
        preamble.append(UInt32(truncatingIfNeeded: cpu))
        encoder.bytes.replaceSubrange(0..<Self.packetPreambleBytes, with: preamble.bytes)
        do {
            try SystemCall.writeAll(descriptor, encoder.bytes)
        } catch {
            throw .io(path: path, errno: error.rawValue, operation: "write")
        }
        packetSequence += 1
        packetOpen = false
        encoder.removeAll()
    }

    /// Closes the last packet at `end`. A stream with no event still gets one empty packet so
    /// readers see the CPU and its discarded-event count; one whose last packet was already
    /// closed (full) gets an empty one up to `end`, so every stream covers the whole trace
    /// (readers that intersect streams would otherwise cut the trace at its last event).
    func finish(endingAt end: UInt64, startingAt start: UInt64) throws(TraceDirectoryError) {
        if !packetOpen { openPacket(at: packetSequence == 0 ? start : lastTimestamp) }
        try closePacket(endingAt: max(end, lastTimestamp))
    }
}
