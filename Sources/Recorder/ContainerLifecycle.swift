import ContainerInventory
import Recording

/// Turns Docker's container events into lifecycle events and inventory facts: started
/// (with create → running), stopped (exit code), restarted, renamed, OOM-killed, removed.
/// A container that lives less than a sample interval is still recorded, with its lifetime,
/// because the daemon's events carry both ends.
struct ContainerLifecycle {
    /// Create times not yet matched by a start, by id; bounded (a create never started
    /// must not grow it forever).
    private var createdAtNanoseconds: [String: Int64] = [:]
    private var namesByID: [String: String] = [:]
    private static let remembered = 10_000

    /// What a batch of events changed.
    struct Changes {
        var events: [RecordedEvent] = []
        var descriptions: [ContainerDescription] = []
        /// Containers that started (the sampler should look for their cgroups now).
        var startedIDs: [String] = []
        /// New names, by id (renames).
        var renamed: [String: String] = [:]
    }

    mutating func apply(_ dockerEvents: [DockerContainerEvent]) -> Changes {
        var changes = Changes()
        for event in dockerEvents {
            let key = RecordedContainerKey(runtime: ContainerRuntime.docker.rawValue, id: event.containerID)
            let milliseconds = event.unixNanoseconds / 1_000_000
            if let name = event.name { namesByID[event.containerID] = name }
            let name = namesByID[event.containerID] ?? String(event.containerID.prefix(12))
            var attributes: [String: String] = [:]
            if let image = event.image { attributes["image"] = image }
            func description(started: Int64? = nil, stopped: Int64? = nil) -> ContainerDescription {
                ContainerDescription(
                    key: key, name: name, runtime: ContainerRuntime.docker.rawValue, image: event.image,
                    startedAtUnixMilliseconds: started, stoppedAtUnixMilliseconds: stopped)
            }
            switch event.action {
            case "create":
                if createdAtNanoseconds.count >= Self.remembered {
                    createdAtNanoseconds.removeAll(keepingCapacity: true)
                }
                createdAtNanoseconds[event.containerID] = event.unixNanoseconds
                changes.events.append(
                    RecordedEvent(
                        unixMilliseconds: milliseconds, kind: .created, container: key, message: "\(name) created",
                        attributes: attributes))
                changes.descriptions.append(description())
            case "start":
                let created = createdAtNanoseconds.removeValue(forKey: event.containerID)
                let durationMicroseconds = created.map { max(0, event.unixNanoseconds - $0) / 1000 }
                let took = durationMicroseconds.map { " in \(Double($0) / 1000) ms (create → running)" } ?? ""
                changes.events.append(
                    RecordedEvent(
                        unixMilliseconds: milliseconds, kind: .started, container: key,
                        message: "\(name) started\(took)",
                        durationMicroseconds: durationMicroseconds, attributes: attributes))
                changes.descriptions.append(description(started: milliseconds))
                changes.startedIDs.append(event.containerID)
            case "die":
                if let code = event.exitCode { attributes["exitCode"] = String(code) }
                changes.events.append(
                    RecordedEvent(
                        unixMilliseconds: milliseconds, kind: .stopped, container: key,
                        message: "\(name) stopped\(event.exitCode.map { " (exit code \($0))" } ?? "")",
                        attributes: attributes))
                changes.descriptions.append(description(stopped: milliseconds))
            case "restart":
                changes.events.append(
                    RecordedEvent(
                        unixMilliseconds: milliseconds, kind: .restarted, container: key, message: "\(name) restarted",
                        attributes: attributes))
            case "rename":
                if let oldName = event.oldName { attributes["oldName"] = oldName }
                changes.events.append(
                    RecordedEvent(
                        unixMilliseconds: milliseconds, kind: .renamed, container: key,
                        message: "\(event.oldName ?? "?") renamed to \(name)", attributes: attributes))
                changes.descriptions.append(description())
                changes.renamed[event.containerID] = name
            case "oom":
                changes.events.append(
                    RecordedEvent(
                        unixMilliseconds: milliseconds, kind: .oomKill, container: key,
                        message: "\(name): the runtime reports an OOM kill", attributes: attributes))
            case "destroy":
                changes.events.append(
                    RecordedEvent(
                        unixMilliseconds: milliseconds, kind: .removed, container: key, message: "\(name) removed",
                        attributes: attributes))
                createdAtNanoseconds[event.containerID] = nil
                namesByID[event.containerID] = nil
            default:
                continue
            }
        }
        if namesByID.count >= Self.remembered { namesByID.removeAll(keepingCapacity: true) }
        return changes
    }
}
