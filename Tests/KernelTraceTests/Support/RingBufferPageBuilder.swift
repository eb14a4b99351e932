@testable import KernelTrace

/// Writes ring-buffer pages the way the kernel does (64-bit layout: u64 timestamp, u64
/// commit, data at 16), for decoder tests and as the seed corpus of the fuzz test.
struct RingBufferPageBuilder {
    let pageSize: Int
    private(set) var pages: [[UInt8]] = []
    private var data: [UInt8] = []
    private var pageTimestamp: UInt64 = 0
    private var missedEvents: UInt64?

    init(pageSize: Int = 4096) { self.pageSize = pageSize }

    var stream: [UInt8] { pages.flatMap { $0 } }
    private var room: Int { pageSize - 16 - data.count }

    mutating func startPage(timestamp: UInt64, missedEvents: UInt64? = nil) {
        finishPage()
        pageTimestamp = timestamp
        self.missedEvents = missedEvents
    }

    /// A data event; payloads up to 112 bytes use type_len, bigger ones the length word.
    mutating func event(delta: UInt32, payload: [UInt8], forceLengthWord: Bool = false) {
        var padded = payload
        while padded.count % 4 != 0 { padded.append(0) }
        if padded.count <= 112 && !forceLengthWord {
            appendWord(UInt32(padded.count / 4) | delta << 5)
        } else {
            appendWord(0 | delta << 5)
            appendWord(UInt32(padded.count + 4))
        }
        data += padded
    }

    mutating func timeExtend(_ delta: UInt64) {
        appendWord(30 | UInt32(truncatingIfNeeded: delta & ((1 << 27) - 1)) << 5)
        appendWord(UInt32(truncatingIfNeeded: delta >> 27))
    }

    mutating func absoluteTimestamp(_ value: UInt64) {
        appendWord(31 | UInt32(truncatingIfNeeded: value & ((1 << 27) - 1)) << 5)
        appendWord(UInt32(truncatingIfNeeded: value >> 27))
    }

    /// A discarded event of `length` bytes after its 8-byte header; as the kernel does,
    /// array[0] counts everything after the 4-byte header.
    mutating func discarded(delta: UInt32, length: Int) {
        appendWord(29 | max(delta, 1) << 5)
        appendWord(UInt32(length + 4))
        data += [UInt8](repeating: 0xee, count: length)
    }

    mutating func finishPage() {
        guard pageTimestamp != 0 || !data.isEmpty else { return }
        var page = [UInt8](repeating: 0, count: pageSize)
        var commit = UInt64(data.count)
        if let missedEvents {
            commit |= RingBufferPageLayout.missedEventsFlag | RingBufferPageLayout.missedCountStoredFlag
            withUnsafeBytes(of: missedEvents.littleEndian) {
                page.replaceSubrange((16 + data.count)..<(24 + data.count), with: $0)
            }
        }
        withUnsafeBytes(of: pageTimestamp.littleEndian) { page.replaceSubrange(0..<8, with: $0) }
        withUnsafeBytes(of: commit.littleEndian) { page.replaceSubrange(8..<16, with: $0) }
        page.replaceSubrange(16..<(16 + data.count), with: data)
        pages.append(page)
        data = []
        pageTimestamp = 0
        missedEvents = nil
    }

    private mutating func appendWord(_ word: UInt32) {
        withUnsafeBytes(of: word.littleEndian) { data += $0 }
    }

