/// Turns an ftrace event's payload into `EventFieldSlot`s, one per field of its class, by a
/// small program compiled once from the format file: no lookups, no allocation per event.
public struct FtraceClassDecoder: Sendable {
    enum Operation: UInt8, Sendable {
        case unsigned8, unsigned16, unsigned32, unsigned64
        case signed8, signed16, signed32, signed64
        /// A fixed `char[N]`: a string up to the first NUL.
        case fixedString
        /// A fixed array kept as bytes (u8 arrays, wide integer arrays, structs).
        case fixedBytes
        /// `__data_loc` / `__rel_loc` text (the NUL is not part of the span).
        case dynamicString, relativeString
        /// `__data_loc` / `__rel_loc` binary data.
        case dynamicBytes, relativeBytes
    }

    struct Step: Sendable {
        var operation: Operation
        var offset: Int32
        var size: Int32
    }

    let steps: [Step]
    let fieldNames: [String]
    /// Bytes a payload needs to hold every fixed field.
    public let minimumLength: Int

    /// Compiles the decoder and describes the fields in the shared model: `common_*` fields
    /// with scope `.common`, names as ftrace spells them.
    public init(format: EventFormat) {
        var steps: [Step] = []
        var names: [String] = []
        var minimum = 0
        for field in format.fields {
            steps.append(
                Step(
                    operation: Self.operation(for: field), offset: Int32(clamping: field.offset),
                    size: Int32(clamping: field.size)))
            names.append(field.name)
            minimum = max(minimum, field.offset + field.size)
        }
        self.steps = steps
        self.fieldNames = names
        self.minimumLength = minimum
    }

    /// The model's description of each field, in slot order.
    public static func fieldDescriptions(for format: EventFormat) -> [EventFieldDescription] {
        format.fields.map { field in
            let scope: EventFieldScope = field.name.hasPrefix("common_") ? .common : .payload
            let kind: EventFieldKind
            var bits = field.size * 8
            switch field.kind {
            case .integer:
                kind = field.isSigned ? .signedInteger : .unsignedInteger
            case .array(_, let elementSize):
                bits = elementSize * 8
                if field.isString {
                    kind = .string
                } else if elementSize == 1 {
                    kind = .bytes
                } else if [2, 4, 8].contains(elementSize) {
                    kind = .integerArray(elementBytes: elementSize, signed: field.isSigned)
                } else {
                    kind = .compound
                }
            case .dataLocation, .relativeLocation:
                let elementSize = dynamicElementSize(field.type)
                bits = elementSize * 8
                kind =
                    field.isString
                    ? .string
                    : elementSize == 1 ? .bytes : .integerArray(elementBytes: elementSize, signed: field.isSigned)
            case .opaque:
                kind = .compound
                bits = 0
            }
            let hexadecimal =
                field.type.contains("*") || field.name.hasSuffix("addr") || field.name == "call_site"
                || field.name == "ptr"
            return EventFieldDescription(
                name: field.name, kind: kind, scope: scope, sizeInBits: kind == .string ? 0 : bits,
                displayBase: hexadecimal ? 16 : 10)
        }
    }

    static func operation(for field: FieldFormat) -> Operation {
        switch field.kind {
        case .integer:
            switch (field.size, field.isSigned) {
            case (1, false): return .unsigned8
            case (2, false): return .unsigned16
            case (4, false): return .unsigned32
            case (8, false): return .unsigned64
            case (1, true): return .signed8
            case (2, true): return .signed16
            case (4, true): return .signed32
            default: return .signed64
            }
        case .array:
            return field.isString ? .fixedString : .fixedBytes
        case .dataLocation:
            return field.isString ? .dynamicString : .dynamicBytes
        case .relativeLocation:
            return field.isString ? .relativeString : .relativeBytes
        case .opaque:
            return .fixedBytes
        }
    }

    /// The element size of `__data_loc TYPE[]` from the C type (the format only gives 4, the
    /// size of the location word).
    static func dynamicElementSize(_ type: String) -> Int {
        if type.contains("long") || type.contains("64") { return 8 }
        if type.contains("int") || type.contains("32") { return 4 }
        if type.contains("short") || type.contains("16") { return 2 }
        return 1
    }

    /// Fills `slots` from `payload` by running `steps`. The payload must be at least the
    /// program's minimum length (the caller checks once); dynamic fields are bounds-checked
    /// here. Returns the index of a dynamic field that points outside the event, else nil.
    @inline(__always)
    static func run(
        _ steps: UnsafeBufferPointer<Step>, on payload: UnsafeRawPointer, length: Int,
        into slots: UnsafeMutablePointer<EventFieldSlot>
    ) -> Int? {
        for index in 0..<steps.count {
            let step = steps[index]
            let at = payload + Int(step.offset)
            switch step.operation {
            case .unsigned8: slots[index] = EventFieldSlot(bits: UInt64(at.load(as: UInt8.self)))
            case .unsigned16: slots[index] = EventFieldSlot(bits: UInt64(at.loadUnaligned(as: UInt16.self)))
            case .unsigned32: slots[index] = EventFieldSlot(bits: UInt64(at.loadUnaligned(as: UInt32.self)))
            case .unsigned64: slots[index] = EventFieldSlot(bits: at.loadUnaligned(as: UInt64.self))
            case .signed8: slots[index] = EventFieldSlot(bits: UInt64(bitPattern: Int64(at.load(as: Int8.self))))
            case .signed16:
                slots[index] = EventFieldSlot(bits: UInt64(bitPattern: Int64(at.loadUnaligned(as: Int16.self))))
            case .signed32:
                slots[index] = EventFieldSlot(bits: UInt64(bitPattern: Int64(at.loadUnaligned(as: Int32.self))))
            case .signed64: slots[index] = EventFieldSlot(bits: at.loadUnaligned(as: UInt64.self))
            case .fixedString:
                let size = Int(step.size)
                var count = 0
                while count < size && at.load(fromByteOffset: count, as: UInt8.self) != 0 { count += 1 }
                slots[index] = .span(at, count: count)
            case .fixedBytes:
                slots[index] = .span(at, count: Int(step.size))
            case .dynamicString, .dynamicBytes, .relativeString, .relativeBytes:
                let location = at.loadUnaligned(as: UInt32.self)
                let isRelative = step.operation == .relativeString || step.operation == .relativeBytes
                let start = Int(location & 0xffff) + (isRelative ? Int(step.offset) + Int(step.size) : 0)
                var count = Int(location >> 16)
                guard start + count <= length else { return index }
                if step.operation == .dynamicString || step.operation == .relativeString {
                    // The stored length counts the NUL; stop at the first one.
                    var end = 0
                    while end < count && payload.load(fromByteOffset: start + end, as: UInt8.self) != 0 { end += 1 }
                    count = end
                }
                slots[index] = .span(payload + start, count: count)
            }
        }
        return nil
    }

    /// The name of field `index`, for error messages.
    func fieldName(_ index: Int) -> String { fieldNames[index] }
}
