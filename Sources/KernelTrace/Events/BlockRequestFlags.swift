/// A block request's operation and modifiers (`rwbs`) in LTTng's bit encoding, the
/// `RWBS_FLAG_*` enum of lttng-modules' `include/instrumentation/events/block.h`.
///
/// ftrace records the same request as text built by the kernel's `blk_fill_rwbs`:
/// `[F]` (preflush), one operation (`W`, `D`, `DE` secure erase, `F` flush, `R`, `N` none),
/// then `F` (FUA), `A` (readahead), `S` (sync), `M` (meta) and, from Linux 6.11, `U` (atomic,
/// which LTTng has no flag for). The letter F means three things depending on where it stands.
public struct BlockRequestFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let write = BlockRequestFlags(rawValue: 1 << 0)
    public static let discard = BlockRequestFlags(rawValue: 1 << 1)
    public static let read = BlockRequestFlags(rawValue: 1 << 2)
    public static let readahead = BlockRequestFlags(rawValue: 1 << 3)
    public static let barrier = BlockRequestFlags(rawValue: 1 << 4)
    public static let sync = BlockRequestFlags(rawValue: 1 << 5)
    public static let meta = BlockRequestFlags(rawValue: 1 << 6)
    public static let secure = BlockRequestFlags(rawValue: 1 << 7)
    public static let flush = BlockRequestFlags(rawValue: 1 << 8)
    public static let forceUnitAccess = BlockRequestFlags(rawValue: 1 << 9)
    public static let preflush = BlockRequestFlags(rawValue: 1 << 10)

    /// Parses ftrace's `rwbs` text (NUL-terminated or not).
    public init(ftraceText text: UnsafeRawBufferPointer) {
        var flags: BlockRequestFlags = []
        var index = 0
        func at(_ position: Int) -> UInt8 { position < text.count ? text[position] : 0 }
        func isOperation(_ byte: UInt8) -> Bool { "WDFRN".utf8.contains(byte) }
        // A leading F followed by an operation letter is the preflush; alone ("F") it is the flush operation.
        if at(0) == UInt8(ascii: "F"), isOperation(at(1)) {
            flags.insert(.preflush)
            index = 1
        }
        switch at(index) {
        case UInt8(ascii: "W"): flags.insert(.write)
        case UInt8(ascii: "D"):
            flags.insert(.discard)
            if at(index + 1) == UInt8(ascii: "E") {
                flags.insert(.secure)
                index += 1
            }
        case UInt8(ascii: "F"): flags.insert(.flush)
        case UInt8(ascii: "R"): flags.insert(.read)
        default: break  // N: an operation LTTng encodes as 0
        }
        index += 1
        while index < text.count, text[index] != 0 {
            switch text[index] {
            case UInt8(ascii: "F"): flags.insert(.forceUnitAccess)
            case UInt8(ascii: "A"): flags.insert(.readahead)
            case UInt8(ascii: "S"): flags.insert(.sync)
            case UInt8(ascii: "M"): flags.insert(.meta)
            default: break
            }
            index += 1
        }
        self = flags
    }

    /// What the request does. Traces of kernels before 4.8 set `flush` as a modifier of a
    /// write (today's preflush), so the data operations win over it.
    public var operation: BlockOperation {
        if contains(.discard) { return .discard }
        if contains(.write) { return .write }
        if contains(.read) { return .read }
        if contains(.flush) || contains(.preflush) { return .flush }
        return .other
    }
}

/// The operation of a block request, as the I/O analyses group requests.
public enum BlockOperation: String, Sendable, Hashable, CaseIterable, Comparable {
    case read, write, discard, flush
    /// No data operation LTTng has a flag for (ftrace `N`: zone management, driver commands).
    case other

    public static func < (lhs: BlockOperation, rhs: BlockOperation) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
