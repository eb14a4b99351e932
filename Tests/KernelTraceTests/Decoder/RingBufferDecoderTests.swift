@testable import KernelTrace
import Testing
import TestSupport

/// The ring-buffer page walk and field decoding, on pages built like the kernel's.
@Suite struct RingBufferDecoderTests {
    @Test func decodesTimestampsAcrossDeltasExtendsAbsoluteStampsAndPadding() throws {
        var builder = RingBufferPageBuilder()
        builder.startPage(timestamp: 1_000_000)
        builder.event(delta: 5, payload: SyntheticTrace.switchPayload(prev: "a", prevPID: 1, next: "b", nextPID: 2))
        builder.timeExtend(1 << 30)
        builder.event(delta: 7, payload: SyntheticTrace.switchPayload(prev: "b", prevPID: 2, next: "c", nextPID: 3))
        builder.discarded(delta: 3, length: 24)
        builder.event(
            delta: 0, payload: SyntheticTrace.execPayload(filename: "/usr/bin/dd", pid: 42), forceLengthWord: true)
        builder.absoluteTimestamp(5_000_000_000)
        builder.event(delta: 0, payload: SyntheticTrace.switchPayload(prev: "c", prevPID: 3, next: "d", nextPID: 4))
        builder.finishPage()
        let (reader, storage) = try SyntheticTrace.reader(streams: [builder.stream])
        var collected = CollectedEvents()
        try reader.run(into: &collected)
        _ = storage
        let afterExtend: UInt64 = 1_000_005 + (1 << 30) + 7
        let expected: [UInt64] = [1_000_005, afterExtend, afterExtend, 5_000_000_000]
        #expect(collected.events.map(\.timestamp) == expected)
        #expect(collected.events.map(\.name) == ["sched_switch", "sched_switch", "sched_process_exec", "sched_switch"])
        let first = collected.events[0]
        #expect(first.strings["prev_comm"] == "a" && first.strings["next_comm"] == "b")
        #expect(
            first.integers["prev_pid"] == 1 && first.integers["next_pid"] == 2 && first.integers["prev_state"] == 1
                && first.tid == 1)
        let exec = collected.events[2]
        #expect(exec.strings["filename"] == "/usr/bin/dd" && exec.integers["pid"] == 42)
    }

    @Test func mergesCPUsInTimestampOrderAndReportsStoredLosses() throws {
        var cpu0 = RingBufferPageBuilder()
        cpu0.startPage(timestamp: 100)
        for _ in 0..<3 {
            cpu0.event(delta: 10, payload: SyntheticTrace.switchPayload(prev: "x", prevPID: 10, next: "y", nextPID: 11))
        }
        cpu0.finishPage()
        var cpu1 = RingBufferPageBuilder()
        cpu1.startPage(timestamp: 105, missedEvents: 17)
        for _ in 0..<3 {
            cpu1.event(delta: 10, payload: SyntheticTrace.switchPayload(prev: "p", prevPID: 20, next: "q", nextPID: 21))
        }
        cpu1.finishPage()
        let (reader, storage) = try SyntheticTrace.reader(streams: [cpu0.stream, cpu1.stream])
        var collected = CollectedEvents()
        try reader.run(into: &collected)
        _ = storage
        #expect(collected.events.map(\.timestamp) == [110, 115, 120, 125, 130, 135])
        #expect(collected.events.map(\.cpu) == [0, 1, 0, 1, 0, 1])
        #expect(collected.lost == 17)
    }

    @Test func manyPagesDecodeEveryEvent() throws {
        var builder = RingBufferPageBuilder(pageSize: 4096)
        var expected = 0
        for page in 0..<50 {
            builder.startPage(timestamp: UInt64(page) * 1_000_000)
            for _ in 0..<60 {
                builder.event(
                    delta: 100, payload: SyntheticTrace.switchPayload(prev: "w", prevPID: 5, next: "z", nextPID: 6))
                expected += 1
            }
        }
        builder.finishPage()
        let (reader, storage) = try SyntheticTrace.reader(streams: [builder.stream])
        var collected = CollectedEvents()
        try reader.run(into: &collected)
        _ = storage
        #expect(collected.events.count == expected)
    }

    @Test func aCorruptStreamThrowsWithTheOffset() throws {
        var builder = RingBufferPageBuilder()
        builder.startPage(timestamp: 1)
        builder.event(delta: 1, payload: SyntheticTrace.switchPayload(prev: "a", prevPID: 1, next: "b", nextPID: 2))
        builder.finishPage()
        var stream = builder.stream
        stream[16] = 0  // type_len 0: the next word must be a length
        stream[20] = 0xff
        stream[21] = 0xff  // 65535 bytes: past the page
        let (reader, storage) = try SyntheticTrace.reader(streams: [stream])
        var collected = CollectedEvents()
        #expect(throws: RingBufferDecodeError.self) { try reader.decode(into: &collected) }
        _ = storage
        let truncated = Array(builder.stream.prefix(1000))
        let (short, shortStorage) = try SyntheticTrace.reader(streams: [truncated])
        do {
            try short.decode(into: &collected)
            Issue.record("a truncated page must throw")
        } catch {
            #expect(error.reason == .truncatedPage(bytes: 1000) && error.offset == 0)
        }
        _ = shortStorage
    }

    @Test func absoluteTimestampsTakeTheirTopBitsFromTheCurrentTime() {
        let top: UInt64 = 0x08 << 56
        #expect(RingBufferCursor.absoluteTimestamp(500, current: 0) == 500)
        #expect(RingBufferCursor.absoluteTimestamp(500, current: top | 100) == top | 500)
        #expect(RingBufferCursor.absoluteTimestamp(50, current: top | 100) == (top | 50) + (1 << 59))
    }
}
