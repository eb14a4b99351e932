/// What kind of value a field holds, which decides how its `EventFieldSlot` is read.
public enum EventFieldKind: Sendable, Hashable {
    /// A signed integer (up to 64 bits), sign-extended into `bits`.
    case signedInteger
    /// An unsigned integer (up to 64 bits), zero-extended into `bits`.
    case unsignedInteger
    /// An integer with named ranges (CTF enumeration); the integer is in `bits`.
    case enumeration(signed: Bool)
    /// An IEEE 754 floating-point number stored as a `Double` bit pattern in `bits`.
    case floatingPoint
    /// A text string (NUL-terminated in the source, or a fixed `char[N]`); the span excludes any
    /// terminating NUL and the padding after it.
    case string
    /// Raw bytes (an array or sequence of 8-bit integers that is not text).
    case bytes
    /// An array or sequence of integers wider than 8 bits; the span holds them packed in host
    /// byte order, `elementBytes` each.
    case integerArray(elementBytes: Int, signed: Bool)
    /// A structure, variant or array of them that is not flattened: the span holds the field's raw
    /// encoded bytes. Only the producer can interpret it.
    case compound
}

/// Where a field came from in the source format.
public enum EventFieldScope: UInt8, Sendable, Hashable {
    /// The event's own payload.
    case payload
    /// A per-event context declared by the event class (CTF `context :=` in `event`).
    case eventContext
    /// A context every event of the stream carries (CTF `event.context`, LTTng's `pid`, `tid`,
    /// `procname`, `pid_ns`, ... added with `lttng add-context`).
    case streamEventContext
    /// A field common to every event of the format (ftrace `common_pid`, `common_flags`, ...).
    case common
}

/// One named value of an enumeration: `label` covers `lower...upper`.
public struct EventEnumerationMapping: Sendable, Hashable {
    public var label: String
    public var lower: Int64
    public var upper: Int64

    public init(label: String, lower: Int64, upper: Int64) {
        self.label = label
        self.lower = lower
        self.upper = upper
    }
}

/// The description of one field of an event class.
public struct EventFieldDescription: Sendable, Hashable {
    /// The field name without the leading `_` LTTng writes in TSDL (`prev_tid`, not `_prev_tid`).
    public var name: String
    public var kind: EventFieldKind
    public var scope: EventFieldScope
    /// Size of one value in bits for integers and floats (8, 16, 32, 64, or odd sizes like 27);
    /// the element size for arrays; 0 for strings and compounds.
    public var sizeInBits: Int
    /// Preferred display base (10 or 16), as declared by the format.
    public var displayBase: Int
    /// Labels of an enumeration, in declaration order; empty otherwise.
    public var enumerationMappings: [EventEnumerationMapping]

    public init(
        name: String, kind: EventFieldKind, scope: EventFieldScope = .payload, sizeInBits: Int = 0,
        displayBase: Int = 10, enumerationMappings: [EventEnumerationMapping] = []
    ) {
        self.name = name
        self.kind = kind
        self.scope = scope
        self.sizeInBits = sizeInBits
        self.displayBase = displayBase
        self.enumerationMappings = enumerationMappings
    }

    /// Whether the value is read with `EventRecord.signed(_:)`.
    public var isSigned: Bool {
        switch kind {
        case .signedInteger, .enumeration(signed: true), .integerArray(_, signed: true): true
        default: false
        }
    }

    /// Whether the value lives in `bits` (integers, enumerations, floats) rather than a span.
    public var isScalar: Bool {
        switch kind {
        case .signedInteger, .unsignedInteger, .enumeration, .floatingPoint: true
        case .string, .bytes, .integerArray, .compound: false
        }
    }

    /// The label of an enumeration value, if one range covers it.
    public func enumerationLabel(for value: Int64) -> String? {
        enumerationMappings.first { value >= $0.lower && value <= $0.upper }?.label
    }
}
