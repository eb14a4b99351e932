import KernelTrace

/// A consumer that keeps a few facts of every event for assertions (decoder unit tests and the
/// live capture tests).
public struct CollectedEvents: EventConsumer {
    public struct Event {
        public var name: String
        public var timestamp: UInt64
        public var cpu: Int
        public var tid: Int32
        /// Integer fields by name (payload only).
        public var integers: [String: Int64]
        public var strings: [String: String]
        public var syscallArguments: [UInt64]
    }

    public var events: [Event] = []
    public var lost: UInt64 = 0
    public var endTimestamp: UInt64 = 0

    public init() {}

    public mutating func begin(_ trace: TraceDescription) {}

    public mutating func consume(_ record: EventRecord) {
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
                arguments = (0..<record.elementCount(index)).map {
                    UInt64(bitPattern: record.integerArrayElement(index, at: $0))
                }
            default: break
            }
        }
        events.append(
            Event(
                name: record.eventClass.name, timestamp: record.timestamp, cpu: record.cpu, tid: tid,
                integers: integers, strings: strings, syscallArguments: arguments))
    }

    public mutating func eventsLost(cpu: Int, count: UInt64, before timestamp: UInt64) { lost += count }
    public mutating func end(at timestamp: UInt64) { endTimestamp = timestamp }

    public static func read(_ directory: String) throws -> (reader: PeriscopeTraceReader, events: CollectedEvents) {
        let reader = try PeriscopeTraceReader(directory: directory)
        var collected = CollectedEvents()
        try reader.run(into: &collected)
        return (reader, collected)
    }
}