    /// A payload for a format: common_type then little-endian fields at their offsets.
    static func payload(id: UInt16, length: Int, fields: [(offset: Int, bytes: [UInt8])]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        bytes[0] = UInt8(id & 0xff)
        bytes[1] = UInt8(id >> 8)
        for field in fields {
            bytes.replaceSubrange(field.offset..<(field.offset + field.bytes.count), with: field.bytes)
        }
        return bytes
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}

/// Formats and metadata for synthetic traces: sched_process_exec (a __data_loc string) and
/// sched_switch (fixed strings and integers).
enum SyntheticTrace {
    static let headerPage = """
        \tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;
        \tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;
        \tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;
        \tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;
        """
    static let switchFormat = """
        name: sched_switch
        ID: 372
        format:
        \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
        \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
        \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
        \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

        \tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;
        \tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;
        \tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;
        \tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;
        \tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;
        \tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;
        \tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;
        """
    static let execFormat = """
        name: sched_process_exec
        ID: 365
        format:
        \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
        \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
        \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
        \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

        \tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;
        \tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;
        \tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;
        """

    static func switchPayload(prev: String, prevPID: Int32, next: String, nextPID: Int32, state: Int64 = 1) -> [UInt8] {
        func comm(_ text: String) -> [UInt8] { Array((Array(text.utf8) + [UInt8](repeating: 0, count: 16)).prefix(16)) }
        return RingBufferPageBuilder.payload(
            id: 372, length: 64,
            fields: [
                (4, RingBufferPageBuilder.littleEndian(prevPID)), (8, comm(prev)),
                (24, RingBufferPageBuilder.littleEndian(prevPID)),
                (28, RingBufferPageBuilder.littleEndian(Int32(120))), (32, RingBufferPageBuilder.littleEndian(state)),
                (40, comm(next)),
                (56, RingBufferPageBuilder.littleEndian(nextPID)), (60, RingBufferPageBuilder.littleEndian(Int32(100)))
            ])
    }

    static func execPayload(filename: String, pid: Int32) -> [UInt8] {
        let name = Array(filename.utf8) + [0]
        let location = UInt32(20) | UInt32(name.count) << 16
        return RingBufferPageBuilder.payload(
            id: 365, length: 20 + name.count,
            fields: [
                (4, RingBufferPageBuilder.littleEndian(pid)), (8, RingBufferPageBuilder.littleEndian(location)),
                (12, RingBufferPageBuilder.littleEndian(pid)), (16, RingBufferPageBuilder.littleEndian(pid)), (20, name)
            ])
    }

    static func metadata(cpus: [Int], pageSize: Int = 4096) -> TraceMetadata {
        TraceMetadata(
            hostname: "test", kernelRelease: "6.0", machine: "x86_64", onlineCPUs: cpus, clock: "mono",
            realtimeOffsetNs: 0,
            pageSizeBytes: pageSize, bufferSizeKBPerCPU: 64,
            tracepoints: [
                RecordedTracepoint(name: "sched:sched_switch", id: 372),
                RecordedTracepoint(name: "sched:sched_process_exec", id: 365)
            ],
            startNs: 0, endNs: 0, mode: "record", containerFilter: [], cpuStreams: [], snapshotTrigger: nil,
            commandLine: [])
    }

    /// A reader over in-memory streams, one per CPU.
    static func reader(streams: [[UInt8]], pageSize: Int = 4096) throws -> (PeriscopeTraceReader, StreamStorage) {
        let storage = StreamStorage(streams)
        let reader = try PeriscopeTraceReader(
            layout: TraceDirectoryLayout(root: "/synthetic"),
            metadata: metadata(cpus: Array(streams.indices), pageSize: pageSize),
            statedump: RecordedStatedump(takenAtNs: 0, hostNamespaces: [:]), headerPage: headerPage,
            formatTexts: [switchFormat, execFormat],
            streams: storage.buffers.enumerated().map { ($0.offset, UnsafeRawBufferPointer($0.element)) },
            keepAlive: [storage])
        return (reader, storage)
    }
}

/// Owns stream bytes for a reader built in memory.
final class StreamStorage {
    let buffers: [UnsafeMutableRawBufferPointer]
    init(_ streams: [[UInt8]]) {
        buffers = streams.map { bytes in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 8)
            bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
            return buffer
        }
    }
    deinit { buffers.forEach { $0.deallocate() } }
}
