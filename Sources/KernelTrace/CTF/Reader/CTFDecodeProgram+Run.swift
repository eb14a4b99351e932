#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where decoded integer arrays go: a reused buffer, reset for every event.
struct CTFScratch {
    let base: UnsafeMutableRawPointer
    let capacity: Int
    var used = 0

    init(capacity: Int) {
        self.capacity = capacity
        self.base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    func deallocate() { base.deallocate() }
}

/// Why one event failed to decode; the stream cursor adds the file and packet.
struct CTFDecodeFailure: Error {
    var reason: String
    var bitOffset: Int
}

extension CTFCompiledProgram {
    /// Runs the whole program, filling `slots` (at least `slotCount` of them).
    func run(
        reader: inout CTFBitReader, slots: UnsafeMutablePointer<EventFieldSlot>, scratch: inout CTFScratch
    ) throws(CTFDecodeFailure) {
        try run(0..<mainLength, reader: &reader, slots: slots, scratch: &scratch)
    }

    private func run(
        _ range: Range<Int>, reader: inout CTFBitReader, slots: UnsafeMutablePointer<EventFieldSlot>,
        scratch: inout CTFScratch
    ) throws(CTFDecodeFailure) {
        var index = range.lowerBound
        while index < range.upperBound {
            let op = ops[index]
            index += 1
            reader.align(Int(op.alignmentInBits))
            switch op.kind {
            case .align:
                continue
            case .fixedRun:
                // Aligned to at least a byte above, so the run starts on a byte.
                let start = reader.bitPosition
                let first = Int(op.auxiliary), end = first + Int(op.count)
                if reader.hasBits(Int(op.sizeInBits)) {
                    let runBase = reader.base + (start >> 3)
                    for index in Int(op.loadStart)..<Int(op.loadEnd) {
                        let load = fixedLoads[index]
                        slots[Int(load.slot)] = EventFieldSlot(bits: load.value(from: runBase))
                    }
                    for index in Int(op.otherStart)..<Int(op.otherEnd) {
                        let field = fixedFields[Int(fixedOthers[index])]
                        slots[Int(field.slot)] = Self.slot(field, from: runBase)
                    }
                } else {
                    // Near the end of the content: check field by field, failing where the
                    // unfused ops would (same bit offset in the error).
                    for index in first..<end {
                        let field = fixedFields[index]
                        reader.bitPosition = start + Int(field.offsetInBits)
                        guard reader.hasBits(Int(field.sizeInBits)) else { throw overrun(reader) }
                        slots[Int(field.slot)] = Self.slot(field, from: reader.base + (start >> 3))
                    }
                }
                reader.bitPosition = start + Int(op.sizeInBits)
            case .integer:
                let size = Int(op.sizeInBits)
                guard reader.hasBits(size) else { throw overrun(reader) }
                slots[Int(op.slot)] = EventFieldSlot(
                    bits: reader.readInteger(sizeInBits: size, signed: op.isSigned, bigEndian: op.bigEndian))
            case .float32:
                guard reader.hasBits(32) else { throw overrun(reader) }
                let raw = UInt32(
                    truncatingIfNeeded: reader.readInteger(sizeInBits: 32, signed: false, bigEndian: op.bigEndian))
                slots[Int(op.slot)] = EventFieldSlot(bits: Double(Float(bitPattern: raw)).bitPattern)
            case .float64:
                guard reader.hasBits(64) else { throw overrun(reader) }
                slots[Int(op.slot)] = EventFieldSlot(
                    bits: reader.readInteger(sizeInBits: 64, signed: false, bigEndian: op.bigEndian))
            case .string:
                let start = reader.currentByte
                let available = (reader.limitInBits - reader.bitPosition) >> 3
                guard available > 0, let nul = memchr(start, 0, available) else { throw overrun(reader) }
                let length = UnsafeRawPointer(nul) - start
                slots[Int(op.slot)] = .span(start, count: length)
                reader.bitPosition += (length + 1) * 8
            case .byteArray, .byteSequence:
                let count = op.kind == .byteArray ? Int(op.count) : Int(slots[Int(op.count)].bits)
                guard count >= 0, reader.hasBits(count * 8) else { throw overrun(reader) }
                let start = reader.currentByte
                var length = count
                if op.isText, count > 0 { length = Self.textLength(start, count: count) }
                slots[Int(op.slot)] = .span(start, count: length)
                reader.bitPosition += count * 8
            case .integerArray, .integerSequence:
                let count = op.kind == .integerArray ? Int(op.count) : Int(slots[Int(op.count)].bits)
                let size = Int(op.sizeInBits)
                let width = size / 8
                guard count >= 0, count <= (reader.limitInBits - reader.bitPosition) / max(size, 1) else {
                    throw overrun(reader)
                }
                guard scratch.used + count * width <= scratch.capacity else {
                    throw CTFDecodeFailure(
                        reason: "array of \(count) elements is larger than the decoder's buffer",
                        bitOffset: reader.bitPosition)
                }
                let destination = scratch.base + scratch.used
                for element in 0..<count {
                    if element > 0 { reader.align(Int(op.alignmentInBits)) }
                    let value = reader.readInteger(sizeInBits: size, signed: op.isSigned, bigEndian: op.bigEndian)
                    switch width {
                    case 1:
                        destination.storeBytes(
                            of: UInt8(truncatingIfNeeded: value), toByteOffset: element, as: UInt8.self)
                    case 2:
                        destination.storeBytes(
                            of: UInt16(truncatingIfNeeded: value), toByteOffset: element * 2, as: UInt16.self)
                    case 4:
                        destination.storeBytes(
                            of: UInt32(truncatingIfNeeded: value), toByteOffset: element * 4, as: UInt32.self)
                    default: destination.storeBytes(of: value, toByteOffset: element * 8, as: UInt64.self)
                    }
                }
                scratch.used += count * width
                slots[Int(op.slot)] = .span(destination, count: count * width)
            case .variant:
                let variant = variants[Int(op.auxiliary)]
                let tag = Int64(bitPattern: slots[variant.tagSlot].bits)
                for slot in variant.slotStart..<variant.slotEnd { slots[slot] = .absent }
                var chosen = -1
                for index in variant.optionStart..<variant.optionEnd
                where variantOptions[index].lower <= tag && tag <= variantOptions[index].upper {
                    chosen = index
                    break
                }
                guard chosen >= 0 else {
                    throw CTFDecodeFailure(
                        reason: "variant tag value \(tag) selects no option", bitOffset: reader.bitPosition)
                }
                try run(
                    variantOptions[chosen].opStart..<variantOptions[chosen].opEnd, reader: &reader, slots: slots,
                    scratch: &scratch)
            case .compoundArray, .compoundSequence:
                let count = op.kind == .compoundSequence ? Int(slots[Int(op.count)].bits) : Int(op.count)
                let plan = compounds[Int(op.auxiliary)]
                let start = reader.currentByte
                var walker = CTFCompoundWalker(bigEndianTrace: plan.bigEndianTrace)
                for _ in 0..<max(count, 0) {
                    try walker.skip(plan.type, reader: &reader)
                }
                slots[Int(op.slot)] = .span(start, count: (reader.bitPosition + 7) / 8 - (start - reader.base))
            }
        }
    }

