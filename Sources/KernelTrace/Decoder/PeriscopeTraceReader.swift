#if canImport(Glibc)
import Glibc
#endif

/// Reads a Periscope trace directory and pushes its events, merged across CPUs in timestamp
/// order, into an `EventConsumer`: the ftrace ring-buffer decoder behind `trace dump`,
/// `trace convert` and the analyses.
public final class PeriscopeTraceReader: EventSource {
    public let layout: TraceDirectoryLayout
    public var traceDirectoryLayout: TraceDirectoryLayout? { layout }
    public let metadata: TraceMetadata
    /// The capture's own count (metadata.json), which includes events dropped on full buffers.
    public var captureLostEventCount: UInt64 { metadata.lostEventCount }
    public let recordedStatedump: RecordedStatedump
    public let formats: [EventFormat]
    public let traceDescription: TraceDescription
    public let pageLayout: RingBufferPageLayout
    private let streams: [(cpu: Int, bytes: UnsafeRawBufferPointer)]
    private let keepAlive: [AnyObject]
    private let decoders: [FtraceClassDecoder]
    /// Every class's decoding program in one buffer, and per class where its steps start, how
    /// many there are and the payload bytes they need: the hot loop touches no Swift array
    /// (no reference counting per event).
    private let programSteps: UnsafeMutableBufferPointer<FtraceClassDecoder.Step>
    private let programs: UnsafeMutableBufferPointer<(firstStep: Int, stepCount: Int, minimumLength: Int)>
    private let unretainedClasses: UnsafeMutableBufferPointer<Unmanaged<EventClass>>
    /// Class index by ftrace event id; -1 for ids not in the trace.
    private let classIndexByID: UnsafeMutableBufferPointer<Int32>
    private let maximumFieldCount: Int

    /// What the reader had to accept or leave out to read this trace (a statedump or header
    /// page that did not parse, an empty or cut page file, a recording that was killed): the
    /// commands print these, so a damaged trace never reads as a quiet success.
    public var warnings: [String] {
        openingWarnings + (outOfOrderEventCount == 0 ? [] : [EventSourceWarnings.outOfOrder(outOfOrderEventCount)])
    }
    private let openingWarnings: [String]
    /// Events of the last `decode` stamped before the event delivered ahead of them.
    public private(set) var outOfOrderEventCount = 0
    /// Streams mapped from files: pages the cursor has passed can be handed back to the kernel.
    private let releasesPassedPages: Bool

    /// The largest CPU number a trace may name (the kernel's NR_CPUS limit is 8192).
    static let maximumCPU = 8191

    /// Opens `directory`: metadata, statedump, format files and the mapped per-CPU pages.
    public convenience init(directory: String) throws(TraceDirectoryError) {
        let layout = TraceDirectoryLayout(root: directory)
        let metadata = try TraceDirectoryWriter.readJSON(TraceMetadata.self, from: layout.metadataPath)
        var warnings: [String] = []
        let isCutShort = metadata.isComplete == false
        if isCutShort {
            warnings.append(
                "the recording was cut short (its recorder was killed before it finished): "
                    + "events up to the last page written are shown, and the loss counters are missing")
        }
        let statedump: RecordedStatedump
        do { statedump = try TraceDirectoryWriter.readJSON(RecordedStatedump.self, from: layout.statedumpPath) } catch {
            warnings.append("\(error); threads and containers are known from the events only")
            statedump = RecordedStatedump(takenAtNs: metadata.startNs, hostNamespaces: [:])
        }
        var headerPage = ""
        do {
            headerPage = String(
                decoding: try TraceDirectoryFile.read(layout.headerPagePath, limitBytes: 1 << 16), as: UTF8.self)
        } catch {
            warnings.append("\(error); assuming the 64-bit page header layout")
        }
        var formatTexts: [String] = []
        for recorded in metadata.tracepoints {
            guard let name = TracepointName(parsing: recorded.name) else {
                throw .malformed(path: layout.metadataPath, reason: "event \(recorded.name)")
            }
            formatTexts.append(
                String(
                    decoding: try TraceDirectoryFile.read(layout.formatPath(name), limitBytes: 1 << 20), as: UTF8.self))
        }
        try Self.checkCPUs(metadata, path: layout.metadataPath)
        var files: [MappedFile] = []
        var streams: [(cpu: Int, bytes: UnsafeRawBufferPointer)] = []
        for cpu in metadata.onlineCPUs {
            let path = layout.rawPagesPath(cpu: cpu)
            let file: MappedFile
            do { file = try MappedFile(path: path) } catch {
                // A recorder killed while creating the page files: the CPUs before it still read.
                guard isCutShort, case .io(_, ENOENT, _) = error else { throw error }
                warnings.append("\(path) was never written: no events from CPU \(cpu)")
                continue
            }
            files.append(file)
            var bytes = file.bytes
            let recorded = metadata.cpuStreams.first { $0.cpu == cpu }?.byteCount
            if bytes.isEmpty {
                warnings.append("\(path) is empty: no events from CPU \(cpu)")
            } else if !isCutShort, let recorded, UInt64(bytes.count) < recorded {
                warnings.append(
                    "\(path) has \(bytes.count) bytes where the recorder wrote \(recorded): the file was cut")
            }
            if isCutShort, metadata.pageSizeBytes > 0, bytes.count % metadata.pageSizeBytes != 0 {
                // A killed recorder can leave half a page: the whole pages before it still read.
                let whole = bytes.count - bytes.count % metadata.pageSizeBytes
                warnings.append(
                    "\(path) ends inside a page (\(bytes.count - whole) bytes of it): that last page is left out")
                bytes = UnsafeRawBufferPointer(rebasing: bytes[..<whole])
            }
            streams.append((cpu, bytes))
        }
        try self.init(
            layout: layout, metadata: metadata, statedump: statedump, headerPage: headerPage, formatTexts: formatTexts,
            streams: streams, keepAlive: files, warnings: warnings, releasesPassedPages: true)
    }

