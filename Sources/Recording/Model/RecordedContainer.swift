/// What the inventory said about a container, and when the recorder saw it.
public struct RecordedContainer: Sendable, Equatable, Codable {
    /// Its identity.
    public var key: RecordedContainerKey
    /// The name users know now (Docker name, `pod/container`).
    public var name: String
    /// Every name it had while recorded, oldest first (renames), `name` last.
    public var names: [String]
    /// `docker`, `containerd`, `host`, ...
    public var runtime: String
    /// The image reference, when the runtime says.
    public var image: String?
    /// When the runtime says it started (the last start), ms since 1970.
    public var startedAtUnixMilliseconds: Int64?
    /// When it stopped (or its cgroup vanished), ms since 1970; nil while it runs.
    public var stoppedAtUnixMilliseconds: Int64?
    /// The first and last time the recorder saw it, ms since 1970.
    public var firstSeenUnixMilliseconds: Int64
    public var lastSeenUnixMilliseconds: Int64

    public init(
        key: RecordedContainerKey, name: String, runtime: String? = nil, image: String? = nil,
        startedAtUnixMilliseconds: Int64? = nil, stoppedAtUnixMilliseconds: Int64? = nil,
        firstSeenUnixMilliseconds: Int64 = 0, lastSeenUnixMilliseconds: Int64 = 0, names: [String]? = nil
    ) {
        self.key = key
        self.name = name
        self.names = names ?? [name]
        self.runtime = runtime ?? key.runtime
        self.image = image
        self.startedAtUnixMilliseconds = startedAtUnixMilliseconds
        self.stoppedAtUnixMilliseconds = stoppedAtUnixMilliseconds
        self.firstSeenUnixMilliseconds = firstSeenUnixMilliseconds
        self.lastSeenUnixMilliseconds = lastSeenUnixMilliseconds
    }
}

/// What the recorder knows of a container at one batch: the fields the store keeps current.
/// Times the inventory does not know stay nil and never erase what was stored.
public struct ContainerDescription: Sendable, Equatable {
    public var key: RecordedContainerKey
    public var name: String
    public var runtime: String
    public var image: String?
    public var startedAtUnixMilliseconds: Int64?
    public var stoppedAtUnixMilliseconds: Int64?

    public init(
        key: RecordedContainerKey, name: String, runtime: String? = nil, image: String? = nil,
        startedAtUnixMilliseconds: Int64? = nil, stoppedAtUnixMilliseconds: Int64? = nil
    ) {
        self.key = key
        self.name = name
        self.runtime = runtime ?? key.runtime
        self.image = image
        self.startedAtUnixMilliseconds = startedAtUnixMilliseconds
        self.stoppedAtUnixMilliseconds = stoppedAtUnixMilliseconds
    }
}
