/// One little-endian integer of a fixed run, loaded the same way whatever its width and sign:
/// an 8-byte load at its offset, shifted left then right by `unusedBits` (arithmetically for
/// signed fields). A run's integers are one loop with no branch per field, where a switch on
/// width and sign for each field (or group of fields) mispredicted on every event class change.
///
/// The 8-byte load may read up to 7 bytes past the field: the packet's content is followed by
/// the rest of the file or by the mapping's zero slack (`CTFStreamCursor.slackBytes`).
struct CTFFixedLoad: Sendable {
    var slot: Int32
    var offsetInBytes: Int32
    /// 64 minus the field's size in bits.
    var unusedBits: UInt8
    var isSigned: Bool

    /// Splits the fields of one run (whose first field is `fixedFields[firstField]`): little-endian
    /// integers become `loads`; byte arrays and big-endian integers stay field by field, as
    /// their indices in `fixedFields` in `others`.
    static func split(
        _ fields: [CTFFixedField], firstField: Int, loads: inout [CTFFixedLoad], others: inout [Int32]
    ) {
        for (index, field) in fields.enumerated() {
            if field.kind == .integer && !field.bigEndian {
                loads.append(
                    CTFFixedLoad(
                        slot: field.slot, offsetInBytes: field.offsetInBits / 8,
                        unusedBits: UInt8(64 - field.sizeInBits), isSigned: field.isSigned))
            } else {
                others.append(Int32(firstField + index))
            }
        }
    }

    /// An unsigned little-endian integer field of 8 to 64 bits at a whole byte offset.
    init(unsigned field: CTFFixedField) {
        slot = field.slot
        offsetInBytes = field.offsetInBits / 8
        unusedBits = UInt8(64 - field.sizeInBits)
        isSigned = false
    }

    init(slot: Int32, offsetInBytes: Int32, unusedBits: UInt8, isSigned: Bool) {
        self.slot = slot
        self.offsetInBytes = offsetInBytes
        self.unusedBits = unusedBits
        self.isSigned = isSigned
    }

    /// The field's value; `runBase` is the run's first byte.
    @inline(__always)
    func value(from runBase: UnsafeRawPointer) -> UInt64 {
        let raw = UInt64(littleEndian: runBase.loadUnaligned(fromByteOffset: Int(offsetInBytes), as: UInt64.self))
        let unused = UInt64(unusedBits)
        let shifted = raw &<< unused
        return isSigned ? UInt64(bitPattern: Int64(bitPattern: shifted) &>> Int64(unused)) : shifted &>> unused
    }
}
