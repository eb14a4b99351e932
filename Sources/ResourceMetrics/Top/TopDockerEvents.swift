import ContainerInventory

/// What Docker's container events (the stream `periscope record` follows, `DockerEventStream`)
/// tell `top` between two samples: a container started, stopped or was renamed, so the
/// inventory must be scanned now. While the stream is connected `top` needs no frequent
/// periodic scan to find Docker's new containers.
final class TopDockerEvents {
    private let stream: DockerEventStream

    /// Follows the daemon at `socketPath` from now (on a thread of the stream's own).
    init(socketPath: String) { stream = DockerEventStream(socketPath: socketPath) }

    deinit { stream.stop() }

    /// True while connected: events since the last `drain()` are all known.
    var isConnected: Bool { stream.isConnected }

    /// The containers the events since the last call touched (start, die, rename); empty
    /// when nothing changed the list or the names.
    func drainChanged() -> [ContainerKey] {
        stream.drain().compactMap { event in
            Self.changesInventory(event.action) ? ContainerKey(runtime: .docker, id: event.containerID) : nil
        }
    }

    /// A start adds a container, a die removes it (its processes are gone), a rename changes
    /// its name; create, exec, pause and the like change nothing `top` lists.
    static func changesInventory(_ action: String) -> Bool {
        action == "start" || action == "die" || action == "rename"
    }
}
