import KernelTrace

/// A consumer that keeps a few facts of every event for assertions.
struct CollectedEvents: EventConsumer {
    struct Event {
        var name: String
        var timestamp: UInt64
        var cpu: Int
        var tid: Int32
        /// Integer fields by name (payload only).
        var integers: [String: Int64]
        var strings: [String: String]
        var syscallArguments: [UInt64]
    }

    var events: [Event] = []
    var lost: UInt64 = 0
    var endTimestamp: UInt64 = 0

    mutating func begin(_ trace: TraceDescription) {}

    mutating func consume(_ record: EventRecord) {
        var integers: [String: Int64] = [:]
        var strings: [String: String] = [:]
        var arguments: [UInt64] = []
        var tid: Int32 = -1
        for (index, field) in record.eventClass.fields.enumerated() {
            if field.name == "common_pid" { tid = Int32(truncatingIfNeeded: record.signed(index)) }
            guard field.scope == .payload else { continue }
            switch field.kind {
            case .signedInteger, .unsignedInteger: integers[field.name] = record.signed(index)
            case .string: strings[field.name] = record.string(index)
            case .integerArray where field.name == "args":
                arguments = (0..<record.elementCount(index)).map { UInt64(bitPattern: record.integerArrayElement(index, at: $0)) }
            default: break
            }
        }
        events.append(Event(name: record.eventClass.name, timestamp: record.timestamp, cpu: record.cpu, tid: tid,
                            integers: integers, strings: strings, syscallArguments: arguments))
    }

    mutating func eventsLost(cpu: Int, count: UInt64, before timestamp: UInt64) { lost += count }
    mutating func end(at timestamp: UInt64) { endTimestamp = timestamp }

    static func read(_ directory: String) throws -> (reader: PeriscopeTraceReader, events: CollectedEvents) {
        let reader = try PeriscopeTraceReader(directory: directory)
        var collected = CollectedEvents()
        try reader.run(into: &collected)
        return (reader, collected)
    }
}
