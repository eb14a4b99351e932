#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import LinuxHost

/// Walks the packets of one CTF data stream file, one event header ahead.
///
/// The file is mapped read-only and decoded in place (a `pread` copy of every packet was a
/// sixth of the CTF path); the pages behind the current packet are dropped as the cursor passes
/// them, so resident memory stays at about one packet per stream whatever the trace length.
/// After `advance()` returns true, `pendingEvent` and `pendingTimestamp` describe the next
/// event, whose contexts and payload are decoded by `decodePending(_:into:scratch:)` only when
/// the merge picks it.
final class CTFStreamCursor {
    /// Packets larger than this are refused (LTTng's default sub-buffers are 4 KiB to 1 MiB).
    static let maximumPacketBytes = 256 << 20
    /// Zero bytes readable past the end of the file: the bit reader loads a whole word at the
    /// last field of a packet.
    static let slackBytes = 16
    static let packetMagic: UInt64 = 0xC1FC_1FC1
    /// Bytes passed before their pages are dropped at once (one `madvise` per MiB).
    static let releaseChunkBytes = 1 << 20

    let path: String
    private let trace: CTFTrace
    private let file: MappedFile
    private let fileSize: Int
    private var reader: CTFBitReader
    private var packetOffset = 0
    private var nextPacketOffset = 0
    /// File bytes before this offset have been released (`MADV_DONTNEED`).
    private var releasedBytes = 0
    private var stream: CTFTrace.StreamPlan?
    /// `stream` without reference counting, for the per-event path (`stream` keeps it alive).
    private var streamReference: Unmanaged<CTFTrace.StreamPlan>?
    private var headerSlots: UnsafeMutablePointer<EventFieldSlot>
    private var headerSlotCapacity: Int
    private var clockCycles: UInt64 = 0
    private var lastDiscarded: UInt64?
    /// Event headers hold no arrays in practice; a small buffer covers the ones that do.
    private var headerScratch = CTFScratch(capacity: 4096)

    private(set) var cpu = -1
    /// Not retained: the trace owns its plans for longer than any cursor runs (and reference
    /// counting them per event was measurable).
    private(set) var pendingEvent: Unmanaged<CTFTrace.EventPlan>?
    private(set) var pendingTimestamp: UInt64 = 0
    /// Events the tracer discarded before the current packet, reported once.
    var pendingLostEvents: UInt64 = 0
    private(set) var packetBeginTimestamp: UInt64 = 0
    /// The current packet's `timestamp_end`, when the packet context has one.
    private(set) var packetEndTimestamp: UInt64?

    init(path: String, trace: CTFTrace) throws {
        self.path = path
        self.trace = trace
        do {
            file = try MappedFile(path: path, readableSlackBytes: Self.slackBytes)
        } catch {
            switch error {
            case .io(_, let code, _): throw CTFReaderError.unreadable(path: path, errno: code)
            case .malformed(_, let reason): throw CTFReaderError.badPacket(path: path, offset: 0, reason: reason)
            case .tracefs: throw CTFReaderError.unreadable(path: path, errno: EIO)
            }
        }
        fileSize = file.bytes.count
        // With slack bytes even an empty file has a (zero) mapping.
        reader = CTFBitReader(base: file.bytes.baseAddress!, limitInBits: 0, bitPosition: 0)
        headerSlotCapacity = 16
        headerSlots = .allocate(capacity: headerSlotCapacity)
    }

    deinit {
        headerSlots.deallocate()
        headerScratch.deallocate()
    }

    /// The stream clock's offset and frequency, cached per packet so the per-event conversion
    /// touches no reference-counted plan.
    private var clockOffsetNanoseconds: UInt64 = 0
    private var clockFrequency: UInt64 = 1_000_000_000

    @inline(__always)
    private func nanoseconds(_ cycles: UInt64) -> UInt64 {
        let value =
            clockFrequency == 1_000_000_000
            ? cycles : UInt64(truncatingIfNeeded: Self.scale(Int64(bitPattern: cycles), clockFrequency))
        return value &+ clockOffsetNanoseconds
    }

    private static func scale(_ cycles: Int64, _ frequency: UInt64) -> Int64 {
        if frequency == 1_000_000_000 { return cycles }
        let hz = Int64(frequency)
        return (cycles / hz) &* 1_000_000_000 &+ (cycles % hz) &* 1_000_000_000 / hz
    }

