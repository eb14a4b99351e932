#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import KernelTrace
import Testing
import TestSupport

/// A trace directory is a file tree anyone can edit: what is damaged is refused by name or
/// read with a warning, never trapped on, blocked on, or accepted in silence.
@Suite struct TraceDirectoryHostileInputTests {
    /// A small valid trace directory (two CPUs, one page each) in a fresh temporary directory.
    final class Directory {
        let root: String
        var layout: TraceDirectoryLayout { TraceDirectoryLayout(root: root) }

        init(pagesPerCPU: Int = 1) throws {
            root =
                FileManager.default.temporaryDirectory.appendingPathComponent("periscope-hostile-\(UUID().uuidString)")
                .path
            try FileManager.default.createDirectory(atPath: root + "/formats/sched", withIntermediateDirectories: true)
            try write(SyntheticTrace.headerPage, "formats/header_page")
            try write(SyntheticTrace.switchFormat, "formats/sched/sched_switch")
            try write(SyntheticTrace.execFormat, "formats/sched/sched_process_exec")
            try TraceDirectoryWriter.writeJSON(
                RecordedStatedump(takenAtNs: 0, hostNamespaces: [:]), to: layout.statedumpPath)
            var metadata = SyntheticTrace.metadata(cpus: [0, 1])
            metadata.cpuStreams = [0, 1].map {
                CPUStreamSummary(
                    cpu: $0, pageCount: pagesPerCPU, byteCount: UInt64(pagesPerCPU * 4096), overrunCount: 0,
                    droppedEventCount: 0,
                    commitOverrunCount: 0, overwritesOldest: false)
            }
            try TraceDirectoryWriter.writeJSON(metadata, to: layout.metadataPath)
            for cpu in 0..<2 {
                var builder = RingBufferPageBuilder()
                for page in 0..<pagesPerCPU {
                    builder.startPage(timestamp: UInt64(page + 1) * 1_000_000 + UInt64(cpu))
                    builder.event(
                        delta: 5, payload: SyntheticTrace.switchPayload(prev: "a", prevPID: 1, next: "b", nextPID: 2))
                }
                builder.finishPage()
                try TraceDirectoryWriter.write(builder.stream, to: layout.rawPagesPath(cpu: cpu))
            }
        }

        func write(_ text: String, _ relative: String) throws {
            try TraceDirectoryWriter.write(Array(text.utf8), to: "\(root)/\(relative)")
        }

        func editMetadata(_ change: (inout TraceMetadata) -> Void) throws {
            var metadata = try TraceDirectoryWriter.readJSON(TraceMetadata.self, from: layout.metadataPath)
            change(&metadata)
            try TraceDirectoryWriter.writeJSON(metadata, to: layout.metadataPath)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }
    }

    static func decode(_ reader: PeriscopeTraceReader) throws -> CollectedEvents {
        var collected = CollectedEvents()
        try reader.run(into: &collected)
        return collected
    }

    @Test("an intact directory reads with no warning")
    func intactDirectoryHasNoWarnings() throws {
        let directory = try Directory()
        let reader = try PeriscopeTraceReader(directory: directory.root)
        #expect(try Self.decode(reader).events.count == 2)
        #expect(reader.warnings.isEmpty)
    }

