import Foundation
@testable import KernelTrace
import Testing
import TestSupport

/// The CTF reader's fast paths (Periscope's fixed `id` + `timestamp` header decoded without the
/// interpreter, fixed runs that hold byte arrays, stream files mapped in place) against the
/// general interpreter on the same bytes: a layout that differs in any way takes the general
/// path, and both decode the same events and fail with the same errors.
@Suite(.serialized) struct CTFFastPathTests {
    /// Periscope's event header, as `CTFWriterMetadata` writes it.
    static let fixedHeader = """
        \tevent.header := struct {
        \t\tuint16_t id;
        \t\tuint64_clock_monotonic_t timestamp;
        \t} align(8);
        """

    /// LTTng's "large" event header (an enumeration tag and a variant) with a 64-bit compact
    /// timestamp: the same bytes as Periscope's header for every id below 65535, but not a
    /// fixed run, so the interpreter decodes it.
    static let variantHeader = """
        \tevent.header := struct {
        \t\tenum : uint16_t { compact = 0 ... 65534, extended = 65535 } id;
        \t\tvariant <id> {
        \t\t\tstruct { uint64_clock_monotonic_t timestamp; } compact;
        \t\t\tstruct { uint32_t id; uint64_clock_monotonic_t timestamp; } extended;
        \t\t} v;
        \t} align(8);
        """

    /// Every field of every event as text, byte arrays and spans in hex.
    struct DumpingConsumer: EventConsumer {
        var lines: [String] = []
        var lost: UInt64 = 0
        mutating func begin(_ trace: TraceDescription) {}
        mutating func consume(_ record: EventRecord) {
            var line = "\(record.timestamp) cpu\(record.cpu) \(record.eventClass.name)"
            for (index, field) in record.eventClass.fields.enumerated() {
                guard record.isPresent(index) else {
                    line += " \(field.name)=absent"
                    continue
                }
                if field.isScalar {
                    line += " \(field.name)=\(record.unsigned(index))"
                } else {
                    line += " \(field.name)=" + record.bytes(index).map { String($0, radix: 16) }.joined(separator: ".")
                }
            }
            lines.append(line)
        }
        mutating func eventsLost(cpu: Int, count: UInt64, before timestamp: UInt64) { lost += count }
    }

    /// A Periscope CTF conversion of a synthetic trace (several 256 KiB packets), in `kernel/`.
    static func convertedTrace() throws -> String {
        let input = CTFConversionTests.scratchPath("fast-in")
        let output = CTFConversionTests.scratchPath("fast-out")
        defer { try? FileManager.default.removeItem(atPath: input) }
        try CTFConversionTests.writeSyntheticTrace(to: input, switches: 8_000)
        try CTFTraceConverter(reader: try PeriscopeTraceReader(directory: input), outputDirectory: output).convert()
        return output
    }

    static func decode(_ path: String) throws -> DumpingConsumer {
        var consumer = DumpingConsumer()
        try CTFTraceSource(path: path).run(into: &consumer)
        return consumer
    }

    static func hasFixedHeader(_ path: String) throws -> Bool {
        var classes = EventClassTable()
        let trace = try CTFTrace(directory: path + "/kernel", classes: &classes)
        return try #require(trace.streams[0]).fixedHeader != nil
    }

    /// A copy of `path` whose metadata declares `variantHeader` instead of the fixed header.
    static func copyWithVariantHeader(_ path: String) throws -> String {
        let copy = CTFConversionTests.scratchPath("fast-variant")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        let metadataPath = copy + "/kernel/metadata"
        let metadata = try String(contentsOfFile: metadataPath, encoding: .utf8)
        #expect(metadata.contains(fixedHeader))
        try metadata.replacingOccurrences(of: fixedHeader, with: variantHeader)
            .write(toFile: metadataPath, atomically: false, encoding: .utf8)
        return copy
    }

