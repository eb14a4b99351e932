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

    /// Parses header_page; falls back to the 64-bit layout for fields it cannot find.
    public static func parse(headerPage text: String, pageSize: Int) -> RingBufferPageLayout {
        var layout = RingBufferPageLayout(pageSize: pageSize)
        for line in text.split(separator: "\n") {
            guard let field = try? FieldFormat.parse(line.drop { $0 == " " || $0 == "\t" }) else { continue }
            switch field.name {
            case "commit":
                layout.commitOffset = field.offset
                layout.commitSize = field.size == 4 ? 4 : 8
            case "data":
                layout.dataOffset = field.offset
            default:
                break
            }
        }
        return layout
    }
}
