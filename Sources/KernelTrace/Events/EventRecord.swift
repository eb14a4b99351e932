#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The decoded value of one field of one event, filled by the producer.
///
/// Scalars (integers, enumerations, floats) keep their bit pattern in `bits` (sign-extended for
/// signed kinds). Spans (strings, byte and integer arrays, compounds) keep the address of their
/// first byte in `bits` and their byte count in `length`; the bytes belong to the producer and
/// stay valid only while the record is being consumed.
public struct EventFieldSlot: Sendable {
    public var bits: UInt64
    public var length: UInt32
    /// `EventFieldSlot.absentMarker` when the field is not present in this event (an unselected
    /// CTF variant option); 0 otherwise.
    public var presence: UInt32

    public static let absentMarker: UInt32 = 1
    public static let absent = EventFieldSlot(bits: 0, length: 0, presence: absentMarker)

    @inlinable
    public init(bits: UInt64, length: UInt32 = 0, presence: UInt32 = 0) {
        self.bits = bits
        self.length = length
        self.presence = presence
    }

    /// A scalar slot from a signed value.
    @inlinable
    public static func signed(_ value: Int64) -> EventFieldSlot {
        EventFieldSlot(bits: UInt64(bitPattern: value))
    }

    /// A scalar slot from an unsigned value.
    @inlinable
    public static func unsigned(_ value: UInt64) -> EventFieldSlot { EventFieldSlot(bits: value) }

    /// A span slot over bytes the producer keeps alive for the duration of `consume(_:)`.
    @inlinable
    public static func span(_ start: UnsafeRawPointer?, count: Int) -> EventFieldSlot {
        EventFieldSlot(bits: UInt64(UInt(bitPattern: start)), length: UInt32(truncatingIfNeeded: count))
    }
}

/// One decoded event, valid only during the consumer's `consume(_:)` call.
///
/// A record is a few words: it points at the producer's reused slot array and does not retain
/// its class, so building and passing one costs no allocation and no reference counting.
public struct EventRecord {
    /// Nanoseconds on the trace clock (for LTTng: since the Epoch, clock offset applied; for
    /// ftrace `mono`: since boot).
    public var timestamp: UInt64
    /// The CPU that recorded the event (ftrace per-CPU buffer, CTF packet context `cpu_id`), or
    /// -1 when the source does not say.
    public var cpu: Int
    /// The event's class; not retained (the class table outlives every record).
    public unowned(unsafe) let eventClass: EventClass
    /// One slot per field of `eventClass`, in field order.
    public let slots: UnsafePointer<EventFieldSlot>

    @inlinable
    public init(timestamp: UInt64, cpu: Int, eventClass: EventClass, slots: UnsafePointer<EventFieldSlot>) {
        self.timestamp = timestamp
        self.cpu = cpu
        self.eventClass = eventClass
        self.slots = slots
    }

    /// Dense index of the class in the trace's `EventClassTable`.
    @inlinable
    public var classIndex: Int { eventClass.index }

    /// Whether the field at `index` is present in this event.
    @inlinable
    public func isPresent(_ index: Int) -> Bool { slots[index].presence == 0 }

    /// The field at `index` as an unsigned integer (bit pattern for signed fields).
    @inlinable
    public func unsigned(_ index: Int) -> UInt64 { slots[index].bits }

    /// The field at `index` as a signed integer (sign-extended by the producer).
    @inlinable
    public func signed(_ index: Int) -> Int64 { Int64(bitPattern: slots[index].bits) }

    /// The field at `index` as an `Int` (tids, CPU numbers, return values).
    @inlinable
    public func integer(_ index: Int) -> Int { Int(truncatingIfNeeded: slots[index].bits) }

    /// The floating-point field at `index`.
    @inlinable
    public func double(_ index: Int) -> Double { Double(bitPattern: slots[index].bits) }

    /// The bytes of a string, byte-array, integer-array or compound field.
    @inlinable
    public func bytes(_ index: Int) -> UnsafeRawBufferPointer {
        let slot = slots[index]
        return UnsafeRawBufferPointer(
            start: UnsafeRawPointer(bitPattern: UInt(slot.bits)), count: Int(slot.length))
    }

    /// A string field as a Swift `String` (allocates: use for values you keep, not to compare).
    public func string(_ index: Int) -> String {
        String(decoding: bytes(index), as: UTF8.self)
    }

    /// Whether a string field equals `utf8` byte for byte, without allocating. Contiguous bytes
    /// (a `String`'s UTF-8 view) are compared as a block: element by element, the comparison of
    /// each `sched_switch`'s `next_comm` was 2 % of a `cputop` run.
    @inlinable
    public func string(_ index: Int, equals utf8: some Collection<UInt8>) -> Bool {
        let value = bytes(index)
        guard value.count == utf8.count else { return false }
        let equalBlocks = utf8.withContiguousStorageIfAvailable { other in
            value.count == 0 || memcmp(value.baseAddress!, other.baseAddress!, value.count) == 0
        }
        return equalBlocks ?? value.elementsEqual(utf8)
    }

    /// Element `element` of an `integerArray` field (host byte order, `elementBytes` wide).
    public func integerArrayElement(_ index: Int, at element: Int) -> Int64 {
        guard case .integerArray(let width, let isSigned) = eventClass.fields[index].kind else { return 0 }
        let raw = bytes(index)
        let offset = element * width
        guard offset >= 0, offset + width <= raw.count else { return 0 }
        switch (width, isSigned) {
        case (1, true): return Int64(raw.loadUnaligned(fromByteOffset: offset, as: Int8.self))
        case (1, false): return Int64(raw.loadUnaligned(fromByteOffset: offset, as: UInt8.self))
        case (2, true): return Int64(raw.loadUnaligned(fromByteOffset: offset, as: Int16.self))
        case (2, false): return Int64(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
        case (4, true): return Int64(raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
        case (4, false): return Int64(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        default: return raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)
        }
    }

    /// Number of elements of an array field (bytes for strings and byte arrays).
    public func elementCount(_ index: Int) -> Int {
        let length = Int(slots[index].length)
        if case .integerArray(let width, _) = eventClass.fields[index].kind, width > 0 { return length / width }
        return length
    }
}
