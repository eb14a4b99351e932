import Foundation

/// Podman container names from containers/storage's `containers.json`, which Podman
/// keeps for every container it created; no Podman API or socket is needed.
public enum PodmanMetadata {
    public static let defaultStoragePath = "/var/lib/containers/storage/overlay-containers/containers.json"

    private struct StoredContainer: Decodable {
        var id: String
        var names: [String]?
        var image: String?
    }

    public static func load(storagePath: String = defaultStoragePath) -> [String: RuntimeMetadata] {
        guard let data = FileManager.default.contents(atPath: storagePath), data.count < 64 * 1024 * 1024,
            let stored = try? JSONDecoder().decode([StoredContainer].self, from: data)
        else { return [:] }
        var result: [String: RuntimeMetadata] = [:]
        for container in stored {
            result[container.id] = RuntimeMetadata(
                name: container.names?.first, image: container.image, source: .stateFiles)
        }
        return result
    }
}
