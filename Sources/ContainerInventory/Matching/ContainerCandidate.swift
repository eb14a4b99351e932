/// A container as a matcher sees it: what a user may type to name it. Built from a running
/// container, a saved window's container, a trace's metadata or the recorder's store, so that
/// every command names containers by the same rule (`ContainerMatcher`).
public struct ContainerCandidate: Sendable, Hashable {
    /// The runtime as `ContainerRuntime` spells it; free text for traces recorded elsewhere.
    public var runtime: String
    /// The runtime's full id (a Docker id, an LXC name, `pidns-INODE`).
    public var id: String
    /// The runtime's name (Docker name, `pod/container`); nil when unknown.
    public var name: String?
    /// The host pseudo-container, named `host`.
    public var isHost: Bool

    /// Creates a candidate from its fields.
    public init(runtime: String, id: String, name: String?, isHost: Bool = false) {
        self.runtime = runtime
        self.id = id
        self.name = name
        self.isHost = isHost
    }

    /// A candidate for a container key (the host key gives the host candidate).
    public init(key: ContainerKey, name: String?) {
        self.init(runtime: key.runtime.rawValue, id: key.id, name: name, isHost: key.isHost)
    }

    /// The typed key, when the runtime is one Periscope recognises.
    public var key: ContainerKey? { ContainerRuntime(rawValue: runtime).map { ContainerKey(runtime: $0, id: id) } }

    /// The 12-character id users know from `docker ps` (ids shorter than 64 stay whole).
    public var shortID: String { id.count == 64 ? String(id.prefix(12)) : id }

    /// The name to show in errors.
    public var displayName: String { isHost ? "host" : name ?? shortID }
}

extension Container {
    /// This container as a matcher candidate.
    public var matchCandidate: ContainerCandidate { ContainerCandidate(key: key, name: name) }
}
