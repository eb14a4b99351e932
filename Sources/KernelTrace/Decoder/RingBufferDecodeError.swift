/// A ring-buffer stream that does not parse, located to the byte so a bad trace can be
/// inspected with a hex dump.
public struct RingBufferDecodeError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Reason: Sendable, Equatable {
        case truncatedPage(bytes: Int)
        case commitBeyondPage(commit: UInt64)
        case truncatedEventHeader
        case eventLengthOutOfPage(length: Int)
        case dynamicFieldOutOfEvent(field: String)
        case eventTooShort(needed: Int, length: Int)
    }

    public var cpu: Int
    /// Byte offset in the CPU's stream (cpuN.raw).
    public var offset: Int
    public var reason: Reason

    public init(cpu: Int, offset: Int, reason: Reason) {
        self.cpu = cpu
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        let what: String
        switch reason {
        case .truncatedPage(let bytes): what = "the stream ends inside a page (\(bytes) bytes of it)"
        case .commitBeyondPage(let commit): what = "page header commit \(commit) is larger than the page"
        case .truncatedEventHeader: what = "an event header runs past the page's data"
        case .eventLengthOutOfPage(let length): what = "an event of \(length) bytes runs past the page's data"
        case .dynamicFieldOutOfEvent(let field): what = "dynamic field \(field) points outside its event"
        case .eventTooShort(let needed, let length):
            what = "an event of \(length) bytes is shorter than its format's \(needed)"
        }
        return "corrupt ring-buffer data on CPU \(cpu) at byte \(offset): \(what)"
    }
}
