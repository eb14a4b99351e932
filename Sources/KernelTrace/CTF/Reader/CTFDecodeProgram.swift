/// One step of a compiled decoding program. Plain data so the interpreter is a tight switch.
struct CTFDecodeOp {
    enum Kind: UInt8 {
        case integer, float32, float64, string, byteArray, byteSequence, integerArray, integerSequence
        case variant, compoundArray, compoundSequence, align
        /// A run of byte-aligned integers at offsets known when compiling (`CTFFixedField`):
        /// one bounds check and one load per field instead of one dispatch, alignment and check each.
        case fixedRun
    }

    var kind: Kind
    var isSigned = false
    var bigEndian = false
    /// For byte arrays: text (UTF8/ASCII), trimmed at the first NUL.
    var isText = false
    var slot: Int32 = -1
    var alignmentInBits: Int32 = 1
    /// Integer size, or element size for arrays.
    var sizeInBits: Int32 = 0
    /// Fixed element count, or the slot holding the length for sequences.
    var count: Int32 = 0
    /// Index into `variants` or `compounds`, or the first `CTFFixedField` of a fixed run.
    var auxiliary: Int32 = 0
    /// For a fixed run: its little-endian integers, `fixedLoads[loadStart..<loadEnd]`.
    var loadStart: Int32 = 0
    var loadEnd: Int32 = 0
    /// For a fixed run: its other fields (byte arrays, big-endian integers), as indices into
    /// `fixedFields`: `fixedOthers[otherStart..<otherEnd]`.
    var otherStart: Int32 = 0
    var otherEnd: Int32 = 0
}

/// One field of a fixed run at a byte offset from the run's start: an integer of 8, 16, 32 or
/// 64 bits, or a byte array of fixed length (`procname[16]`, a UUID).
struct CTFFixedField: Sendable {
    enum Kind: UInt8, Sendable {
        case integer
        /// A byte array exposed as a span of all its bytes.
        case bytes
        /// A byte array holding text: the span stops at the first NUL.
        case text
    }

    var slot: Int32
    var offsetInBits: Int32
    /// For a byte array, its length in bits.
    var sizeInBits: Int32
    var isSigned: Bool
    var bigEndian: Bool
    var kind: Kind = .integer
}

/// A variant's options: which tag values select which op range.
struct CTFVariantPlan {
    struct Option {
        var ranges: [ClosedRange<Int64>]
        var ops: Range<Int>
    }

    var tagSlot: Int
    var slots: Range<Int>
    var options: [Option]
}

/// A structure, or an array/sequence of non-integers, walked generically and exposed as raw bytes.
struct CTFCompoundPlan: Sendable {
    var type: CTFType
    var bigEndianTrace: Bool
}

/// A flattened, compiled decoder for a sequence of CTF types (an event's contexts and payload,
/// an event header, a packet header and context).
///
/// Nested structures and variants are flattened into dotted field names (`v.timestamp`,
/// `data_union.fd`) so every scalar leaf has a slot; arrays of structures stay compound.
struct CTFDecodeProgram {
    private(set) var ops: [CTFDecodeOp] = []
    private(set) var variants: [CTFVariantPlan] = []
    private(set) var compounds: [CTFCompoundPlan] = []
    private(set) var fields: [EventFieldDescription] = []
    /// Clock each slot's integer maps to (header timestamps, packet `timestamp_begin`).
    private(set) var mappedClocks: [Int: String] = [:]
    private let bigEndianTrace: Bool
    /// Raw TSDL names visible to length and tag references, innermost scope last.
    private var scopes: [CTFNameScope] = [CTFNameScope()]

    init(bigEndianTrace: Bool) {
        self.bigEndianTrace = bigEndianTrace
    }

    var slotCount: Int { fields.count }

    func slot(named name: String) -> Int? { fields.firstIndex { $0.name == name } }

    /// Adds the members of a structure type (or a single type as one field) under `scope`.
    mutating func append(_ type: CTFType?, scope: EventFieldScope) throws {
        guard let type else { return }
        guard case .structure(let members, _) = type else {
            try appendMember(name: "", rawName: "", type: type, prefix: "", scope: scope)
            return
        }
        emitAlign(type.alignmentInBits)
        for member in members {
            try appendMember(
                name: Self.strippedName(member.name), rawName: member.name, type: member.type, prefix: "", scope: scope)
        }
    }

