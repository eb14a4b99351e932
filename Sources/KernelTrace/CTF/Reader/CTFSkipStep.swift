/// How a stream cursor passes over an event of a class the consumer skips: by its fixed span
/// (and the NUL of a string ending it: `rcu_utilization`, the commonest kernel event), else by
/// running a program that stores nothing the consumer reads.
struct CTFSkipStep {
    /// Runs when the span is not fixed, and near the end of a packet's content (for the same
    /// error at the same offset as decoding).
    let program: Unmanaged<CTFCompiledProgram>
    /// The alignment of the event's first field, and the bits from there to its end (or to the
    /// string ending it); -1 when the size varies otherwise.
    let alignmentInBits: Int
    let sizeInBits: Int
    let endsWithString: Bool

    init(_ program: CTFCompiledProgram) {
        self.program = Unmanaged.passUnretained(program)
        let ops = program.ops[0..<program.mainLength]
        // Strings are byte-aligned; one aligned otherwise is left to the program.
        let last = ops.last
        endsWithString = last?.kind == .string && (last?.alignmentInBits ?? 0) <= 8
        let span = Self.fixedSpan(endsWithString ? ops.dropLast() : ops)
        alignmentInBits = span?.alignmentInBits ?? 1
        sizeInBits = span?.sizeInBits ?? -1
    }

    /// The span of `ops` from a start aligned like their first op, when it is the same for every
    /// event: fixed-size fields only, none aligned more strictly than the first (then every
    /// padding between them is the same too).
    static func fixedSpan(_ ops: ArraySlice<CTFDecodeOp>) -> (alignmentInBits: Int, sizeInBits: Int)? {
        let alignment = max(Int(ops.first?.alignmentInBits ?? 1), 1)
        var position = 0
        for op in ops {
            let opAlignment = max(Int(op.alignmentInBits), 1)
            guard opAlignment <= alignment else { return nil }
            position = (position + opAlignment - 1) & ~(opAlignment - 1)
            switch op.kind {
            case .align: continue
            case .fixedRun, .integer: position += Int(op.sizeInBits)
            default: return nil
            }
        }
        return (alignment, position)
    }
}
