/// The identity labels every per-container series carries, as cAdvisor names them: `id` is
/// the cgroup path, `name` the runtime's name, `image` the image reference ("" unknown).
public struct ContainerLabels: Sendable, Equatable, Codable {
    /// `runtime:id`, the agent's key for the container.
    public var key: String
    /// The cgroup path (`/docker/ID`), or the key when unknown.
    public var id: String
    /// The runtime's name.
    public var name: String
    /// The image reference.
    public var image: String

    /// Creates a value from its fields.
    public init(key: String, id: String, name: String, image: String) {
        self.key = key
        self.id = id
        self.name = name
        self.image = image
    }

    var prometheusLabels: [(String, String)] { [("id", id), ("name", name), ("image", image)] }
}