    /// CTF 1.8 readers remove one leading underscore from field names (LTTng writes `_prev_tid`).
    static func strippedName(_ name: String) -> String {
        name.hasPrefix("_") ? String(name.dropFirst()) : name
    }

    private mutating func emitAlign(_ alignment: Int) {
        if alignment > 1 { ops.append(CTFDecodeOp(kind: .align, alignmentInBits: Int32(alignment))) }
    }

    private mutating func newSlot(_ description: EventFieldDescription, rawName: String) -> Int32 {
        fields.append(description)
        scopes[scopes.count - 1].add(rawName, slot: fields.count - 1)
        return Int32(fields.count - 1)
    }

    private mutating func resolve(_ reference: String) -> Int? {
        let last = reference.split(separator: ".").last.map(String.init) ?? reference
        for level in scopes.indices.reversed() {
            if let slot = scopes[level].slot(named: reference) ?? scopes[level].slot(named: last) { return slot }
        }
        return nil
    }

    private func isBigEndian(_ order: CTFByteOrder) -> Bool {
        switch order {
        case .native: bigEndianTrace
        case .little: false
        case .big: true
        }
    }

    private mutating func appendMember(
        name: String, rawName: String, type: CTFType, prefix: String, scope: EventFieldScope
    ) throws {
        let fullName = prefix + name
        switch type {
        case .integer(let integer):
            let slot = newSlot(
                EventFieldDescription(
                    name: fullName, kind: integer.isSigned ? .signedInteger : .unsignedInteger, scope: scope,
                    sizeInBits: integer.sizeInBits, displayBase: integer.displayBase), rawName: rawName)
            if let clock = integer.mappedClock { mappedClocks[Int(slot)] = clock }
            ops.append(integerOp(integer, slot: slot))
        case .enumeration(let integer, let mappings):
            let slot = newSlot(
                EventFieldDescription(
                    name: fullName, kind: .enumeration(signed: integer.isSigned), scope: scope,
                    sizeInBits: integer.sizeInBits, displayBase: integer.displayBase, enumerationMappings: mappings),
                rawName: rawName)
            ops.append(integerOp(integer, slot: slot))
        case .floatingPoint(let float):
            let slot = newSlot(
                EventFieldDescription(name: fullName, kind: .floatingPoint, scope: scope, sizeInBits: float.sizeInBits),
                rawName: rawName)
            ops.append(
                CTFDecodeOp(
                    kind: float.sizeInBits == 32 ? .float32 : .float64, bigEndian: isBigEndian(float.byteOrder),
                    slot: slot,
                    alignmentInBits: Int32(float.alignmentInBits), sizeInBits: Int32(float.sizeInBits)))
        case .string:
            let slot = newSlot(EventFieldDescription(name: fullName, kind: .string, scope: scope), rawName: rawName)
            ops.append(CTFDecodeOp(kind: .string, slot: slot, alignmentInBits: 8))
        case .structure(let members, _):
            emitAlign(type.alignmentInBits)
            scopes.append(CTFNameScope())
            for member in members {
                try appendMember(
                    name: Self.strippedName(member.name), rawName: member.name, type: member.type,
                    prefix: fullName + ".", scope: scope)
            }
            scopes.removeLast()
        case .variant(let tag, let options):
            try appendVariant(tag: tag, options: options, fullName: fullName, scope: scope)
        case .array(let element, let length):
            try appendArray(
                element: element, fixedLength: length, lengthSlot: nil, fullName: fullName, rawName: rawName,
                scope: scope, type: type)
        case .sequence(let element, let lengthField):
            guard let lengthSlot = resolve(lengthField) else {
                throw CTFReaderError.unsupportedMetadata(
                    "sequence `\(fullName)` refers to unknown length field `\(lengthField)`")
            }
            try appendArray(
                element: element, fixedLength: 0, lengthSlot: lengthSlot, fullName: fullName, rawName: rawName,
                scope: scope, type: type)
        }
    }

    private func integerOp(_ integer: CTFIntegerType, slot: Int32) -> CTFDecodeOp {
        CTFDecodeOp(
            kind: .integer, isSigned: integer.isSigned, bigEndian: isBigEndian(integer.byteOrder), slot: slot,
            alignmentInBits: Int32(integer.alignmentInBits), sizeInBits: Int32(integer.sizeInBits))
    }

