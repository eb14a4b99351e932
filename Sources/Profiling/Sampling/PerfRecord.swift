/// One `PERF_RECORD_SAMPLE` of a cpu-clock event opened with
/// `sample_type = IP | TID | TIME | CPU | PERIOD | CALLCHAIN`.
package struct PerfSample: Sendable, Equatable {
    /// The instruction pointer when the timer fired.
    package var instructionPointer: UInt64
    /// The host PID (thread group id) of the interrupted task; 0 for the idle task.
    package var pid: Int32
    /// The host TID of the interrupted task.
    package var tid: Int32
    /// CLOCK_MONOTONIC nanoseconds (the event is opened with `use_clockid`).
    package var timeNanoseconds: UInt64
    /// The CPU the sample was taken on.
    package var cpu: UInt32
    /// The event period of this sample (nanoseconds of cpu-clock).
    package var period: UInt64
    /// The call chain, leaf first, with the kernel's context markers (`PERF_CONTEXT_*`) kept.
    package var callchain: [UInt64]

    package init(
        instructionPointer: UInt64, pid: Int32, tid: Int32, timeNanoseconds: UInt64, cpu: UInt32, period: UInt64,
        callchain: [UInt64]
    ) {
        self.instructionPointer = instructionPointer
        self.pid = pid
        self.tid = tid
        self.timeNanoseconds = timeNanoseconds
        self.cpu = cpu
        self.period = period
        self.callchain = callchain
    }
}

/// The records Periscope reads from a perf ring buffer, decoded.
package enum PerfRecord: Sendable, Equatable {
    /// `PERF_RECORD_SAMPLE`.
    case sample(PerfSample)
    /// `PERF_RECORD_LOST`: the kernel dropped `count` records because the buffer was full.
    case lost(count: UInt64)
    /// Any other record type (skipped by its size).
    case other(type: UInt32)

    /// `PERF_RECORD_LOST`.
    static let lostType: UInt32 = 2
    /// `PERF_RECORD_SAMPLE`.
    static let sampleType: UInt32 = 9
    /// The longest call chain accepted (the kernel's default `perf_event_max_stack` is 127;
    /// the sysctl allows more, so leave room).
    static let maximumCallchainDepth = 4096

    /// Decodes one whole record (header included), little-endian as written by this machine's
    /// kernel. A record too short for the fields its type promises is an error naming the
    /// missing field, never a crash.
    package static func decode(_ record: UnsafeRawBufferPointer) throws(PerfRecordError) -> PerfRecord {
        var cursor = LittleEndianCursor(record)
        guard let type = cursor.uint32(), cursor.uint16() != nil, let size = cursor.uint16() else {
            throw PerfRecordError(reason: "record shorter than its 8-byte header", byteCount: record.count)
        }
        guard Int(size) == record.count else {
            throw PerfRecordError(reason: "header size \(size) differs from the record length", byteCount: record.count)
        }
        switch type {
        case sampleType:
            guard let ip = cursor.uint64(), let pid = cursor.uint32(), let tid = cursor.uint32(),
                let time = cursor.uint64(), let cpu = cursor.uint32(), cursor.uint32() != nil,
                let period = cursor.uint64(), let depth = cursor.uint64()
            else { throw PerfRecordError(reason: "sample shorter than its fixed fields", byteCount: record.count) }
            guard depth <= UInt64(maximumCallchainDepth), Int(depth) * 8 <= cursor.remaining else {
                throw PerfRecordError(
                    reason: "call chain of \(depth) entries does not fit the record", byteCount: record.count)
            }
            var callchain: [UInt64] = []
            callchain.reserveCapacity(Int(depth))
            for _ in 0..<Int(depth) { callchain.append(cursor.uint64()!) }
            return .sample(
                PerfSample(
                    instructionPointer: ip, pid: Int32(bitPattern: pid), tid: Int32(bitPattern: tid),
                    timeNanoseconds: time, cpu: cpu, period: period, callchain: callchain))
        case lostType:
            guard cursor.uint64() != nil, let lost = cursor.uint64() else {
                throw PerfRecordError(reason: "lost record shorter than id and count", byteCount: record.count)
            }
            return .lost(count: lost)
        default:
            return .other(type: type)
        }
    }
}

/// A record whose bytes do not match its type.
package struct PerfRecordError: Error, Sendable, CustomStringConvertible {
    package var reason: String
    package var byteCount: Int
    package var description: String { "malformed perf record (\(byteCount) bytes): \(reason)" }
}

/// Reads little-endian integers from a byte buffer, whatever the host's byte order.
struct LittleEndianCursor {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func uint16() -> UInt16? { next(UInt16.self) }
    mutating func uint32() -> UInt32? { next(UInt32.self) }
    mutating func uint64() -> UInt64? { next(UInt64.self) }

    private mutating func next<T: FixedWidthInteger>(_: T.Type) -> T? {
        guard remaining >= MemoryLayout<T>.size else { return nil }
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return value
    }
}
