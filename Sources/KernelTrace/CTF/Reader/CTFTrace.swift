/// One CTF trace (one `metadata` file and the data streams beside it), compiled for decoding.
final class CTFTrace {
    /// How one event class of one stream class is decoded.
    final class EventPlan {
        let eventClass: EventClass
        /// The program with its ops laid out but not yet fused, until `program` is first asked:
        /// an LTTng kernel trace declares ~1,200 classes and its events use a few dozen.
        private var unfinished: CTFDecodeProgram?
        private var finished: CTFCompiledProgram?

        init(eventClass: EventClass, program: CTFDecodeProgram) {
            self.eventClass = eventClass
            unfinished = program
        }

        /// Stream event context, event context and payload, in that order.
        var program: CTFCompiledProgram {
            if let finished { return finished }
            var builder = unfinished.take()!
            let compiled = builder.finish()
            finished = compiled
            return compiled
        }

        /// `program` without reference counting, for the per-event path (the plan keeps it alive).
        var programReference: Unmanaged<CTFCompiledProgram> { Unmanaged.passUnretained(program) }
    }

    /// How events of one stream class are framed.
    final class StreamPlan {
        let id: UInt64
        let header: CTFCompiledProgram
        /// Header slots that may hold the event id (`id`, `v.id`): the last present one wins.
        let idSlots: [Int]
        /// Header slots mapped to the clock, with their size in bits.
        let timestampSlots: [(slot: Int, sizeInBits: Int)]
        let clock: CTFClock
        /// The header's layout when it is Periscope's fixed `id` + `timestamp` (no interpreter).
        let fixedHeader: CTFFixedEventHeader?
        /// The header's layout when it is LTTng's compact or large header (no interpreter).
        let lttngHeader: CTFLTTngEventHeader?
        /// Indexed by event id; nil where no event has that id.
        var events: [EventPlan?] = [] {
            didSet {
                eventReferences = events.map { $0.map(Unmanaged.passUnretained) }
                classIndexByID.deallocate()
                idCount = events.count
                classIndexByID = .allocate(capacity: max(events.count, 1))
                for (id, event) in events.enumerated() {
                    (classIndexByID + id).initialize(to: event.map { Int32($0.eventClass.index) } ?? -1)
                }
            }
        }
        /// `events` unretained, for the per-event lookup (`events` keeps them alive).
        private(set) var eventReferences: [Unmanaged<EventPlan>?] = []
        /// Each id's class index (-1 where no event has that id), `idCount` of them: what a
        /// cursor passing over skipped classes reads, without touching the plans (memory of its
        /// own: an array's retain per lookup cost decoding a tenth).
        private(set) var classIndexByID = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        private(set) var idCount = 0

        deinit { classIndexByID.deallocate() }

        init(id: UInt64, header: CTFCompiledProgram, lttngHeader: CTFLTTngEventHeader? = nil, clock: CTFClock) {
            self.id = id
            self.header = header
            self.clock = clock
            idSlots = header.fields.indices.filter {
                header.fields[$0].name == "id" || header.fields[$0].name.hasSuffix(".id")
            }
            timestampSlots = header.fields.indices.compactMap { slot in
                let field = header.fields[slot]
                let isTimestamp =
                    header.mappedClocks[slot] != nil
                    || field.name == "timestamp" || field.name.hasSuffix(".timestamp")
                return isTimestamp ? (slot, field.sizeInBits) : nil
            }
            fixedHeader = CTFFixedEventHeader(header: header, idSlots: idSlots, timestampSlots: timestampSlots)
            self.lttngHeader = lttngHeader
        }
    }

    /// Event ids above this are refused rather than sizing a table after a corrupt number.
    static let maximumEventID: UInt64 = 1 << 20

    let directory: String
    let metadata: CTFMetadata
    let packetProgram: CTFCompiledProgram
    let streams: [UInt64: StreamPlan]

    /// Parses `directory/metadata` and adds its event classes to `classes`.
    init(directory: String, classes: inout EventClassTable) throws {
        self.directory = directory
        let text = try CTFMetadataReader.read(path: directory + "/metadata")
        let metadata = try TSDLParser.parse(text)
        self.metadata = metadata

        var packetProgram = CTFDecodeProgram(bigEndianTrace: metadata.bigEndian)
        try packetProgram.append(metadata.packetHeader, scope: .payload)
        // Packet contexts differ per stream class; the packet header names the stream, so the
        // context is compiled per stream below and decoded after the header.
        self.packetProgram = packetProgram.finish()

        var streamClasses = metadata.streams
        if streamClasses.isEmpty { streamClasses[0] = CTFStreamClass(id: 0) }
        let defaultClock = metadata.clocks.values.sorted { $0.name < $1.name }.first ?? CTFClock(name: "")
        var streams: [UInt64: StreamPlan] = [:]
        for streamClass in streamClasses.values.sorted(by: { $0.id < $1.id }) {
            var headerBuilder = CTFDecodeProgram(bigEndianTrace: metadata.bigEndian)
            try headerBuilder.append(streamClass.eventHeader, scope: .payload)
            let header = headerBuilder.finish()
            let clockName = header.mappedClocks.values.first
            let clock = clockName.flatMap { metadata.clocks[$0] } ?? defaultClock
            let plan = StreamPlan(
                id: streamClass.id, header: header,
                lttngHeader: CTFLTTngEventHeader(streamClass.eventHeader, bigEndianTrace: metadata.bigEndian),
                clock: clock)
            let declarations = metadata.events.filter { $0.streamID == streamClass.id || (metadata.streams.isEmpty) }
            guard let maximumID = declarations.map(\.id).max() else {
                streams[streamClass.id] = plan
                continue
            }
            guard maximumID <= Self.maximumEventID else {
                throw CTFReaderError.unsupportedMetadata("event id \(maximumID) is larger than \(Self.maximumEventID)")
            }
            var events = [EventPlan?](repeating: nil, count: Int(maximumID) + 1)
            for declaration in declarations.sorted(by: { $0.id < $1.id }) {
                var program = CTFDecodeProgram(bigEndianTrace: metadata.bigEndian)
                try program.append(streamClass.eventContext, scope: .streamEventContext)
                try program.append(declaration.context, scope: .eventContext)
                try program.append(declaration.fields, scope: .payload)
                let eventClass = classes.add(
                    name: declaration.name, id: declaration.id, streamClassID: streamClass.id, fields: program.fields)
                events[Int(declaration.id)] = EventPlan(eventClass: eventClass, program: program)
            }
            plan.events = events
            streams[streamClass.id] = plan
        }
        self.streams = streams
        contextPrograms = try Dictionary(
            uniqueKeysWithValues: streamClasses.values.map { streamClass in
                var context = CTFDecodeProgram(bigEndianTrace: metadata.bigEndian)
                try context.append(streamClass.packetContext, scope: .payload)
                return (streamClass.id, context.finish())
            })
    }

    /// The packet context program of each stream class.
    let contextPrograms: [UInt64: CTFCompiledProgram]

    /// Data stream files: every regular file of the directory except `metadata`, indexes and
    /// hidden files.
    func streamFiles() throws -> [String] {
        try CTFDirectory.entries(of: directory).filter { entry in
            entry.isRegularFile && entry.name != "metadata" && !entry.name.hasPrefix(".")
        }.map { directory + "/" + $0.name }.sorted()
    }
}