    private mutating func appendArray(
        element: CTFType, fixedLength: Int, lengthSlot: Int?, fullName: String, rawName: String, scope: EventFieldScope,
        type: CTFType
    ) throws {
        let count = Int32(lengthSlot ?? fixedLength)
        let isSequence = lengthSlot != nil
        var integerElement: CTFIntegerType?
        if case .integer(let integer) = element { integerElement = integer }
        if case .enumeration(let integer, _) = element { integerElement = integer }
        if let integer = integerElement, integer.sizeInBits == 8, integer.alignmentInBits % 8 == 0 {
            let slot = newSlot(
                EventFieldDescription(
                    name: fullName, kind: integer.isText ? .string : .bytes, scope: scope, sizeInBits: 8,
                    displayBase: integer.displayBase), rawName: rawName)
            ops.append(
                CTFDecodeOp(
                    kind: isSequence ? .byteSequence : .byteArray, isText: integer.isText, slot: slot,
                    alignmentInBits: Int32(integer.alignmentInBits), sizeInBits: 8, count: count))
        } else if let integer = integerElement, [8, 16, 32, 64].contains(integer.sizeInBits) {
            let slot = newSlot(
                EventFieldDescription(
                    name: fullName, kind: .integerArray(elementBytes: integer.sizeInBits / 8, signed: integer.isSigned),
                    scope: scope,
                    sizeInBits: integer.sizeInBits, displayBase: integer.displayBase), rawName: rawName)
            ops.append(
                CTFDecodeOp(
                    kind: isSequence ? .integerSequence : .integerArray, isSigned: integer.isSigned,
                    bigEndian: isBigEndian(integer.byteOrder), slot: slot,
                    alignmentInBits: Int32(integer.alignmentInBits),
                    sizeInBits: Int32(integer.sizeInBits), count: count))
        } else {
            let slot = newSlot(EventFieldDescription(name: fullName, kind: .compound, scope: scope), rawName: rawName)
            compounds.append(CTFCompoundPlan(type: element, bigEndianTrace: bigEndianTrace))
            ops.append(
                CTFDecodeOp(
                    kind: isSequence ? .compoundSequence : .compoundArray, slot: slot,
                    alignmentInBits: Int32(element.alignmentInBits), count: count, auxiliary: Int32(compounds.count - 1)
                ))
        }
    }

    private mutating func appendVariant(
        tag: String, options: [CTFNamedType], fullName: String, scope: EventFieldScope
    ) throws {
        guard let tagSlot = resolve(tag) else {
            throw CTFReaderError.unsupportedMetadata("variant `\(fullName)` refers to unknown tag `\(tag)`")
        }
        let mappings = fields[tagSlot].enumerationMappings
        guard !mappings.isEmpty else {
            throw CTFReaderError.unsupportedMetadata("variant `\(fullName)` tag `\(tag)` is not an enumeration")
        }
        let variantIndex = variants.count
        variants.append(CTFVariantPlan(tagSlot: tagSlot, slots: 0..<0, options: []))
        ops.append(CTFDecodeOp(kind: .variant, auxiliary: Int32(variantIndex)))
        // Options' ops are laid out after the variant op; the op after the variant resumes at
        // `resume`, so options are emitted out of line at the end by jumping over them.
        let firstSlot = fields.count
        var plannedOptions: [CTFVariantPlan.Option] = []
        var optionBodies: [[CTFDecodeOp]] = []
        let savedOps = ops
        for option in options {
            ops = []
            scopes.append(CTFNameScope())
            let prefix = fullName.isEmpty ? "" : fullName + "."
            try appendMember(
                name: Self.strippedName(option.name), rawName: option.name, type: option.type, prefix: prefix,
                scope: scope)
            scopes.removeLast()
            optionBodies.append(ops)
            let ranges = mappings.filter { $0.label == option.name || $0.label == Self.strippedName(option.name) }
                .map { $0.lower...$0.upper }
            plannedOptions.append(CTFVariantPlan.Option(ranges: ranges, ops: 0..<0))
        }
        ops = savedOps
        // Bodies go in a side table of op ranges appended after a jump: the interpreter runs a
        // variant by recursing into the chosen range, then continues after the variant op.
        variants[variantIndex].slots = firstSlot..<fields.count
        variants[variantIndex].options = plannedOptions
        pendingBodies.append((variantIndex, optionBodies))
    }

