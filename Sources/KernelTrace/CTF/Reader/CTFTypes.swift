/// Byte order of a CTF type; `native` means the trace's `byte_order`.
enum CTFByteOrder: Equatable, Sendable {
    case native, little, big
}

struct CTFIntegerType: Equatable, Sendable {
    var sizeInBits = 0
    var alignmentInBits = 8
    var isSigned = false
    var byteOrder = CTFByteOrder.native
    var displayBase = 10
    /// `encoding = UTF8/ASCII`: an array or sequence of these is text.
    var isText = false
    /// Name of the clock this integer's value updates (`map = clock.NAME.value`).
    var mappedClock: String?
}

struct CTFFloatType: Equatable, Sendable {
    var exponentDigits = 0
    var mantissaDigits = 0
    var alignmentInBits = 8
    var byteOrder = CTFByteOrder.native

    var sizeInBits: Int { exponentDigits + mantissaDigits }
}

struct CTFNamedType: Equatable, Sendable {
    var name: String
    var type: CTFType
}

/// A CTF 1.8 type as declared in the metadata.
indirect enum CTFType: Equatable, Sendable {
    case integer(CTFIntegerType)
    case floatingPoint(CTFFloatType)
    case enumeration(CTFIntegerType, [EventEnumerationMapping])
    case string
    /// Members in order and the `align(N)` the declaration asked for (in bits).
    case structure([CTFNamedType], minimumAlignmentInBits: Int)
    /// `variant <tag>`: the option whose name is the tag enumeration's label.
    case variant(tag: String, options: [CTFNamedType])
    case array(element: CTFType, length: Int)
    case sequence(element: CTFType, lengthField: String)

    /// The alignment of the type in bits (CTF 1.8 §4.2: a structure aligns on its most aligned
    /// member; strings, arrays of bytes and variants on their first byte or member).
    var alignmentInBits: Int {
        switch self {
        case .integer(let integer), .enumeration(let integer, _): integer.alignmentInBits
        case .floatingPoint(let float): float.alignmentInBits
        case .string: 8
        case .structure(let members, let minimum): members.reduce(max(minimum, 1)) { max($0, $1.type.alignmentInBits) }
        case .variant: 1
        case .array(let element, _), .sequence(let element, _): element.alignmentInBits
        }
    }
}

struct CTFClock {
    var name: String
    var frequency: UInt64 = 1_000_000_000
    var offsetSeconds: Int64 = 0
    var offsetCycles: Int64 = 0
}

struct CTFStreamClass {
    var id: UInt64
    var eventHeader: CTFType?
    var packetContext: CTFType?
    var eventContext: CTFType?
}

struct CTFEventDeclaration {
    var name = ""
    var id: UInt64 = 0
    var streamID: UInt64 = 0
    var context: CTFType?
    var fields: CTFType?
}

/// Everything a CTF metadata file declares.
struct CTFMetadata {
    var bigEndian = false
    var uuid: String?
    var packetHeader: CTFType?
    var environment: [String: String] = [:]
    var clocks: [String: CTFClock] = [:]
    var streams: [UInt64: CTFStreamClass] = [:]
    var events: [CTFEventDeclaration] = []
}
