/// A stored sample block or pending sample that cannot be decoded: the store was damaged or
/// written by something else. Carries the byte offset where decoding stopped.
public enum SampleBlockError: Error, Equatable, CustomStringConvertible {
    /// The data ends before the structure it announces.
    case truncated(offset: Int)
    /// A field holds an impossible value.
    case corrupt(offset: Int, String)
    /// The block starts with a format version this build does not know.
    case unknownFormat(UInt8)
    /// zlib refused the compressed bytes (its error code).
    case inflateFailed(Int32)

    public var description: String {
        switch self {
        case .truncated(let offset): "sample block truncated at byte \(offset)"
        case .corrupt(let offset, let what): "sample block corrupt at byte \(offset): \(what)"
        case .unknownFormat(let version): "sample block format \(version) is newer than this Periscope reads"
        case .inflateFailed(let code): "sample block does not inflate (zlib error \(code))"
        }
    }
}
