/// The CTF field types Periscope writes: byte-aligned little-endian integers, fixed
/// `char[N]` text, NUL-terminated strings and integer sequences with a length field before
/// them. Byte alignment everywhere keeps the encoder free of padding arithmetic (LTTng
/// declares `align = 8` bits for its kernel fields too).
public enum CTFFieldType: Sendable, Equatable {
    case integer(bits: Int, signed: Bool, hexadecimal: Bool)
    case fixedText(count: Int)
    case string
    /// A sequence of integers; the writer declares `__NAME_length` (uint8, or uint32 when
    /// `wideLength`) right before it.
    case integerSequence(bits: Int, signed: Bool, wideLength: Bool)

    public static let int32 = CTFFieldType.integer(bits: 32, signed: true, hexadecimal: false)
    public static let uint32 = CTFFieldType.integer(bits: 32, signed: false, hexadecimal: false)
    public static let int64 = CTFFieldType.integer(bits: 64, signed: true, hexadecimal: false)
    public static let uint64 = CTFFieldType.integer(bits: 64, signed: false, hexadecimal: false)
    public static let comm = CTFFieldType.fixedText(count: 16)
}

/// One field of a CTF event class or context.
public struct CTFField: Sendable, Equatable {
    public var name: String
    public var type: CTFFieldType

    public init(_ name: String, _ type: CTFFieldType) {
        self.name = name
        self.type = type
    }

    /// TSDL, with LTTng's leading underscore on the name.
    var declaration: String {
        switch type {
        case .integer(let bits, let signed, let hexadecimal):
            return
                "integer { size = \(bits); align = 8; signed = \(signed ? 1 : 0); encoding = none; base = \(hexadecimal ? 16 : 10); } _\(name);"
        case .fixedText(let count):
            return "integer { size = 8; align = 8; signed = 0; encoding = UTF8; base = 10; } _\(name)[\(count)];"
        case .string:
            return "string _\(name);"
        case .integerSequence(let bits, let signed, let wideLength):
            return
                "integer { size = \(wideLength ? 32 : 8); align = 8; signed = 0; encoding = none; base = 10; } __\(name)_length;\n\t\t"
                + "integer { size = \(bits); align = 8; signed = \(signed ? 1 : 0); encoding = none; base = 10; } _\(name)[ __\(name)_length ];"
        }
    }
}

/// An event class as declared in the metadata.
public struct CTFEventClass: Sendable {
    public var id: Int
    public var name: String
    public var fields: [CTFField]
}