    @Test("a FIFO as cpu0.raw is refused at once, by name, instead of blocking", .timeLimit(.minutes(1)))
    func fifoPageFileIsRefused() throws {
        let directory = try Directory()
        let path = directory.layout.rawPagesPath(cpu: 0)
        unlink(path)
        #expect(mkfifo(path, 0o600) == 0)
        #expect {
            try PeriscopeTraceReader(directory: directory.root)
        } throws: { error in
            "\(error)" == "\(path) is not a Periscope trace file: not a regular file (a FIFO)"
        }
        let metadataPath = directory.layout.metadataPath
        unlink(metadataPath)
        #expect(mkfifo(metadataPath, 0o600) == 0)
        #expect(throws: TraceDirectoryError.self) { try PeriscopeTraceReader(directory: directory.root) }
    }

    @Test("a corrupt statedump, a header page without fields and an empty page file are warnings")
    func damagedPartsAreWarnings() throws {
        let directory = try Directory()
        try directory.write("{\"threads\": [1, 2", "statedump.json")
        try directory.write("nothing useful\n", "formats/header_page")
        try TraceDirectoryWriter.write([], to: directory.layout.rawPagesPath(cpu: 1))
        let reader = try PeriscopeTraceReader(directory: directory.root)
        #expect(try Self.decode(reader).events.count == 1)
        let warnings = reader.warnings
        #expect(warnings.count == 3)
        #expect(
            warnings.contains {
                $0.hasPrefix("\(directory.layout.statedumpPath) is not a Periscope trace file")
                    && $0.hasSuffix("threads and containers are known from the events only")
            })
        #expect(
            warnings.contains(
                "\(directory.layout.headerPagePath) has no commit or data field: assuming the 64-bit page header layout"
            ))
        #expect(warnings.contains("\(directory.layout.rawPagesPath(cpu: 1)) is empty: no events from CPU 1"))
    }

    @Test("a page file shorter than the recorder wrote is a warning")
    func cutPageFileIsAWarning() throws {
        let directory = try Directory()
        try directory.editMetadata { $0.cpuStreams[0].byteCount = 8192 }
        let reader = try PeriscopeTraceReader(directory: directory.root)
        #expect(
            reader.warnings == [
                "\(directory.layout.rawPagesPath(cpu: 0)) has 4096 bytes where the recorder wrote 8192: the file was cut"
            ])
    }

    @Test(
        "a recording cut short reads its whole pages, leaves out a half page and a page file never written, and says so"
    )
    func cutShortRecordingIsReadable() throws {
        let directory = try Directory(pagesPerCPU: 2)
        try directory.editMetadata { $0.isComplete = false }
        let cpu0 = directory.layout.rawPagesPath(cpu: 0)
        let handle = try #require(FileHandle(forWritingAtPath: cpu0))
        handle.seekToEndOfFile()
        handle.write(Data(repeating: 0xAB, count: 100))
        handle.closeFile()
        unlink(directory.layout.rawPagesPath(cpu: 1))
        let reader = try PeriscopeTraceReader(directory: directory.root)
        #expect(try Self.decode(reader).events.count == 2)
        #expect(reader.warnings.count == 3)
        #expect(reader.warnings[0].hasPrefix("the recording was cut short"))
        #expect(reader.warnings.contains("\(cpu0) ends inside a page (100 bytes of it): that last page is left out"))
        #expect(
            reader.warnings.contains("\(directory.layout.rawPagesPath(cpu: 1)) was never written: no events from CPU 1")
        )
        // The same files with a complete recording's metadata are an error, not a warning.
        try directory.editMetadata { $0.isComplete = true }
        #expect(throws: TraceDirectoryError.self) { try PeriscopeTraceReader(directory: directory.root) }
    }

    @Test(
        "huge commit offsets in header_page are an error naming the file",
        arguments: [
            "\tfield: local_t commit;\toffset:9223372036854775807;\tsize:8;\tsigned:1;\n",
            "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n\tfield: char data;\toffset:9223372036854775800;\tsize:8;\tsigned:1;\n"
        ])
    func hugeHeaderPageOffsets(_ headerPage: String) throws {
        let directory = try Directory()
        try directory.write(headerPage, "formats/header_page")
        #expect {
            try PeriscopeTraceReader(directory: directory.root)
        } throws: { error in
            "\(error)".hasPrefix("\(directory.layout.headerPagePath) is not a Periscope trace file")
        }
    }

    @Test("a format whose field size is Int.max is an error naming the format file")
    func hugeFormatFieldSize() throws {
        let directory = try Directory()
        try directory.write(
            SyntheticTrace.switchFormat.replacingOccurrences(of: "size:16;", with: "size:9223372036854775807;"),
            "formats/sched/sched_switch")
        #expect {
            try PeriscopeTraceReader(directory: directory.root)
        } throws: { error in
            "\(error)".hasPrefix(
                "\(directory.root)/formats/sched/sched_switch is not a Periscope trace file: field prev_comm")
        }
    }

    @Test("CPU numbers that would index past any array are refused", arguments: [[-1], [Int.max], [0, 0]])
    func badCPUNumbers(_ cpus: [Int]) throws {
        let directory = try Directory()
        try directory.editMetadata { $0.onlineCPUs = cpus }
        #expect(throws: TraceDirectoryError.self) { try PeriscopeTraceReader(directory: directory.root) }
    }

    @Test("loss counters near 2^64 add up without trapping")
    func hugeLossCountersSaturate() throws {
        let directory = try Directory()
        try directory.editMetadata { metadata in
            for index in metadata.cpuStreams.indices { metadata.cpuStreams[index].droppedEventCount = .max }
        }
        let reader = try PeriscopeTraceReader(directory: directory.root)
        #expect(reader.metadata.lostEventCount == .max)
    }

    @Test("a page going back in time is delivered in order, counted and reported")
    func backwardsTimeIsRepairedAndReported() throws {
        var builder = RingBufferPageBuilder()
        builder.startPage(timestamp: 2_000_000)
        builder.event(delta: 5, payload: SyntheticTrace.switchPayload(prev: "a", prevPID: 1, next: "b", nextPID: 2))
        builder.startPage(timestamp: 1_000_000)
        builder.event(delta: 5, payload: SyntheticTrace.switchPayload(prev: "b", prevPID: 2, next: "a", nextPID: 1))
        builder.finishPage()
        let (reader, storage) = try SyntheticTrace.reader(streams: [builder.stream])
        let collected = try Self.decode(reader)
        _ = storage
        #expect(collected.events.map(\.timestamp) == [2_000_005, 2_000_005])
        #expect(reader.outOfOrderEventCount == 1)
        #expect(
            reader.warnings == [
                "1 event was stamped earlier than the event before it (a corrupt timestamp): it was given that event's time"
            ])
    }
}