    /// One field of a fixed run as a slot, field by field (big-endian runs, the end of a packet).
    @inline(__always)
    private static func slot(_ field: CTFFixedField, from runBase: UnsafeRawPointer) -> EventFieldSlot {
        switch field.kind {
        case .integer:
            return EventFieldSlot(bits: load(field, from: runBase))
        case .bytes:
            return .span(runBase + Int(field.offsetInBits >> 3), count: Int(field.sizeInBits >> 3))
        case .text:
            let start = runBase + Int(field.offsetInBits >> 3)
            return .span(start, count: textLength(start, count: Int(field.sizeInBits >> 3)))
        }
    }

    /// The length of NUL-terminated text in a fixed-size array (`procname[16]`, `comm[16]`):
    /// eight bytes at a time for short arrays, where calling `memchr` cost more than the
    /// search. The last word may read up to 7 bytes past the array: inside the packet or its slack.
    @inline(__always)
    private static func textLength(_ start: UnsafeRawPointer, count: Int) -> Int {
        guard count <= 32 else {
            guard let nul = memchr(start, 0, count) else { return count }
            return UnsafeRawPointer(nul) - start
        }
        var offset = 0
        while offset < count {
            let word = UInt64(littleEndian: start.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            // The lowest byte that is zero sets its high bit here (bytes above it may too).
            let zeroBytes = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
            if zeroBytes != 0 { return min(offset &+ zeroBytes.trailingZeroBitCount &>> 3, count) }
            offset &+= 8
        }
        return count
    }

    /// One field of a fixed run; the packet buffer's slack keeps the load in bounds.
    @inline(__always)
    private static func load(_ field: CTFFixedField, from runBase: UnsafeRawPointer) -> UInt64 {
        let offset = Int(field.offsetInBits) >> 3
        let value: UInt64
        switch field.sizeInBits {
        case 8:
            value = UInt64(runBase.load(fromByteOffset: offset, as: UInt8.self))
        case 16:
            let raw = runBase.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
            value = UInt64(field.bigEndian ? UInt16(bigEndian: raw) : UInt16(littleEndian: raw))
        case 32:
            let raw = runBase.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            value = UInt64(field.bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw))
        default:
            let raw = runBase.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            return field.bigEndian ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw)
        }
        guard field.isSigned else { return value }
        let unused = 64 - UInt64(field.sizeInBits)
        return UInt64(bitPattern: Int64(bitPattern: value << unused) >> unused)
    }

