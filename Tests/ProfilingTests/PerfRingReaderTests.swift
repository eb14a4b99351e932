import Testing
@testable import Profiling

@Suite("perf ring buffer records")
struct PerfRingReaderTests {
    /// A PERF_RECORD_SAMPLE laid out for IP|TID|TIME|CPU|PERIOD|CALLCHAIN, little-endian.
    static func sampleRecord(
        ip: UInt64, pid: UInt32, tid: UInt32, time: UInt64, cpu: UInt32, period: UInt64, chain: [UInt64]
    ) -> [UInt8] {
        var body: [UInt8] = []
        func put<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { body.append(contentsOf: $0) }
        }
        put(ip); put(pid); put(tid); put(time); put(cpu); put(UInt32(0)); put(period); put(UInt64(chain.count))
        for address in chain { put(address) }
        return header(type: 9, size: 8 + body.count) + body
    }

    static func lostRecord(count: UInt64) -> [UInt8] {
        var bytes = header(type: 2, size: 24)
        withUnsafeBytes(of: UInt64(7).littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: count.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    static func header(type: UInt32, size: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: type.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt16(0).littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt16(size).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Writes `records` into a ring of `size` bytes starting at position `start`, wrapping.
    static func ring(size: Int, start: UInt64, records: [[UInt8]]) -> (data: [UInt8], head: UInt64) {
        var data = [UInt8](repeating: 0xEE, count: size)
        var position = start
        for record in records {
            for byte in record {
                data[Int(position % UInt64(size))] = byte
                position += 1
            }
        }
        return (data, position)
    }

    func decodeAll(data: [UInt8], head: UInt64, tail: UInt64) throws -> ([PerfRecord], PerfRingReader.Pass) {
        var reader = PerfRingReader()
        var raw: [[UInt8]] = []
        let pass = data.withUnsafeBytes { buffer in
            reader.forEachRecord(data: buffer, head: head, tail: tail) { raw.append(Array($0)) }
        }
        return (try raw.map { try $0.withUnsafeBytes { try PerfRecord.decode($0) } }, pass)
    }

    @Test("a sample decodes every field, context markers included")
    func decodesSample() throws {
        let chain: [UInt64] = [
            UInt64(bitPattern: -128), 0xffffffff81001234, UInt64(bitPattern: -512), 0x401000, 0x402000
        ]
        let record = Self.sampleRecord(
            ip: 0xffffffff81001234, pid: 42, tid: 43, time: 123_456_789, cpu: 1, period: 10_101_010, chain: chain)
        let decoded = try record.withUnsafeBytes { try PerfRecord.decode($0) }
        #expect(
            decoded
                == .sample(
                    PerfSample(
                        instructionPointer: 0xffffffff81001234, pid: 42, tid: 43, timeNanoseconds: 123_456_789, cpu: 1,
                        period: 10_101_010, callchain: chain)))
    }

    @Test("records straddling the end of the ring are reassembled, and tail lands on head")
    func wrapAround() throws {
        let first = Self.sampleRecord(ip: 1, pid: 10, tid: 10, time: 1, cpu: 0, period: 1, chain: [0x400000])
        let second = Self.sampleRecord(
            ip: 2, pid: 20, tid: 21, time: 2, cpu: 1, period: 2, chain: [0x500000, 0x500100, 0x500200])
        let lost = Self.lostRecord(count: 5)
        // 256-byte ring; start 40 bytes before the end, so the second record (80 bytes) wraps.
        let start: UInt64 = 1024 + 256 - 40 - UInt64(first.count)
        let (data, head) = Self.ring(size: 256, start: start, records: [first, second, lost])
        let (records, pass) = try decodeAll(data: data, head: head, tail: start)
        #expect(pass == PerfRingReader.Pass(tail: head, recordCount: 3, isCorrupt: false))
        #expect(records.count == 3)
        guard case .sample(let wrapped) = records[1] else { Issue.record("second record is \(records[1])"); return }
        #expect(wrapped.pid == 20 && wrapped.tid == 21 && wrapped.callchain == [0x500000, 0x500100, 0x500200])
        #expect(records[2] == .lost(count: 5))
    }

    @Test("a record split inside its header still decodes")
    func headerSplit() throws {
        let record = Self.sampleRecord(ip: 9, pid: 1, tid: 1, time: 9, cpu: 0, period: 9, chain: [])
        let start: UInt64 = 64 - 4
        let (data, head) = Self.ring(size: 64, start: start, records: [record])
        let (records, pass) = try decodeAll(data: data, head: head, tail: start)
        #expect(pass.recordCount == 1 && !pass.isCorrupt)
        guard case .sample(let sample) = records.first else { Issue.record("no sample"); return }
        #expect(sample.instructionPointer == 9)
    }

    @Test("an impossible record size drops the rest of the pass instead of reading past head")
    func corruptSize() throws {
        var bad = Self.lostRecord(count: 1)
        bad[6] = 0xFF; bad[7] = 0x7F
        let (data, head) = Self.ring(size: 128, start: 0, records: [Self.lostRecord(count: 3), bad])
        let (records, pass) = try decodeAll(data: data, head: head, tail: 0)
        #expect(records == [.lost(count: 3)])
        #expect(pass.isCorrupt && pass.tail == head)
    }

    @Test("samples shorter than their fields or with oversized call chains are errors")
    func malformedSample() {
        var truncated = Self.sampleRecord(ip: 1, pid: 1, tid: 1, time: 1, cpu: 0, period: 1, chain: [1, 2])
        truncated.removeLast(8)
        truncated[6] = UInt8(truncated.count & 0xFF); truncated[7] = UInt8(truncated.count >> 8)
        #expect(throws: PerfRecordError.self) { try truncated.withUnsafeBytes { try PerfRecord.decode($0) } }
        #expect(throws: PerfRecordError.self) {
            try [UInt8](repeating: 0, count: 4).withUnsafeBytes { try PerfRecord.decode($0) }
        }
    }
}
