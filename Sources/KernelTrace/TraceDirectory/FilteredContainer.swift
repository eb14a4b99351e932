import ContainerInventory

/// A container a capture was limited to (`trace record --container`), as metadata.json keeps
/// it: its typed key and the name it was shown as.
///
/// Traces written before the key was kept list the names alone (`"containerFilter": ["web"]`);
/// they still read, with no key.
public struct FilteredContainer: Sendable, Codable, Equatable {
    /// Nil only in a trace written before keys were kept.
    public var key: ContainerKey?
    /// The container's name, or its short id when it has none (`docker ps`'s NAMES).
    public var name: String

    /// Creates a value from its fields.
    public init(key: ContainerKey?, name: String) {
        self.key = key
        self.name = name
    }

    /// The container `container`, as the filter resolved it.
    public init(_ container: Container) {
        self.init(key: container.key, name: container.displayName)
    }

    private enum CodingKeys: String, CodingKey { case key, name }

    /// Reads `{"key": "docker:3efa...", "name": "web"}`, or the bare name older traces wrote.
    public init(from decoder: any Decoder) throws {
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            self.init(key: nil, name: name)
            return
        }
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            key: try fields.decodeIfPresent(ContainerKey.self, forKey: .key),
            name: try fields.decode(String.self, forKey: .name))
    }
}
