/// The namespace inode numbers of one task; a kind the kernel lacks (or that could not be
/// read) is absent.
///
/// Inodes are what identifies a namespace: two tasks share a namespace when the inodes
/// (on the same nsfs device) are equal.
public struct NamespaceSet: Sendable, Equatable, Hashable {
    private var inodes: [UInt64]

    public init() { inodes = Array(repeating: 0, count: NamespaceKind.allCases.count) }

    public subscript(kind: NamespaceKind) -> UInt64? {
        get { inodes[kind.slot] == 0 ? nil : inodes[kind.slot] }
        set { inodes[kind.slot] = newValue ?? 0 }
    }

    /// The kinds present, in `NamespaceKind` order.
    public var kinds: [NamespaceKind] { NamespaceKind.allCases.filter { self[$0] != nil } }

    public var isEmpty: Bool { inodes.allSatisfy { $0 == 0 } }

    /// Parses a namespace link target such as `pid:[4026531836]`.
    public static func parseLinkTarget(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "[")) else { return nil }
        var scanner = ByteScanner(bytes, offset: open + 1)
        guard let inode = scanner.readUInt64(), scanner.peek == UInt8(ascii: "]") else { return nil }
        return inode
    }
}

extension NamespaceSet: Codable {
    public init(from decoder: any Decoder) throws {
        self.init()
        let values = try decoder.singleValueContainer().decode([String: UInt64].self)
        for (name, inode) in values {
            if let kind = NamespaceKind(rawValue: name) { self[kind] = inode }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var values: [String: UInt64] = [:]
        for kind in kinds { values[kind.rawValue] = self[kind] }
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }
}