    /// CPU numbers index arrays: each must be small, and named once.
    private static func checkCPUs(_ metadata: TraceMetadata, path: String) throws(TraceDirectoryError) {
        guard metadata.onlineCPUs.allSatisfy({ (0...maximumCPU).contains($0) }),
            Set(metadata.onlineCPUs).count == metadata.onlineCPUs.count
        else {
            throw .malformed(
                path: path,
                reason: "online CPUs \(metadata.onlineCPUs.prefix(8)) are not distinct numbers in 0...\(maximumCPU)")
        }
    }

    /// Builds a reader over streams already in memory (`keepAlive` owns their bytes); the
    /// directory initializer and the fuzz tests both end here.
    init(
        layout: TraceDirectoryLayout, metadata: TraceMetadata, statedump: RecordedStatedump, headerPage: String,
        formatTexts: [String],
        streams: [(cpu: Int, bytes: UnsafeRawBufferPointer)], keepAlive: [AnyObject], warnings: [String] = [],
        releasesPassedPages: Bool = false
    ) throws(TraceDirectoryError) {
        self.layout = layout
        self.metadata = metadata
        self.recordedStatedump = statedump
        self.releasesPassedPages = releasesPassedPages
        var warnings = warnings
        try Self.checkCPUs(metadata, path: layout.metadataPath)
        guard metadata.pageSizeBytes >= 64, metadata.pageSizeBytes <= 1 << 24 else {
            throw .malformed(path: layout.metadataPath, reason: "page size \(metadata.pageSizeBytes)")
        }
        let parsedLayout: (layout: RingBufferPageLayout, missing: [String])
        do {
            parsedLayout = try RingBufferPageLayout.parse(headerPage: headerPage, pageSize: metadata.pageSizeBytes)
        } catch {
            throw .malformed(path: layout.headerPagePath, reason: error.description)
        }
        pageLayout = parsedLayout.layout
        if !headerPage.isEmpty && !parsedLayout.missing.isEmpty {
            warnings.append(
                "\(layout.headerPagePath) has no \(parsedLayout.missing.joined(separator: " or ")) field: assuming the 64-bit page header layout"
            )
        }
        self.openingWarnings = warnings
        var formats: [EventFormat] = []
        var table = EventClassTable()
        var decoders: [FtraceClassDecoder] = []
        var lookup = [Int32](repeating: -1, count: 1 << 16)
        for (recorded, text) in zip(metadata.tracepoints, formatTexts) {
            let subsystem = String(recorded.name.split(separator: ":").first ?? "")
            let path = TracepointName(parsing: recorded.name).map(layout.formatPath) ?? layout.formatsDirectory
            let format: EventFormat
            do { format = try EventFormat.parse(text, subsystem: subsystem) } catch {
                throw .malformed(path: path, reason: error.description)
            }
            guard (0..<(1 << 16)).contains(format.id), lookup[format.id] < 0 else {
                throw .malformed(path: path, reason: "event id \(format.id)")
            }
            let eventClass = table.add(
                name: format.name, system: format.subsystem, id: UInt64(format.id),
                fields: FtraceClassDecoder.fieldDescriptions(for: format))
            lookup[format.id] = Int32(eventClass.index)
            formats.append(format)
            decoders.append(FtraceClassDecoder(format: format))
        }
        self.formats = formats
        self.decoders = decoders
        classIndexByID = .allocate(capacity: lookup.count)
        _ = classIndexByID.initialize(from: lookup)
        self.maximumFieldCount = formats.map(\.fields.count).max() ?? 0
        self.streams = streams
        self.keepAlive = keepAlive
        let stepTotal = decoders.reduce(0) { $0 + $1.steps.count }
        programSteps = .allocate(capacity: max(1, stepTotal))
        programs = .allocate(capacity: max(1, decoders.count))
        var next = 0
        for (index, decoder) in decoders.enumerated() {
            for (offset, step) in decoder.steps.enumerated() { programSteps[next + offset] = step }
            programs[index] = (next, decoder.steps.count, decoder.minimumLength)
            next += decoder.steps.count
        }
        unretainedClasses = .allocate(capacity: max(1, table.count))
        for index in 0..<table.count { unretainedClasses[index] = Unmanaged.passUnretained(table[index]) }
        traceDescription = TraceDescription(
            classes: table, statedump: statedump.model(), cpuCount: (metadata.onlineCPUs.max() ?? -1) + 1,
            clockName: metadata.clock, epochOffsetNanoseconds: metadata.realtimeOffsetNs,
            environment: [
                "hostname": metadata.hostname, "kernel_release": metadata.kernelRelease, "machine": metadata.machine,
                "tracer_name": "periscope", "trace_mode": metadata.mode
            ])
    }

