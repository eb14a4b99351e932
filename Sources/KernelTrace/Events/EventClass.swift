/// One kind of event a trace can contain: its name, system, numeric id and field layout.
///
/// A class is immutable once the producer publishes it; consumers key per-class tables on
/// `index`, which is dense (0..<table.count) within one `EventClassTable`.
public final class EventClass: Sendable {
    /// Position of this class in its `EventClassTable`.
    public let index: Int
    /// Event name as the source spells it: `sched_switch`, `syscall_entry_read` (LTTng) or
    /// `sched_switch`, `sys_enter` (ftrace, whose system is separate).
    public let name: String
    /// The subsystem (ftrace `sched`, `raw_syscalls`; LTTng user-space provider), or "" when the
    /// source has none (LTTng kernel events carry the subsystem in the name).
    public let system: String
    /// The id the source format uses for this class (ftrace format id, CTF event id).
    public let id: UInt64
    /// The source's stream class id (CTF `stream_id`); 0 for ftrace.
    public let streamClassID: UInt64
    /// Every field, contexts first then payload, in the order slots are filled.
    public let fields: [EventFieldDescription]

    public init(
        index: Int, name: String, system: String = "", id: UInt64, streamClassID: UInt64 = 0,
        fields: [EventFieldDescription]
    ) {
        self.index = index
        self.name = name
        self.system = system
        self.id = id
        self.streamClassID = streamClassID
        self.fields = fields
    }

    /// `system:name` when there is a system, else `name`.
    public var qualifiedName: String { system.isEmpty ? name : "\(system):\(name)" }

    /// The slot index of a field, resolved once and reused for every record of this class.
    ///
    /// Payload fields win over context fields of the same name (an event's own `tid` is what
    /// an expression means by `$evt.tid`); among equals the first declared wins. A scan, not a
    /// table built per class: an LTTng kernel trace declares ~1,200 classes and binds a few dozen.
    public func fieldIndex(named name: String) -> Int? {
        var firstMatch: Int?
        for position in fields.indices where fields[position].name == name {
            if fields[position].scope == .payload { return position }
            if firstMatch == nil { firstMatch = position }
        }
        return firstMatch
    }

    /// The slot index of a field of one scope (e.g. the `tid` context even when the payload also
    /// has a `tid`).
    public func fieldIndex(named name: String, scope: EventFieldScope) -> Int? {
        fields.firstIndex { $0.name == name && $0.scope == scope }
    }
}

/// Every event class of one trace, indexed by `EventClass.index`.
public struct EventClassTable: Sendable {
    public private(set) var classes: [EventClass] = []

    public init() {}

    /// Creates and appends a class, assigning it the next index.
    @discardableResult
    public mutating func add(
        name: String, system: String = "", id: UInt64, streamClassID: UInt64 = 0,
        fields: [EventFieldDescription]
    ) -> EventClass {
        let eventClass = EventClass(
            index: classes.count, name: name, system: system, id: id, streamClassID: streamClassID,
            fields: fields)
        classes.append(eventClass)
        return eventClass
    }

    public var count: Int { classes.count }

    public subscript(index: Int) -> EventClass { classes[index] }

    /// Classes with this name (one per stream class in CTF), in table order.
    public func classes(named name: String) -> [EventClass] {
        classes.filter { $0.name == name }
    }
}
