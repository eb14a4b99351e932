import Foundation

/// One container event from the Docker Engine's `/events` stream.
public struct DockerContainerEvent: Sendable, Equatable {
    /// What happened (`create`, `start`, `restart`, `die`, `stop`, `kill`, `oom`, `rename`,
    /// `destroy`, `pause`, `unpause`, `update`, ...): Docker's `Action`, as sent.
    public var action: String
    /// The full container id.
    public var containerID: String
    /// The container's name (without the leading `/`), after a rename its new name.
    public var name: String?
    /// The image it runs.
    public var image: String?
    /// The name before a `rename`.
    public var oldName: String?
    /// The exit code of a `die`.
    public var exitCode: Int?
    /// When the daemon emitted it, ns since the epoch.
    public var unixNanoseconds: Int64

    /// Creates a value from its fields.
    public init(
        action: String, containerID: String, name: String? = nil, image: String? = nil, oldName: String? = nil,
        exitCode: Int? = nil, unixNanoseconds: Int64
    ) {
        self.action = action
        self.containerID = containerID
        self.name = name
        self.image = image
        self.oldName = oldName
        self.exitCode = exitCode
        self.unixNanoseconds = unixNanoseconds
    }

    private struct Wire: Decodable {
        var type: String?
        var Action: String?
        var status: String?
        var id: String?
        var Actor: Actor?
        var time: Int64?
        var timeNano: Int64?
        enum CodingKeys: String, CodingKey {
            case type = "Type", Action, status, id, Actor, time, timeNano
        }
        struct Actor: Decodable {
            var ID: String?
            var Attributes: [String: String]?
        }
    }

    /// Decodes one line of the stream; nil for events of other types or undecodable lines.
    public static func decode(_ line: some Collection<UInt8>) -> DockerContainerEvent? {
        guard let wire = try? JSONDecoder().decode(Wire.self, from: Data(line)),
            wire.type == nil || wire.type == "container",
            let action = wire.Action ?? wire.status, let id = wire.Actor?.ID ?? wire.id
        else { return nil }
        let attributes = wire.Actor?.Attributes ?? [:]
        func trimmed(_ name: String?) -> String? { name.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 } }
        return DockerContainerEvent(
            action: action, containerID: id, name: trimmed(attributes["name"]), image: attributes["image"],
            oldName: trimmed(attributes["oldName"]), exitCode: attributes["exitCode"].flatMap { Int($0) },
            unixNanoseconds: wire.timeNano ?? (wire.time ?? 0) * 1_000_000_000)
    }
}