    private var pendingBodies: [(variant: Int, bodies: [[CTFDecodeOp]])] = []

    /// Finishes the program: lays variant bodies out after the main ops and freezes everything
    /// into an immutable `CTFCompiledProgram`. Call once, after the last `append`.
    mutating func finish() -> CTFCompiledProgram {
        let mainLength = ops.count
        while !pendingBodies.isEmpty {
            let (variant, bodies) = pendingBodies.removeFirst()
            for (index, body) in bodies.enumerated() {
                let start = ops.count
                ops.append(contentsOf: body)
                variants[variant].options[index].ops = start..<ops.count
            }
        }
        // Fuse each straight-line segment (the main ops, each variant option's body) on its own,
        // so option ranges stay exact.
        var fusedOps: [CTFDecodeOp] = []
        var fixedFields: [CTFFixedField] = []
        var fixedLoads: [CTFFixedLoad] = []
        var fixedOthers: [Int32] = []
        Self.fuse(
            ops[0..<mainLength], into: &fusedOps, fixedFields: &fixedFields, loads: &fixedLoads, others: &fixedOthers)
        let fusedMainLength = fusedOps.count
        for variant in variants.indices {
            for option in variants[variant].options.indices {
                let start = fusedOps.count
                Self.fuse(
                    ops[variants[variant].options[option].ops], into: &fusedOps, fixedFields: &fixedFields,
                    loads: &fixedLoads, others: &fixedOthers)
                variants[variant].options[option].ops = start..<fusedOps.count
            }
        }
        var table: [CTFCompiledProgram.Variant] = []
        var options: [CTFCompiledProgram.VariantOption] = []
        for variant in variants {
            let first = options.count
            for option in variant.options {
                for range in option.ranges {
                    options.append(
                        .init(
                            lower: range.lowerBound, upper: range.upperBound, opStart: option.ops.lowerBound,
                            opEnd: option.ops.upperBound))
                }
            }
            table.append(
                .init(
                    tagSlot: variant.tagSlot, slotStart: variant.slots.lowerBound, slotEnd: variant.slots.upperBound,
                    optionStart: first, optionEnd: options.count))
        }
        return CTFCompiledProgram(
            ops: fusedOps, mainLength: fusedMainLength, variants: table, variantOptions: options,
            fixedFields: fixedFields, fixedLoads: fixedLoads, fixedOthers: fixedOthers, compounds: compounds,
            fields: fields,
            mappedClocks: mappedClocks)
    }

    private static func isPowerOfTwo(_ value: Int32) -> Bool { value > 0 && value & (value - 1) == 0 }

    private static func isWholeBytesInteger(_ op: CTFDecodeOp) -> Bool {
        op.kind == .integer && [8, 16, 32, 64].contains(op.sizeInBits) && isPowerOfTwo(op.alignmentInBits)
    }

    /// Byte arrays longer than this end a fixed run (they are rare, and offsets stay small).
    static let longestFixedRunArrayBytes: Int32 = 256

    /// A byte array of fixed length (`procname[16]`), byte aligned: a fixed run can hold it.
    private static func isFixedByteArray(_ op: CTFDecodeOp) -> Bool {
        op.kind == .byteArray && op.count >= 0 && op.count <= longestFixedRunArrayBytes
            && op.alignmentInBits >= 8 && isPowerOfTwo(op.alignmentInBits)
    }

    private static func isFixedRunMember(_ op: CTFDecodeOp) -> Bool {
        isWholeBytesInteger(op) || isFixedByteArray(op) || (op.kind == .align && isPowerOfTwo(op.alignmentInBits))
    }

