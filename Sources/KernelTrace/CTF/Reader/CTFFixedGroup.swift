/// Consecutive fields of a fixed run that load the same way: same width, signedness and byte
/// order, back to back in the packet and in consecutive slots (LTTng's context `pid`, `vpid`,
/// `tid`, `vtid` and the namespace inodes are one group each).
///
/// The interpreter switches once per group and then loads at a constant stride, instead of
/// switching on width, byte order and sign for every field: that per-field branching was the
/// largest part of decoding a CTF event.
struct CTFFixedGroup: Sendable {
    enum Load: UInt8, Sendable {
        /// Little-endian unsigned integers (and 64-bit signed ones: the same bits).
        case unsigned8, unsigned16, unsigned32, unsigned64
        /// Little-endian signed integers, sign-extended to 64 bits.
        case signed8, signed16, signed32
        /// Anything else (big-endian): field by field through `CTFFixedField`.
        case eachField
        /// One fixed-length byte array (`fieldCount` 1, `arrayBytes` long), as a span.
        case bytes
        /// One fixed-length byte array of text: the span stops at the first NUL.
        case text
    }

    var load: Load
    var fieldCount: Int32
    var firstSlot: Int32
    var offsetInBytes: Int32
    /// Index of the group's first field in the program's `fixedFields`.
    var firstField: Int32
    /// For `.bytes` and `.text`: the array's length.
    var arrayBytes: Int32 = 0

    static func load(of field: CTFFixedField) -> Load {
        switch field.kind {
        case .integer: break
        case .bytes: return .bytes
        case .text: return .text
        }
        guard !field.bigEndian else { return .eachField }
        switch (field.sizeInBits, field.isSigned) {
        case (8, false): return .unsigned8
        case (16, false): return .unsigned16
        case (32, false): return .unsigned32
        case (8, true): return .signed8
        case (16, true): return .signed16
        case (32, true): return .signed32
        default: return .unsigned64
        }
    }

    /// Splits the fields of one run (whose first field is `fixedFields[firstField]`) into groups.
    static func group(_ fields: [CTFFixedField], firstField: Int, into groups: inout [CTFFixedGroup]) {
        for (index, field) in fields.enumerated() {
            let load = load(of: field)
            if let last = groups.last, Int(last.firstField) >= firstField, last.load == load, field.kind == .integer {
                let previous = fields[index - 1]
                let follows =
                    load == .eachField
                    || (field.slot == previous.slot + 1
                        && field.offsetInBits == previous.offsetInBits + previous.sizeInBits)
                if follows {
                    groups[groups.count - 1].fieldCount += 1
                    continue
                }
            }
            groups.append(
                CTFFixedGroup(
                    load: load, fieldCount: 1, firstSlot: field.slot, offsetInBytes: field.offsetInBits / 8,
                    firstField: Int32(firstField + index),
                    arrayBytes: field.kind == .integer ? 0 : field.sizeInBits / 8))
        }
    }
}
