/// LTTng's two event headers, recognised in the metadata and decoded with one or two loads
/// instead of the interpreter (the interpreter walked the enumeration, the variant and its
/// options for every event: a third of decoding a real LTTng kernel trace):
///
/// ```
/// struct event_header_compact {            struct event_header_large {
///     enum : uint5_t { compact = 0 ... 30,      enum : uint16_t { compact = 0 ... 65534,
///                      extended = 31 } id;                        extended = 65535 } id;
///     variant <id> {                            variant <id> {
///         struct { uint27_clock_monotonic_t       struct { uint32_clock_monotonic_t
///                  timestamp; } compact;                   timestamp; } compact;
///         struct { uint32_t id;                   struct { uint32_t id;
///                  uint64_clock_monotonic_t               uint64_clock_monotonic_t
///                  timestamp; } extended;                 timestamp; } extended;
///     } v;                                      } v;
/// } align(8);                               } align(8);
/// ```
///
/// Only these exact layouts in a little-endian trace qualify; anything else (other sizes,
/// names, mappings, big-endian) keeps the interpreter.
struct CTFLTTngEventHeader: Sendable {
    enum Kind: Sendable {
        /// A 5-bit id and a 27-bit timestamp in one 32-bit word.
        case compact
        /// A 16-bit id, then a byte-aligned 32-bit timestamp.
        case large
    }

    let kind: Kind

    /// The extended form's `id` and `timestamp` offsets from the header's start, and its size:
    /// the same for both kinds (the extended structure is byte aligned after the tag).
    static let compactExtendedIDOffsetInBytes = 1
    static let largeExtendedIDOffsetInBytes = 2

    init?(_ header: CTFType?, bigEndianTrace: Bool) {
        guard !bigEndianTrace, case .structure(let members, let alignment)? = header, alignment == 8,
            members.count == 2, members[0].name == "id", members[1].name == "v",
            case .enumeration(let tag, let mappings) = members[0].type,
            case .variant(let tagName, let options) = members[1].type, tagName == "id",
            options.count == 2, options[0].name == "compact", options[1].name == "extended",
            case .structure(let compactMembers, _) = options[0].type, compactMembers.count == 1,
            compactMembers[0].name == "timestamp", case .integer(let compactTimestamp) = compactMembers[0].type,
            case .structure(let extendedMembers, _) = options[1].type, extendedMembers.count == 2,
            extendedMembers[0].name == "id", extendedMembers[1].name == "timestamp",
            case .integer(let extendedID) = extendedMembers[0].type,
            case .integer(let extendedTimestamp) = extendedMembers[1].type,
            Self.isPlain(extendedID, sizeInBits: 32, alignmentInBits: 8),
            Self.isPlain(extendedTimestamp, sizeInBits: 64, alignmentInBits: 8),
            extendedTimestamp.mappedClock != nil, compactTimestamp.mappedClock != nil
        else { return nil }
        if Self.isPlain(tag, sizeInBits: 5, alignmentInBits: 1),
            mappings == [
                EventEnumerationMapping(label: "compact", lower: 0, upper: 30),
                EventEnumerationMapping(label: "extended", lower: 31, upper: 31)
            ],
            Self.isPlain(compactTimestamp, sizeInBits: 27, alignmentInBits: 1)
        {
            kind = .compact
        } else if Self.isPlain(tag, sizeInBits: 16, alignmentInBits: 8),
            mappings == [
                EventEnumerationMapping(label: "compact", lower: 0, upper: 65534),
                EventEnumerationMapping(label: "extended", lower: 65535, upper: 65535)
            ],
            Self.isPlain(compactTimestamp, sizeInBits: 32, alignmentInBits: 8)
        {
            kind = .large
        } else {
            return nil
        }
    }

    /// An unsigned little-endian (or native, in a little-endian trace) integer of that layout.
    private static func isPlain(_ integer: CTFIntegerType, sizeInBits: Int, alignmentInBits: Int) -> Bool {
        integer.sizeInBits == sizeInBits && integer.alignmentInBits == alignmentInBits && !integer.isSigned
            && integer.byteOrder != .big
    }

    /// The header at byte `base` (the byte-aligned start): the event id, the timestamp and its
    /// size in bits, and the header's size in bits; nil when it needs more than `availableBits`
    /// (the interpreter then fails at the same bit offset as ever). The packet's slack keeps
    /// every load in bounds.
    @inline(__always)
    func decode(
        _ base: UnsafeRawPointer, availableBits: Int
    ) -> (
        id: UInt64, timestamp: UInt64, timestampSizeInBits: Int, sizeInBits: Int
    )? {
        switch kind {
        case .compact:
            guard availableBits >= 32 else { return nil }
            let word = UInt32(littleEndian: base.loadUnaligned(as: UInt32.self))
            let id = UInt64(word & 0x1F)
            if id < 31 { return (id, UInt64(word >> 5), 27, 32) }
            guard availableBits >= 104 else { return nil }
            return extended(base, idOffset: Self.compactExtendedIDOffsetInBytes)
        case .large:
            guard availableBits >= 48 else { return nil }
            let id = UInt64(UInt16(littleEndian: base.loadUnaligned(as: UInt16.self)))
            if id < 65535 {
                return (
                    id, UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 2, as: UInt32.self))), 32, 48
                )
            }
            guard availableBits >= 112 else { return nil }
            return extended(base, idOffset: Self.largeExtendedIDOffsetInBytes)
        }
    }

    @inline(__always)
    private func extended(
        _ base: UnsafeRawPointer, idOffset: Int
    ) -> (
        id: UInt64, timestamp: UInt64, timestampSizeInBits: Int, sizeInBits: Int
    ) {
        let id = UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: idOffset, as: UInt32.self)))
        let timestamp = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: idOffset + 4, as: UInt64.self))
        return (id, timestamp, 64, (idOffset + 12) * 8)
    }
}