    private func overrun(_ reader: CTFBitReader) -> CTFDecodeFailure {
        CTFDecodeFailure(reason: "field runs past the end of the packet content", bitOffset: reader.bitPosition)
    }
}

/// Skips over values of any CTF type; used for arrays of structures, which stay compound.
struct CTFCompoundWalker {
    let bigEndianTrace: Bool
    /// Integers (and enumeration labels) read inside the current structures, for their
    /// sequences' lengths and variants' tags.
    private var scopes: [[String: (value: Int64, label: String?)]] = []

    init(bigEndianTrace: Bool) {
        self.bigEndianTrace = bigEndianTrace
    }

    mutating func skip(_ type: CTFType, reader: inout CTFBitReader) throws(CTFDecodeFailure) {
        _ = try value(of: type, name: nil, reader: &reader)
    }

    private func lookup(_ reference: String) -> (value: Int64, label: String?)? {
        let last = reference.split(separator: ".").last.map(String.init) ?? reference
        for scope in scopes.reversed() {
            if let value = scope[reference] ?? scope[last] { return value }
        }
        return nil
    }

    @discardableResult
    private mutating func value(
        of type: CTFType, name: String?, reader: inout CTFBitReader
    ) throws(CTFDecodeFailure) -> Int64? {
        reader.align(type.alignmentInBits)
        switch type {
        case .integer(let integer):
            return try readInteger(integer, labels: nil, name: name, reader: &reader)
        case .enumeration(let integer, let mappings):
            return try readInteger(integer, labels: mappings, name: name, reader: &reader)
        case .floatingPoint(let float):
            guard reader.hasBits(float.sizeInBits) else { throw overrun(reader) }
            reader.bitPosition += float.sizeInBits
        case .string:
            let available = (reader.limitInBits - reader.bitPosition) >> 3
            guard available > 0, let nul = memchr(reader.currentByte, 0, available) else { throw overrun(reader) }
            reader.bitPosition += (UnsafeRawPointer(nul) - reader.currentByte + 1) * 8
        case .structure(let members, _):
            scopes.append([:])
            for member in members { try value(of: member.type, name: member.name, reader: &reader) }
            scopes.removeLast()
        case .variant(let tag, let options):
            guard let label = lookup(tag)?.label,
                let option = options.first(where: {
                    $0.name == label || CTFDecodeProgram.strippedName($0.name) == label
                })
            else {
                throw CTFDecodeFailure(reason: "variant tag `\(tag)` selects no option", bitOffset: reader.bitPosition)
            }
            try value(of: option.type, name: option.name, reader: &reader)
        case .array(let element, let length):
            for _ in 0..<length { try value(of: element, name: nil, reader: &reader) }
        case .sequence(let element, let lengthField):
            guard let length = lookup(lengthField)?.value, length >= 0, length <= Int64(reader.limitInBits) else {
                throw CTFDecodeFailure(
                    reason: "sequence length `\(lengthField)` unknown or absurd", bitOffset: reader.bitPosition)
            }
            for _ in 0..<Int(length) { try value(of: element, name: nil, reader: &reader) }
        }
        return nil
    }

    private mutating func readInteger(
        _ integer: CTFIntegerType, labels: [EventEnumerationMapping]?, name: String?, reader: inout CTFBitReader
    ) throws(CTFDecodeFailure) -> Int64 {
        guard reader.hasBits(integer.sizeInBits) else { throw overrun(reader) }
        let bigEndian = integer.byteOrder == .native ? bigEndianTrace : integer.byteOrder == .big
        let result = Int64(
            bitPattern: reader.readInteger(
                sizeInBits: integer.sizeInBits, signed: integer.isSigned, bigEndian: bigEndian))
        if let name, !scopes.isEmpty {
            let label = labels?.first { result >= $0.lower && result <= $0.upper }?.label
            scopes[scopes.count - 1][name] = (result, label)
        }
        return result
    }

    private func overrun(_ reader: CTFBitReader) -> CTFDecodeFailure {
        CTFDecodeFailure(reason: "field runs past the end of the packet content", bitOffset: reader.bitPosition)
    }
}
