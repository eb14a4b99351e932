import ContainerInventory
import LinuxHost

/// The container a capture is of, resolved once when it is asked for.
package struct ResolvedContainer: Sendable, Equatable {
    package var displayName: String
    /// The runtime's full id.
    package var id: String
    /// `ContainerKey.description`: what diagnosis windows focus on.
    package var key: String

    package init(displayName: String, id: String, key: String) {
        self.displayName = displayName
        self.id = id
        self.key = key
    }
}

/// Finds a container by name, id, id prefix or host PID in a live inventory.
package struct ContainerResolver: Sendable {
    package var resolve: @Sendable (String) throws -> ResolvedContainer

    package init(resolve: @escaping @Sendable (String) throws -> ResolvedContainer) { self.resolve = resolve }

    /// Resolves against a fresh inventory scan (host processes are refused: captures are of
    /// containers). Besides what `ContainerMatcher` takes, a container key (`docker:ID`, as the
    /// agent's JSON labels it) names its container.
    package static func live(inventory: InventoryOptions = InventoryOptions()) -> ContainerResolver {
        ContainerResolver { query in
            let snapshot: InventorySnapshot
            do { snapshot = try InventoryScanner(options: inventory).scan() } catch {
                throw CaptureRunError("cannot list containers: \(error)")
            }
            if let keyed = snapshot.containers.first(where: { $0.key.description == query }) {
                return ResolvedContainer(displayName: keyed.displayName, id: keyed.id, key: keyed.key.description)
            }
            switch ContainerMatcher.resolve(query, in: snapshot) {
            case .failure(let failure): throw ContainerNotFound(query: query, detail: failure.description)
            case .success(let container):
                if container.key.isHost {
                    throw ContainerNotFound(query: query, detail: "\(query) is a host process, not a container")
                }
                return ResolvedContainer(
                    displayName: container.displayName, id: container.id, key: container.key.description)
            }
        }
    }
}

/// The query names no container (HTTP 404).
package struct ContainerNotFound: Error, CustomStringConvertible {
    package var query: String
    package var detail: String
    package var description: String { detail }

    package init(query: String, detail: String) {
        self.query = query
        self.detail = detail
    }
}
