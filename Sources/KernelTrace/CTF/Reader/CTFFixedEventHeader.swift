/// An event header that is exactly one fixed run of an unsigned little-endian `id` and a
/// clock-mapped unsigned little-endian `timestamp`, byte aligned (Periscope's own
/// `struct { uint16_t id; uint64_clock_monotonic_t timestamp; } align(8)`): decoded with two
/// loads instead of the interpreter and the header slots.
///
/// Any other layout (LTTng's compact and large headers with their variants, bit fields,
/// big-endian, signed or extra fields) has no fixed header and takes the interpreter.
struct CTFFixedEventHeader: Sendable {
    let alignmentInBits: Int
    let sizeInBits: Int
    /// The two fields as loads from the header's first byte, the way a fixed run loads them.
    let id: CTFFixedLoad
    let timestamp: CTFFixedLoad
    let timestampSizeInBits: Int

    /// The fixed layout of `header`, or nil when it is not exactly one fixed run of the id slot
    /// and the timestamp slot.
    init?(header: CTFCompiledProgram, idSlots: [Int], timestampSlots: [(slot: Int, sizeInBits: Int)]) {
        guard header.mainLength == 1, header.ops.count == 1, header.variants.isEmpty,
            header.fields.count == 2, idSlots.count == 1, timestampSlots.count == 1
        else { return nil }
        let op = header.ops[0]
        guard op.kind == .fixedRun, op.count == 2, op.alignmentInBits >= 8 else { return nil }
        let fields = header.fixedFields[Int(op.auxiliary)..<Int(op.auxiliary) + 2]
        guard
            fields.allSatisfy({
                $0.kind == .integer && !$0.isSigned && !$0.bigEndian && [8, 16, 32, 64].contains($0.sizeInBits)
                    && $0.offsetInBits % 8 == 0
            }),
            let id = fields.first(where: { Int($0.slot) == idSlots[0] }),
            let timestamp = fields.first(where: { Int($0.slot) == timestampSlots[0].slot }),
            Int(timestamp.sizeInBits) == timestampSlots[0].sizeInBits, id.slot != timestamp.slot
        else { return nil }
        alignmentInBits = Int(op.alignmentInBits)
        sizeInBits = Int(op.sizeInBits)
        self.id = CTFFixedLoad(unsigned: id)
        self.timestamp = CTFFixedLoad(unsigned: timestamp)
        timestampSizeInBits = Int(timestamp.sizeInBits)
    }
}