    deinit {
        programSteps.deallocate()
        classIndexByID.deallocate()
        programs.deallocate()
        unretainedClasses.deallocate()
    }

    /// Decodes every event in timestamp order (ties: lower CPU first). Throws at the first
    /// corrupt byte, after delivering every event before it.
    public func run<Consumer: EventConsumer>(into consumer: inout Consumer) throws {
        try decode(into: &consumer)
    }

    /// `run` with a typed error.
    public func decode<Consumer: EventConsumer>(into consumer: inout Consumer) throws(RingBufferDecodeError) {
        consumer.begin(traceDescription)
        var cursors = streams.map {
            RingBufferCursor(cpu: $0.cpu, bytes: $0.bytes, layout: pageLayout, releasesPassedPages: releasesPassedPages)
        }
        var live = [Bool](repeating: false, count: cursors.count)
        for index in cursors.indices { live[index] = try cursors[index].next() }
        let slots = UnsafeMutablePointer<EventFieldSlot>.allocate(capacity: max(1, maximumFieldCount))
        defer { slots.deallocate() }
        var lastTimestamp = metadata.startNs
        // Consumers subtract earlier times from later ones: a corrupt page's time going
        // backwards is delivered at the time already reached, and counted.
        var lastDelivered: UInt64 = 0
        outOfOrderEventCount = 0
        while true {
            // Few CPUs: a linear scan for the earliest head beats a heap.
            var chosen = -1
            var earliest = UInt64.max
            for index in cursors.indices where live[index] && cursors[index].timestamp < earliest {
                earliest = cursors[index].timestamp
                chosen = index
            }
            if chosen < 0 { break }
            if earliest < lastDelivered {
                outOfOrderEventCount += 1
                earliest = lastDelivered
            }
            lastDelivered = earliest
            let lost = cursors[chosen].takeLostEvents()
            if lost > 0 { consumer.eventsLost(cpu: cursors[chosen].cpu, count: lost, before: earliest) }
            let payload = cursors[chosen].payload!
            let length = cursors[chosen].payloadLength
            if length >= 2 {
                let classIndex = classIndexByID[Int(payload.loadUnaligned(as: UInt16.self))]
                if classIndex >= 0 {
                    let program = programs[Int(classIndex)]
                    guard length >= program.minimumLength else {
                        throw RingBufferDecodeError(
                            cpu: cursors[chosen].cpu, offset: cursors[chosen].eventOffset,
                            reason: .eventTooShort(needed: program.minimumLength, length: length))
                    }
                    let steps = UnsafeBufferPointer(
                        rebasing: programSteps[program.firstStep..<(program.firstStep + program.stepCount)])
                    if let bad = FtraceClassDecoder.run(steps, on: payload, length: length, into: slots) {
                        throw RingBufferDecodeError(
                            cpu: cursors[chosen].cpu, offset: cursors[chosen].eventOffset,
                            reason: .dynamicFieldOutOfEvent(field: decoders[Int(classIndex)].fieldName(bad)))
                    }
                    consumer.consume(
                        EventRecord(
                            timestamp: earliest, cpu: cursors[chosen].cpu,
                            eventClass: unretainedClasses[Int(classIndex)].takeUnretainedValue(), slots: slots))
                }
            }
            lastTimestamp = max(lastTimestamp, earliest)
            live[chosen] = try cursors[chosen].next()
        }
        for index in cursors.indices {
            let lost = cursors[index].takeLostEvents()
            if lost > 0 { consumer.eventsLost(cpu: cursors[index].cpu, count: lost, before: lastTimestamp) }
        }
        consumer.end(at: max(lastTimestamp, metadata.endNs))
    }
}