    @Test("a header laid out as LTTng's large header takes the interpreter and decodes the same events")
    func variantHeaderDecodesIdentically() throws {
        let fixed = try Self.convertedTrace()
        let variant = try Self.copyWithVariantHeader(fixed)
        defer {
            try? FileManager.default.removeItem(atPath: fixed)
            try? FileManager.default.removeItem(atPath: variant)
        }
        #expect(try Self.hasFixedHeader(fixed))
        #expect(try !Self.hasFixedHeader(variant))
        let fast = try Self.decode(fixed), general = try Self.decode(variant)
        #expect(fast.lines.count > 8_000)
        #expect(fast.lines == general.lines)
        #expect(fast.lost == general.lost)
        // The statedump, the context's `procname` and the payload's `prev_comm` come through as text.
        #expect(fast.lines.contains { $0.contains(" sched_switch ") && $0.contains("prev_tid=7") })
    }

    @Test(
        "headers that differ from Periscope's in sign, byte order or fields have no fixed layout",
        arguments: [
            "\t\tinteger { size = 16; align = 8; signed = true; } id;\n\t\tuint64_clock_monotonic_t timestamp;",
            "\t\tinteger { size = 16; align = 8; byte_order = be; } id;\n\t\tuint64_clock_monotonic_t timestamp;",
            "\t\tuint8_t id;\n\t\tuint8_t pad;\n\t\tuint64_clock_monotonic_t timestamp;",
            "\t\tinteger { size = 5; align = 1; signed = false; } id;\n"
                + "\t\tinteger { size = 27; align = 1; signed = false; map = clock.monotonic.value; } timestamp;"
        ])
    func otherLayoutsTakeTheInterpreter(members: String) throws {
        let fixed = try Self.convertedTrace()
        defer { try? FileManager.default.removeItem(atPath: fixed) }
        let metadataPath = fixed + "/kernel/metadata"
        let metadata = try String(contentsOfFile: metadataPath, encoding: .utf8)
        let header = "\tevent.header := struct {\n\(members)\n\t} align(8);"
        try metadata.replacingOccurrences(of: Self.fixedHeader, with: header)
            .write(toFile: metadataPath, atomically: false, encoding: .utf8)
        #expect(try !Self.hasFixedHeader(fixed))
    }

