/// Where a ring-buffer page keeps its timestamp, commit word and data, from
/// events/header_page (`timestamp` u64 at 0, `commit` local_t at 8, `data` at 16 on 64-bit
/// kernels; a 32-bit kernel has a 4-byte commit and data at 12).
public struct RingBufferPageLayout: Sendable, Equatable {
    public var pageSize: Int
    public var commitOffset: Int
    public var commitSize: Int
    public var dataOffset: Int

    /// The commit word's low bits are the data size; the top bits flag lost events.
    static let commitSizeMask: UInt64 = (1 << 27) - 1
    /// Events were lost between the previous page and this one.
    static let missedEventsFlag: UInt64 = 1 << 31
    /// The number lost is stored after the page's data.
    static let missedCountStoredFlag: UInt64 = 1 << 30

    public init(pageSize: Int, commitOffset: Int = 8, commitSize: Int = 8, dataOffset: Int = 16) {
        self.pageSize = pageSize
        self.commitOffset = commitOffset
        self.commitSize = commitSize
        self.dataOffset = dataOffset
    }

    /// Parses header_page; falls back to the 64-bit layout for fields it cannot find (and
    /// names them in `missing`, for a warning). Throws when a field line does not parse or the
    /// fields do not fit in a page: offsets from a file are checked before any arithmetic.
    public static func parse(
        headerPage text: String, pageSize: Int
    ) throws(FormatParseError) -> (layout: RingBufferPageLayout, missing: [String]) {
        var layout = RingBufferPageLayout(pageSize: pageSize)
        var missing: Set<String> = ["commit", "data"]
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("field:") else { continue }
            let field = try FieldFormat.parse(trimmed)
            switch field.name {
            case "commit":
                layout.commitOffset = field.offset
                layout.commitSize = field.size == 4 ? 4 : 8
                missing.remove("commit")
            case "data":
                layout.dataOffset = field.offset
                missing.remove("data")
            default:
                break
            }
        }
        // FieldFormat bounds offsets to 16 MiB, so these sums cannot overflow.
        guard layout.commitOffset + layout.commitSize <= layout.dataOffset, layout.dataOffset < pageSize else {
            throw .malformedField(
                "commit at \(layout.commitOffset) (\(layout.commitSize) bytes) and data at \(layout.dataOffset) do not fit in order in a \(pageSize)-byte page"
            )
        }
        return (layout, missing.sorted())
    }
}
