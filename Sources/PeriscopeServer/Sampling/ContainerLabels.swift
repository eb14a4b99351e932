/// The identity labels every per-container series carries, as cAdvisor names them: `id` is
/// the cgroup path, `name` the runtime's name, `image` the image reference ("" unknown).
package struct ContainerLabels: Sendable, Equatable, Codable {
    /// `runtime:id`, the agent's key for the container.
    package var key: String
    /// The cgroup path (`/docker/ID`), or the key when unknown.
    package var id: String
    /// The runtime's name.
    package var name: String
    /// The image reference.
    package var image: String

    /// Creates a value from its fields.
    package init(key: String, id: String, name: String, image: String) {
        self.key = key
        self.id = id
        self.name = name
        self.image = image
    }

    var prometheusLabels: [(String, String)] { [("id", id), ("name", name), ("image", image)] }
}