    @Test("an unknown event id fails with the same error on the fixed and the general header")
    func unknownEventIDFailsTheSameWay() throws {
        let fixed = try Self.convertedTrace()
        let variant = try Self.copyWithVariantHeader(fixed)
        defer {
            try? FileManager.default.removeItem(atPath: fixed)
            try? FileManager.default.removeItem(atPath: variant)
        }
        // The first event header follows the packet header (32 bytes) and context (52 bytes).
        for path in [fixed, variant] {
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path + "/kernel/kernel_cpu0"))
            try handle.seek(toOffset: 84)
            try handle.write(contentsOf: Data([0xE7, 0x03]))
            try handle.close()
        }
        let fastError = #expect(throws: CTFReaderError.self) { try Self.decode(fixed) }
        let generalError = #expect(throws: CTFReaderError.self) { try Self.decode(variant) }
        #expect(fastError != nil && fastError?.description.contains("unknown event id 999") == true)
        #expect(fastError?.description == generalError?.description.replacingOccurrences(of: variant, with: fixed))
    }

    @Test("a stream file cut inside a packet at a page boundary fails with a packet error")
    func truncatedStreamFails() throws {
        let fixed = try Self.convertedTrace()
        defer { try? FileManager.default.removeItem(atPath: fixed) }
        let stream = fixed + "/kernel/kernel_cpu0"
        #expect(truncate(stream, 4096) == 0)
        let error = #expect(throws: CTFReaderError.self) { try Self.decode(fixed) }
        guard case .badPacket(_, let offset, let reason) = error else {
            Issue.record("expected a packet error, got \(String(describing: error))")
            return
        }
        #expect(offset == 0 && reason.contains("do not fit"))
    }

    @Test(
        "LTTng's compact header on the reference traces decodes as through the interpreter",
        .enabled(if: CTFReferenceTraces.available, CTFReferenceTraces.reason),
        arguments: ["basic-kernel-analysis", "16-cores-rt"])
    func lttngHeadersDecodeIdentically(trace: String) throws {
        let original = try CTFReferenceTraces.extracted(trace)
        // The same metadata with the header's variant renamed `w`: the same bytes, no longer
        // LTTng's exact layout. The name has the same length, so the metadata packets stay valid.
        let renamed = CTFConversionTests.scratchPath("lttng-renamed")
        defer { try? FileManager.default.removeItem(atPath: renamed) }
        try FileManager.default.copyItem(atPath: original, toPath: renamed)
        var metadataPaths: [String] = []
        for directory in try CTFDirectory.traceDirectories(under: renamed) {
            let path = directory + "/metadata"
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let from = Data("\t} v;\n".utf8), to = Data("\t} w;\n".utf8)
            var searchStart = bytes.startIndex
            while let range = bytes.range(of: from, in: searchStart..<bytes.endIndex) {
                bytes.replaceSubrange(range, with: to)
                searchStart = range.upperBound
            }
            try bytes.write(to: URL(fileURLWithPath: path))
            metadataPaths.append(directory)
        }
        var headers: [(original: Bool, renamed: Bool)] = []
        for directory in metadataPaths {
            let originalDirectory = original + directory.dropFirst(renamed.count)
            var classes = EventClassTable(), renamedClasses = EventClassTable()
            let originalTrace = try CTFTrace(directory: originalDirectory, classes: &classes)
            let renamedTrace = try CTFTrace(directory: directory, classes: &renamedClasses)
            for (id, stream) in originalTrace.streams {
                headers.append((stream.lttngHeader != nil, renamedTrace.streams[id]?.lttngHeader != nil))
            }
        }
        #expect(headers.contains { $0.original })
        #expect(headers.allSatisfy { !$0.renamed })
        let fast = try Self.decode(original), general = try Self.decode(renamed)
        #expect(fast.lines.count > 1_000)
        #expect(fast.lines == general.lines)
        #expect(fast.lost == general.lost)
    }

    @Test(
        "picotrace's uint32 id + uint64 timestamp header is a fixed header; LTTng's kernel headers are not",
        .enabled(if: CTFReferenceTraces.available, CTFReferenceTraces.reason))
    func referenceTraceHeaders() throws {
        var classes = EventClassTable()
        let picotrace = try CTFTrace(
            directory: try CTFReferenceTraces.extracted("picotrace") + "/kernel", classes: &classes)
        #expect(!picotrace.streams.isEmpty && picotrace.streams.values.allSatisfy { $0.fixedHeader != nil })
        let kernel = try CTFTrace(
            directory: try CTFReferenceTraces.extracted("basic-kernel-analysis") + "/kernel", classes: &classes)
        #expect(kernel.streams.values.allSatisfy { $0.fixedHeader == nil && $0.lttngHeader?.kind == .compact })
    }

    /// LTTng's two kernel event headers, as lttng-modules writes them in the metadata.
    static func lttngMetadata(header: String) -> String {
        """
        /* CTF 1.8 */
        typealias integer { size = 5; align = 1; signed = false; } := uint5_t;
        typealias integer { size = 16; align = 8; signed = false; } := uint16_t;
        typealias integer { size = 32; align = 8; signed = false; } := uint32_t;
        trace { major = 1; minor = 8; byte_order = le; packet.header := struct { uint32_t magic; }; };
        clock { name = "monotonic"; freq = 1000000000; };
        typealias integer { size = 27; align = 1; signed = false; map = clock.monotonic.value; } := uint27_clock_monotonic_t;
        typealias integer { size = 32; align = 8; signed = false; map = clock.monotonic.value; } := uint32_clock_monotonic_t;
        typealias integer { size = 64; align = 8; signed = false; map = clock.monotonic.value; } := uint64_clock_monotonic_t;
        struct event_header_compact {
        \tenum : uint5_t { compact = 0 ... 30, extended = 31 } id;
        \tvariant <id> {
        \t\tstruct { uint27_clock_monotonic_t timestamp; } compact;
        \t\tstruct { uint32_t id; uint64_clock_monotonic_t timestamp; } extended;
        \t} v;
        } align(8);
        struct event_header_large {
        \tenum : uint16_t { compact = 0 ... 65534, extended = 65535 } id;
        \tvariant <id> {
        \t\tstruct { uint32_clock_monotonic_t timestamp; } compact;
        \t\tstruct { uint32_t id; uint64_clock_monotonic_t timestamp; } extended;
        \t} v;
        } align(8);
        stream { id = 0; event.header := struct \(header); };
        """
    }

    @Test(
        "LTTng's header decoder gives the interpreter's id, timestamp and size on random bytes, or defers to it",
        arguments: [("event_header_compact", CTFLTTngEventHeader.Kind.compact), ("event_header_large", .large)])
    func lttngHeaderMatchesTheInterpreter(header: String, kind: CTFLTTngEventHeader.Kind) throws {
        let metadata = try TSDLParser.parse(Self.lttngMetadata(header: header))
        let type = try #require(metadata.streams[0]?.eventHeader)
        var builder = CTFDecodeProgram(bigEndianTrace: false)
        try builder.append(type, scope: .payload)
        let plan = CTFTrace.StreamPlan(
            id: 0, header: builder.finish(), lttngHeader: CTFLTTngEventHeader(type, bigEndianTrace: false),
            clock: CTFClock(name: "monotonic"))
        let fast = try #require(plan.lttngHeader)
        #expect(fast.kind == kind && plan.fixedHeader == nil)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 32, alignment: 8)
        let slots = UnsafeMutablePointer<EventFieldSlot>.allocate(capacity: plan.header.slotCount)
        var scratch = CTFScratch(capacity: 64)
        defer {
            buffer.deallocate()
            slots.deallocate()
            scratch.deallocate()
        }
        var random = Fuzzing.Generator(seed: 18)
        var extendedCases = 0
        for number in 0..<4_000 {
            for offset in 0..<32 {
                buffer.storeBytes(of: UInt8.random(in: 0...255, using: &random), toByteOffset: offset, as: UInt8.self)
            }
            // Every other case takes the extended form.
            if number % 2 == 0 {
                if kind == .compact { buffer.storeBytes(of: buffer.load(as: UInt8.self) | 0x1F, as: UInt8.self) }
                if kind == .large { buffer.storeBytes(of: UInt16.max, as: UInt16.self) }
            }
            let availableBytes = [3, 4, 6, 12, 13, 14, 16][number % 7]
            slots.initialize(repeating: .absent, count: plan.header.slotCount)
            var reader = CTFBitReader(base: buffer, limitInBits: availableBytes * 8, bitPosition: 0)
            var expected: (id: UInt64, timestamp: UInt64, timestampSizeInBits: Int, sizeInBits: Int)?
            do {
                scratch.used = 0
                try plan.header.run(reader: &reader, slots: slots, scratch: &scratch)
                var id: UInt64 = 0
                for slot in plan.idSlots where slots[slot].presence == 0 { id = slots[slot].bits }
                let timestamps = plan.timestampSlots.filter { slots[$0.slot].presence == 0 }
                #expect(timestamps.count == 1)
                expected = (id, slots[timestamps[0].slot].bits, timestamps[0].sizeInBits, reader.bitPosition)
                if timestamps[0].sizeInBits == 64 { extendedCases += 1 }
            } catch {
                expected = nil
            }
            let decoded = fast.decode(UnsafeRawPointer(buffer), availableBits: availableBytes * 8)
            #expect(decoded?.id == expected?.id && decoded?.timestamp == expected?.timestamp)
            #expect(
                decoded?.timestampSizeInBits == expected?.timestampSizeInBits
                    && decoded?.sizeInBits == expected?.sizeInBits, "case \(number)")
        }
        #expect(extendedCases > 100)
    }

    @Test("a mapped file whose size is a multiple of the page size is followed by readable zeroes")
    func mappedSlackIsReadable() throws {
        let path = CTFConversionTests.scratchPath("mapped")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pageBytes = Int(sysconf(Int32(_SC_PAGESIZE)))
        try Data(repeating: 0xAB, count: pageBytes).write(to: URL(fileURLWithPath: path))
        let file = try MappedFile(path: path, readableSlackBytes: CTFStreamCursor.slackBytes)
        #expect(file.bytes.count == pageBytes && file.bytes.last == 0xAB)
        let base = try #require(file.bytes.baseAddress)
        let slack = (0..<CTFStreamCursor.slackBytes).map { base.load(fromByteOffset: pageBytes + $0, as: UInt8.self) }
        #expect(slack.allSatisfy { $0 == 0 })
        let empty = CTFConversionTests.scratchPath("mapped-empty")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        try Data().write(to: URL(fileURLWithPath: empty))
        let emptyFile = try MappedFile(path: empty, readableSlackBytes: CTFStreamCursor.slackBytes)
        #expect(emptyFile.bytes.count == 0)
    }
}
