/// The identity a recording files a container under: `runtime:id` (`docker:3f2a…`), as the
/// observation window and `ContainerKey.description` spell it; `host:host` is the host.
///
/// Its own small type so the store does not depend on the inventory's key; when the typed
/// inventory key settles, only the conversions at the edge change, not what is on disk.
public struct RecordedContainerKey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// `runtime:id`.
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public init(runtime: String, id: String) { rawValue = "\(runtime):\(id)" }

    /// The host pseudo-container, under which host-wide samples are stored.
    public static let host = RecordedContainerKey("host:host")

    public var isHost: Bool { self == .host }

    /// The part before the first `:` (`docker`), empty when there is none.
    public var runtime: String {
        guard let colon = rawValue.firstIndex(of: ":") else { return "" }
        return String(rawValue[..<colon])
    }

    /// The part after the first `:` (the runtime's container id).
    public var id: String {
        guard let colon = rawValue.firstIndex(of: ":") else { return rawValue }
        return String(rawValue[rawValue.index(after: colon)...])
    }

    public var description: String { rawValue }

    public static func < (lhs: RecordedContainerKey, rhs: RecordedContainerKey) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
