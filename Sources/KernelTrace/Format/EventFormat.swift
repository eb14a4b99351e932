/// One event's layout as tracefs describes it in `events/SUBSYSTEM/EVENT/format`: its id,
/// and each field's C type, offset, size and signedness. Parsed once per trace, never per event.
public struct EventFormat: Sendable, Equatable {
    public var subsystem: String
    public var name: String
    /// The `common_type` value events of this kind carry.
    public var id: Int
    /// Every field, the `common_*` ones first, in offset order as tracefs lists them.
    public var fields: [FieldFormat]

    public init(subsystem: String, name: String, id: Int, fields: [FieldFormat]) {
        self.subsystem = subsystem
        self.name = name
        self.id = id
        self.fields = fields
    }

    /// No event is larger than the largest ring-buffer page a trace may declare (16 MiB), so
    /// no field can end past it: offsets and sizes read from a file stay far from overflow.
    public static let maximumEventBytes = 1 << 24

    /// The fields after the `common_*` header.
    public var payloadFields: [FieldFormat] { fields.filter { !$0.name.hasPrefix("common_") } }

    public func field(named name: String) -> FieldFormat? { fields.first { $0.name == name } }

    /// Parses a format file. Throws on anything it cannot place (a field line without
    /// offset or size, a missing ID), never guesses.
    public static func parse(_ text: String, subsystem: String) throws(FormatParseError) -> EventFormat {
        var name: String?
        var id: Int?
        var fields: [FieldFormat] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("name:") {
                name = String(line.dropFirst(5).drop { $0 == " " })
            } else if line.hasPrefix("ID:") {
                id = Int(line.dropFirst(3).drop { $0 == " " })
            } else if line.hasPrefix("field:") {
                fields.append(try FieldFormat.parse(line))
            }
        }
        guard let name, !name.isEmpty else { throw .missing("name", in: text) }
        guard let id else { throw .missing("ID", in: text) }
        return EventFormat(subsystem: subsystem, name: name, id: id, fields: fields)
    }
}

/// How to read one field's bytes.
public struct FieldFormat: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A 1, 2, 4 or 8-byte integer.
        case integer
        /// A fixed array of `count` elements of `elementSize` bytes (`char comm[16]`).
        case array(count: Int, elementSize: Int)
        /// `__data_loc`: a u32 holding (length << 16 | offset from the record start).
        case dataLocation
        /// `__rel_loc`: like data_loc, but the offset is from the end of this field.
        case relativeLocation
        /// A size that is none of the above (a struct): kept as raw bytes.
        case opaque
    }

    /// The C type as written (`pid_t`, `char`, `__data_loc char[]`).
    public var type: String
    public var name: String
    public var offset: Int
    public var size: Int
    public var isSigned: Bool
    public var kind: Kind

    /// True for text: `char`/`u8` arrays and dynamic `char[]` strings.
    public var isString: Bool {
        var base = Substring(type)
        for prefix in ["__data_loc ", "__rel_loc "] where base.hasPrefix(prefix) { base = base.dropFirst(prefix.count) }
        let isChar = base.hasPrefix("char") || base.hasPrefix("const char") || base.hasPrefix("unsigned char")
        switch kind {
        case .array(_, 1): return isChar
        case .dataLocation, .relativeLocation: return isChar
        default: return false
        }
    }

    public init(type: String, name: String, offset: Int, size: Int, isSigned: Bool, kind: Kind) {
        self.type = type
        self.name = name
        self.offset = offset
        self.size = size
        self.isSigned = isSigned
        self.kind = kind
    }

    /// Parses `field:TYPE NAME[N];\toffset:O;\tsize:S;\tsigned:B;`.
    static func parse(_ line: Substring) throws(FormatParseError) -> FieldFormat {
        var declaration: Substring?
        var offset: Int?
        var size: Int?
        var isSigned = false
        for part in line.split(separator: ";") {
            let item = part.drop { $0 == " " || $0 == "\t" }
            if item.hasPrefix("field:") {
                declaration = item.dropFirst(6)
            } else if item.hasPrefix("offset:") {
                offset = Int(item.dropFirst(7))
            } else if item.hasPrefix("size:") {
                size = Int(item.dropFirst(5))
            } else if item.hasPrefix("signed:") {
                isSigned = item.dropFirst(7) == "1"
            }
        }
        guard let declaration, let offset, let size, offset >= 0, size >= 0 else { throw .malformedField(String(line)) }
        guard offset <= EventFormat.maximumEventBytes, size <= EventFormat.maximumEventBytes - offset else {
            throw .fieldOutOfRange(
                name: String(declaration.split(separator: " ").last ?? declaration), offset: offset, size: size)
        }
        // The name is the last identifier; an array suffix gives the element count.
        var text = declaration.trimmingSuffixSpaces()
        var arrayCount: Int?
        var isDynamicArray = false
        if text.hasSuffix("]"), let open = text.lastIndex(of: "[") {
            let inside = text[text.index(after: open)..<text.index(before: text.endIndex)]
            if inside.isEmpty { isDynamicArray = true } else { arrayCount = Int(inside) }
            text = text[..<open]
        }
        guard
            let nameStart = text.lastIndex(where: { !($0.isLetter || $0.isNumber || $0 == "_") }).map({
                text.index(after: $0)
            }),
            nameStart < text.endIndex
        else { throw .malformedField(String(line)) }
        let name = String(text[nameStart...])
        let type = String(text[..<nameStart].trimmingSuffixSpaces()) + (isDynamicArray ? "[]" : "")
        let kind: Kind
        if type.hasPrefix("__data_loc") {
            kind = .dataLocation
        } else if type.hasPrefix("__rel_loc") {
            kind = .relativeLocation
        } else if let arrayCount, arrayCount > 0, size % arrayCount == 0 {
            kind = .array(count: arrayCount, elementSize: size / arrayCount)
        } else if [1, 2, 4, 8].contains(size) {
            kind = .integer
        } else {
            kind = .opaque
        }
        return FieldFormat(type: type, name: name, offset: offset, size: size, isSigned: isSigned, kind: kind)
    }
}

/// A format file Periscope could not read.
public enum FormatParseError: Error, Sendable, CustomStringConvertible, Equatable {
    case missing(String, in: String)
    case malformedField(String)
    /// A field that ends past the largest event a ring-buffer page can hold.
    case fieldOutOfRange(name: String, offset: Int, size: Int)

    public var description: String {
        switch self {
        case .missing(let what, let text): return "format description has no \(what): \(text.prefix(80))"
        case .malformedField(let line): return "malformed field line in a format description: \(line)"
        case .fieldOutOfRange(let name, let offset, let size):
            return
                "field \(name) (offset \(offset), size \(size)) ends past the largest possible event (\(EventFormat.maximumEventBytes) bytes)"
        }
    }
}

extension Substring {
    fileprivate func trimmingSuffixSpaces() -> Substring {
        var result = self
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