    /// Drops the mapped pages before `offset` once a chunk of them has been passed; nothing
    /// decoded from them is referenced any more (slots point into the current packet only).
    private func releasePages(before offset: Int) {
        let end = offset & ~(Self.releaseChunkBytes - 1)
        guard end > releasedBytes, let base = file.bytes.baseAddress else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + releasedBytes), end - releasedBytes, MADV_DONTNEED)
        releasedBytes = end
    }

    private func badPacket(_ reason: String) -> CTFReaderError {
        .badPacket(path: path, offset: packetOffset, reason: reason)
    }

    /// Reads the next non-empty packet; false at the end of the file.
    private func loadPacket() throws -> Bool {
        while nextPacketOffset < fileSize {
            packetOffset = nextPacketOffset
            let remaining = fileSize - packetOffset
            releasePages(before: packetOffset)
            let packetBase = file.bytes.baseAddress! + packetOffset
            // The header is decoded within the first 64 KiB, then (when it runs past) 4 MiB:
            // a corrupt header fails within a bounded window, with the same errors as ever.
            var available = min(remaining, 1 << 16)
            var slots = [EventFieldSlot](repeating: .absent, count: 64)
            var contextSlots = slots
            var headerEnd = 0
            var streamID: UInt64 = 0
            var contextProgram: CTFCompiledProgram?
            var decoded = false
            // Headers are small; if one does not fit the first read, read more once.
            for _ in 0..<2 where !decoded {
                var packetReader = CTFBitReader(base: packetBase, limitInBits: available * 8, bitPosition: 0)
                do {
                    let program = trace.packetProgram
                    if slots.count < program.slotCount { slots = Array(repeating: .absent, count: program.slotCount) }
                    var scratch = CTFScratch(capacity: 4096)
                    defer { scratch.deallocate() }
                    try slots.withUnsafeMutableBufferPointer {
                        try program.run(reader: &packetReader, slots: $0.baseAddress!, scratch: &scratch)
                    }
                    if let magicSlot = program.slot(named: "magic"), slots[magicSlot].bits != Self.packetMagic {
                        throw badPacket("bad magic 0x\(String(slots[magicSlot].bits, radix: 16))")
                    }
                    if let streamSlot = program.slot(named: "stream_id") { streamID = slots[streamSlot].bits }
                    guard let context = trace.contextPrograms[streamID] else {
                        throw badPacket("unknown stream class \(streamID)")
                    }
                    contextProgram = context
                    if contextSlots.count < context.slotCount {
                        contextSlots = Array(repeating: .absent, count: context.slotCount)
                    }
                    try contextSlots.withUnsafeMutableBufferPointer {
                        try context.run(reader: &packetReader, slots: $0.baseAddress!, scratch: &scratch)
                    }
                    headerEnd = packetReader.bitPosition
                    decoded = true
                } catch let failure as CTFDecodeFailure {
                    guard available < remaining else { throw badPacket(failure.reason) }
                    available = min(remaining, 1 << 22)
                }
            }
            guard decoded, let context = contextProgram else { throw badPacket("packet header does not fit the file") }
            func contextValue(_ name: String) -> UInt64? {
                context.slot(named: name).flatMap { contextSlots[$0].presence == 0 ? contextSlots[$0].bits : nil }
            }
            let packetBits = Int(clamping: contextValue("packet_size") ?? UInt64(remaining * 8))
            let contentBits = Int(clamping: contextValue("content_size") ?? UInt64(packetBits))
            guard packetBits % 8 == 0, packetBits > 0, contentBits <= packetBits, contentBits >= headerEnd,
                packetBits / 8 <= remaining, packetBits / 8 <= Self.maximumPacketBytes
            else {
                throw badPacket(
                    "content size \(contentBits) / packet size \(packetBits) bits do not fit (\(remaining) bytes left)")
            }
            nextPacketOffset = packetOffset + packetBits / 8
            guard let stream = trace.streams[streamID] else { throw badPacket("unknown stream class \(streamID)") }
            self.stream = stream
            streamReference = Unmanaged.passUnretained(stream)
            clockFrequency = stream.clock.frequency
            clockOffsetNanoseconds = UInt64(
                bitPattern: stream.clock.offsetSeconds &* 1_000_000_000
                    &+ Self.scale(stream.clock.offsetCycles, stream.clock.frequency))
            if stream.header.slotCount > headerSlotCapacity {
                headerSlots.deallocate()
                headerSlotCapacity = stream.header.slotCount
                headerSlots = .allocate(capacity: headerSlotCapacity)
            }
            if let cpuID = contextValue("cpu_id") { cpu = Int(cpuID) }
            if let begin = contextValue("timestamp_begin") {
                clockCycles = begin
                packetBeginTimestamp = nanoseconds(begin)
            } else {
                packetBeginTimestamp = nanoseconds(clockCycles)
            }
            packetEndTimestamp = contextValue("timestamp_end").map(nanoseconds)
            if let discarded = contextValue("events_discarded") {
                if let last = lastDiscarded, discarded > last { pendingLostEvents += discarded - last }
                if lastDiscarded == nil, discarded > 0 { pendingLostEvents += discarded }
                lastDiscarded = discarded
            }
            reader = CTFBitReader(base: packetBase, limitInBits: contentBits, bitPosition: headerEnd)
            if headerEnd < contentBits { return true }
        }
        return false
    }

    /// The time the stream's packets cover (first `timestamp_begin` to last `timestamp_end`),
    /// found by reading packet headers only; nil without those fields.
    func packetTimeRange() throws -> ClosedRange<UInt64>? {
        var first: UInt64?
        var last: UInt64?
        while try loadPacket() {
            if first == nil { first = packetBeginTimestamp }
            if let end = packetEndTimestamp { last = end }
            reader.bitPosition = reader.limitInBits
        }
        guard let first, let last, last >= first else { return nil }
        return first...last
    }

    /// Decodes the next event's header; false when the stream has no more events.
    func advance() throws -> Bool {
        pendingEvent = nil
        if stream == nil || reader.bitPosition >= reader.limitInBits {
            guard try loadPacket() else { return false }
        }
        guard let streamReference else { return false }
        try streamReference._withUnsafeGuaranteedRef { stream in
            let eventStart = reader.bitPosition
            try setPending(id: try decodeHeader(of: stream), of: stream, eventStart: eventStart)
        }
        return true
    }

    /// Decodes one event header of `stream` at the reader's position (inside the content),
    /// moving the clock to its time; returns the event id.
    @inline(__always)
    private func decodeHeader(of stream: CTFTrace.StreamPlan) throws -> UInt64 {
        let eventStart = reader.bitPosition
        if let fixed = stream.fixedHeader {
            let mask = fixed.alignmentInBits - 1
            let start = (eventStart + mask) & ~mask
            // Near the end of the content the interpreter below fails at the same bit offset.
            if start + fixed.sizeInBits <= reader.limitInBits {
                let base = reader.base + (start >> 3)
                let id = fixed.id.value(from: base)
                advanceClock(to: fixed.timestamp.value(from: base), sizeInBits: fixed.timestampSizeInBits)
                reader.bitPosition = start + fixed.sizeInBits
                return id
            }
        }
        if let lttng = stream.lttngHeader {
            let start = (eventStart + 7) & ~7
            if let header = lttng.decode(reader.base + (start >> 3), availableBits: reader.limitInBits - start) {
                advanceClock(to: header.timestamp, sizeInBits: header.timestampSizeInBits)
                reader.bitPosition = start + header.sizeInBits
                return header.id
            }
        }
        // Work on local copies: class properties passed inout pay a dynamic exclusivity check per access.
        var localReader = reader
        var scratch = headerScratch
        scratch.used = 0
        do {
            try stream.header.run(reader: &localReader, slots: headerSlots, scratch: &scratch)
        } catch {
            throw CTFReaderError.badEvent(
                path: path, packetOffset: packetOffset, bitOffset: eventStart, reason: error.reason)
        }
        reader = localReader
        var id: UInt64 = 0
        for slot in stream.idSlots where headerSlots[slot].presence == 0 { id = headerSlots[slot].bits }
        for (slot, size) in stream.timestampSlots where headerSlots[slot].presence == 0 {
            advanceClock(to: headerSlots[slot].bits, sizeInBits: size)
        }
        return id
    }

    /// A header timestamp of `size` bits: the low bits of the clock, which wraps forward when
    /// they go back (LTTng's 27-bit compact timestamps).
    @inline(__always)
    private func advanceClock(to value: UInt64, sizeInBits size: Int) {
        if size >= 64 {
            clockCycles = value
        } else {
            let mask: UInt64 = (1 << UInt64(size)) - 1
            var updated = (clockCycles & ~mask) | value
            if value < clockCycles & mask { updated &+= 1 << UInt64(size) }
            clockCycles = updated
        }
    }

    @inline(__always)
    private func setPending(id: UInt64, of stream: CTFTrace.StreamPlan, eventStart: Int) throws {
        guard id < UInt64(stream.eventReferences.count), let event = stream.eventReferences[Int(id)] else {
            throw CTFReaderError.badEvent(
                path: path, packetOffset: packetOffset, bitOffset: eventStart,
                reason: "unknown event id \(id) in stream class \(stream.id)")
        }
        pendingEvent = event
        pendingTimestamp = nanoseconds(clockCycles)
    }

    /// Events passed over by `advance(skipping:slots:scratch:)` since `clearSkipped()`, and
    /// the times of the first and the last of them.
    private(set) var skippedCount = 0
    private(set) var firstSkippedTimestamp: UInt64 = 0
    private(set) var lastSkippedTimestamp: UInt64 = 0

    /// `advance()`, passing over every event whose class has a step in `skipSteps` (by class
    /// index) without decoding it.
    func advance(
        skipping skipSteps: UnsafePointer<CTFSkipStep?>, slots: UnsafeMutablePointer<EventFieldSlot>,
        scratch: inout CTFScratch
    ) throws -> Bool {
        while true {
            pendingEvent = nil
            if stream == nil || reader.bitPosition >= reader.limitInBits {
                guard try loadPacket() else { return false }
            }
            guard let streamReference else { return false }
            // The packet's events, one plan reference for all of them: most are skipped, found
            // skipped from the id alone (the event's plan is not touched).
            let delivered = try streamReference._withUnsafeGuaranteedRef { stream throws -> Bool in
                let classIndexByID = stream.classIndexByID
                let idCount = UInt64(stream.idCount)
                repeat {
                    let eventStart = reader.bitPosition
                    let id = try decodeHeader(of: stream)
                    if id < idCount, classIndexByID[Int(id)] >= 0, let step = skipSteps[Int(classIndexByID[Int(id)])] {
                        pendingTimestamp = nanoseconds(clockCycles)
                        try skip(step, slots: slots, scratch: &scratch)
                    } else {
                        try setPending(id: id, of: stream, eventStart: eventStart)
                        return true
                    }
                } while reader.bitPosition < reader.limitInBits
                return false
            }
            if delivered { return true }
        }
    }

    /// Passes over the pending event, counting it as skipped.
    func skipPending(
        _ step: CTFSkipStep, slots: UnsafeMutablePointer<EventFieldSlot>, scratch: inout CTFScratch
    ) throws {
        pendingEvent = nil
        try skip(step, slots: slots, scratch: &scratch)
    }

    /// Passes over the event whose header was just read (at `pendingTimestamp`), counting it.
    @inline(__always)
    private func skip(
        _ step: CTFSkipStep, slots: UnsafeMutablePointer<EventFieldSlot>, scratch: inout CTFScratch
    ) throws {
        if !passOver(step) {
            scratch.used = 0
            try run(step.program, into: slots, scratch: &scratch)
        }
        if skippedCount == 0 {
            firstSkippedTimestamp = pendingTimestamp
            lastSkippedTimestamp = pendingTimestamp
        }
        lastSkippedTimestamp = max(lastSkippedTimestamp, pendingTimestamp)
        skippedCount &+= 1
    }

    func clearSkipped() { skippedCount = 0 }

    /// Moves past the pending event by its fixed span (and trailing string); false, with the
    /// reader left where it was, when the step cannot (a variable layout, or the event does
    /// not fit the content: decoding then fails where it should).
    @inline(__always)
    private func passOver(_ step: CTFSkipStep) -> Bool {
        guard step.sizeInBits >= 0 else { return false }
        let mask = step.alignmentInBits - 1
        let end = ((reader.bitPosition + mask) & ~mask) + step.sizeInBits
        guard end <= reader.limitInBits else { return false }
        guard step.endsWithString else {
            reader.bitPosition = end
            return true
        }
        let start = (end + 7) & ~7
        let available = (reader.limitInBits - start) >> 3
        guard available > 0, let nul = memchr(reader.base + (start >> 3), 0, available) else { return false }
        reader.bitPosition = start + (UnsafeRawPointer(nul) - (reader.base + (start >> 3)) + 1) * 8
        return true
    }

    /// Decodes the contexts and payload of the pending event into `slots` with `program` (the
    /// event plan's, or one decoding fewer fields: `CTFCompiledProgram.decoding(only:)`).
    func decodePending(
        _ program: Unmanaged<CTFCompiledProgram>, into slots: UnsafeMutablePointer<EventFieldSlot>,
        scratch: inout CTFScratch
    ) throws {
        guard pendingEvent != nil else { return }
        try run(program, into: slots, scratch: &scratch)
    }

    /// Runs `program` over the event's contexts and payload at the reader's position.
    private func run(
        _ program: Unmanaged<CTFCompiledProgram>, into slots: UnsafeMutablePointer<EventFieldSlot>,
        scratch: inout CTFScratch
    ) throws {
        var localReader = reader
        let start = localReader.bitPosition
        do {
            try program._withUnsafeGuaranteedRef {
                try $0.run(reader: &localReader, slots: slots, scratch: &scratch)
            }
        } catch let failure as CTFDecodeFailure {
            throw CTFReaderError.badEvent(
                path: path, packetOffset: packetOffset, bitOffset: start, reason: failure.reason)
        }
        reader = localReader
    }
}