    /// Replaces runs of two or more byte-sized integers and fixed-length byte arrays (with the
    /// alignments between them) by one `.fixedRun` op. A run starts at an op aligned to at least
    /// a byte; every later op of the run has an alignment that divides the start's, so its offset
    /// from the start is the same in every event. Anything else (strings, sequences, variants,
    /// bit fields) ends the run. Periscope's events (the 16-byte `procname`, the context's
    /// integers, a `sched_switch` payload with its two `comm`s) become one op each.
    private static func fuse(
        _ segment: ArraySlice<CTFDecodeOp>, into output: inout [CTFDecodeOp], fixedFields: inout [CTFFixedField],
        loads: inout [CTFFixedLoad], others: inout [Int32]
    ) {
        var pending: [CTFDecodeOp] = []
        var runAlignment: Int32 = 0
        var offset: Int32 = 0
        var runFields: [CTFFixedField] = []

        func roundUp(_ value: Int32, _ alignment: Int32) -> Int32 { (value + alignment - 1) & ~(alignment - 1) }
        func flush() {
            if runFields.count >= 2 {
                let loadStart = Int32(loads.count), otherStart = Int32(others.count)
                CTFFixedLoad.split(runFields, firstField: fixedFields.count, loads: &loads, others: &others)
                output.append(
                    CTFDecodeOp(
                        kind: .fixedRun, alignmentInBits: runAlignment, sizeInBits: offset,
                        count: Int32(runFields.count), auxiliary: Int32(fixedFields.count), loadStart: loadStart,
                        loadEnd: Int32(loads.count), otherStart: otherStart, otherEnd: Int32(others.count)))
                fixedFields.append(contentsOf: runFields)
            } else {
                output.append(contentsOf: pending)
            }
            pending = []
            runFields = []
            runAlignment = 0
            offset = 0
        }

        for op in segment {
            let joins = runAlignment > 0 && op.alignmentInBits <= runAlignment && isFixedRunMember(op)
            if !joins {
                flush()
                let starts = op.alignmentInBits >= 8 && isFixedRunMember(op)
                guard starts else {
                    output.append(op)
                    continue
                }
                runAlignment = op.alignmentInBits
            }
            pending.append(op)
            offset = roundUp(offset, max(op.alignmentInBits, 1))
            if op.kind == .integer {
                runFields.append(
                    CTFFixedField(
                        slot: op.slot, offsetInBits: offset, sizeInBits: op.sizeInBits, isSigned: op.isSigned,
                        bigEndian: op.bigEndian))
                offset += op.sizeInBits
            } else if op.kind == .byteArray {
                runFields.append(
                    CTFFixedField(
                        slot: op.slot, offsetInBits: offset, sizeInBits: op.count * 8, isSigned: false,
                        bigEndian: false, kind: op.isText ? .text : .bytes))
                offset += op.count * 8
            }
        }
        flush()
    }
}

/// A frozen decoding program: plain arrays in `let` properties of a final class, so the
/// interpreter reads them without copies, reference counting or exclusivity checks.
final class CTFCompiledProgram: Sendable {
    struct Variant: Sendable {
        var tagSlot: Int
        var slotStart: Int
        var slotEnd: Int
        var optionStart: Int
        var optionEnd: Int
    }

    /// One tag range of one option: tags in `lower...upper` run `opStart..<opEnd`.
    struct VariantOption: Sendable {
        var lower: Int64
        var upper: Int64
        var opStart: Int
        var opEnd: Int
    }

    let ops: [CTFDecodeOp]
    let mainLength: Int
    let variants: [Variant]
    let variantOptions: [VariantOption]
    let fixedFields: [CTFFixedField]
    let fixedLoads: [CTFFixedLoad]
    let fixedOthers: [Int32]
    let compounds: [CTFCompoundPlan]
    let fields: [EventFieldDescription]
    let mappedClocks: [Int: String]

    init(
        ops: [CTFDecodeOp], mainLength: Int, variants: [Variant], variantOptions: [VariantOption],
        fixedFields: [CTFFixedField], fixedLoads: [CTFFixedLoad], fixedOthers: [Int32],
        compounds: [CTFCompoundPlan], fields: [EventFieldDescription], mappedClocks: [Int: String]
    ) {
        self.fixedFields = fixedFields
        self.fixedLoads = fixedLoads
        self.fixedOthers = fixedOthers
        self.ops = ops
        self.mainLength = mainLength
        self.variants = variants
        self.variantOptions = variantOptions
        self.compounds = compounds
        self.fields = fields
        self.mappedClocks = mappedClocks
    }

    var slotCount: Int { fields.count }

    func slot(named name: String) -> Int? { fields.firstIndex { $0.name == name } }
}
