import Foundation

/// What Docker knows about a container that the kernel does not: name, image, labels.
public struct RuntimeMetadata: Sendable, Equatable, Codable {
    public var name: String?
    public var image: String?
    public var labels: [String: String]
    /// The init PID the runtime reports (Docker `State.Pid`), for cross-checks.
    public var reportedInitPID: Int32?
    /// Docker's network mode (`bridge`, `host`, `container:<id>`, ...).
    public var networkMode: String?
    /// The hostname the runtime configured (used when the UTS namespace cannot be read).
    public var configuredHostname: String?
    /// Kubernetes pod name, namespace and container name, when known.
    public var podName: String?
    public var podNamespace: String?
    public var kubernetesContainerName: String?
    /// Where this came from.
    public var source: MetadataSource

    public init(name: String? = nil, image: String? = nil, labels: [String: String] = [:], source: MetadataSource) {
        self.name = name
        self.image = image
        self.labels = labels
        self.source = source
    }
}

/// Where runtime metadata came from, so output can say how much to trust it.
public enum MetadataSource: String, Sendable, Codable {
    /// The runtime's API answered (Docker Engine API).
    case engineAPI = "engine-api"
    /// The runtime's state on disk (config.v2.json, an OCI bundle, containers.json).
    case stateFiles = "state-files"
    /// Only the cgroup path and namespaces are known.
    case unavailable
}

/// Docker container metadata from the Engine API, or from dockerd's state files when the
/// daemon does not answer (it may be hung: exactly when someone runs Periscope).
public enum DockerMetadata {
    /// One `GET /containers/json` (names, image, labels, network mode for all running
    /// containers); State.Pid comes from `config.v2.json` only in the fallback, because the
    /// inventory finds init PIDs from /proc anyway.
    public static func load(
        socketPath: String = "/var/run/docker.sock", dataRoot: String = "/var/lib/docker"
    ) -> (containers: [String: RuntimeMetadata], source: MetadataSource, problem: String?) {
        do {
            let body = try UnixSocketHTTP.get(socketPath: socketPath, path: "/v1.41/containers/json")
            return (try decodeEngineList(body), .engineAPI, nil)
        } catch let apiError {
            let fromFiles = loadStateFiles(dataRoot: dataRoot)
            let reason = "\(apiError)"
            if fromFiles.isEmpty { return ([:], .unavailable, reason) }
            return (fromFiles, .stateFiles, reason)
        }
    }

    /// One container's metadata: `GET /containers/ID/json`, else its `config.v2.json`; nil
    /// when neither knows the id. Costs one small request, so a sampler can name a container
    /// in the sample where it first appears instead of listing every container again.
    /// `engineAnswered` is false when the daemon could not be reached (the caller should stop
    /// asking it for a while: a hung daemon costs the request's timeout each time);
    /// `askEngine: false` reads the state file only.
    public static func loadOne(
        id: String, socketPath: String = "/var/run/docker.sock", dataRoot: String = "/var/lib/docker",
        askEngine: Bool = true
    ) -> (metadata: RuntimeMetadata?, engineAnswered: Bool) {
        // The id comes from a cgroup path: only hex may reach the URL or the state-file path.
        guard !id.isEmpty, id.utf8.count <= 64,
            id.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else {
            return (nil, true)
        }
        var answered = false
        if askEngine {
            do {
                let body = try UnixSocketHTTP.get(
                    socketPath: socketPath, path: "/v1.41/containers/\(id)/json", timeoutSeconds: 2)
                if let metadata = try? decodeInspect(body) { return (metadata, true) }
                answered = true
            } catch {
                answered = error.httpStatus != nil
            }
        }
        return (loadStateFile(directory: "\(dataRoot)/containers/\(id)"), answered)
    }

    private struct InspectedContainer: Decodable {
        var Name: String?
        var Config: StateFile.Config?
        var State: StateFile.State?
        var HostConfig: EngineContainer.HostConfig?
    }

    /// `GET /containers/ID/json`: the state file's shape plus HostConfig.
    static func decodeInspect(_ body: [UInt8]) throws(RuntimeAPIError) -> RuntimeMetadata {
        let inspected: InspectedContainer
        do {
            inspected = try JSONDecoder().decode(InspectedContainer.self, from: Data(body))
        } catch {
            throw RuntimeAPIError(socketPath: "docker", reason: "undecodable /containers/ID/json: \(error)")
        }
        var metadata = RuntimeMetadata(
            name: inspected.Name.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 },
            image: inspected.Config?.Image, labels: inspected.Config?.Labels ?? [:], source: .engineAPI)
        metadata.reportedInitPID = (inspected.State?.Running ?? false) ? inspected.State?.Pid : nil
        metadata.configuredHostname = inspected.Config?.Hostname
        metadata.networkMode = inspected.HostConfig?.NetworkMode
        applyKubernetesLabels(&metadata)
        return metadata
    }

    private struct EngineContainer: Decodable {
        var Id: String
        var Names: [String]?
        var Image: String?
        var Labels: [String: String]?
        var HostConfig: HostConfig?
        struct HostConfig: Decodable { var NetworkMode: String? }
    }

    static func decodeEngineList(_ body: [UInt8]) throws(RuntimeAPIError) -> [String: RuntimeMetadata] {
        let list: [EngineContainer]
        do {
            list = try JSONDecoder().decode([EngineContainer].self, from: Data(body))
        } catch {
            throw RuntimeAPIError(socketPath: "docker", reason: "undecodable /containers/json: \(error)")
        }
        var result: [String: RuntimeMetadata] = [:]
        for container in list {
            var metadata = RuntimeMetadata(
                name: container.Names?.first.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 },
                image: container.Image, labels: container.Labels ?? [:], source: .engineAPI)
            metadata.networkMode = container.HostConfig?.NetworkMode
            applyKubernetesLabels(&metadata)
            result[container.Id] = metadata
        }
        return result
    }

    private struct StateFile: Decodable {
        var ID: String
        var Name: String?
        var Config: Config?
        var State: State?
        struct Config: Decodable {
            var Image: String?
            var Labels: [String: String]?
            var Hostname: String?
        }
        struct State: Decodable {
            var Pid: Int32?
            var Running: Bool?
        }
    }

    /// dockerd keeps HostConfig out of config.v2.json (`json:"-"`), in hostconfig.json beside it.
    private struct HostConfigFile: Decodable { var NetworkMode: String? }

    /// Reads `<dataRoot>/containers/*/config.v2.json` (and `hostconfig.json` for the network
    /// mode); unreadable files are skipped.
    public static func loadStateFiles(dataRoot: String) -> [String: RuntimeMetadata] {
        let directory = dataRoot + "/containers"
        guard let ids = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [:] }
        var result: [String: RuntimeMetadata] = [:]
        for id in ids {
            guard let (stateID, metadata) = loadStateFileWithID(directory: "\(directory)/\(id)") else { continue }
            result[stateID] = metadata
        }
        return result
    }

    /// One container's `config.v2.json` (and `hostconfig.json`); nil when unreadable.
    static func loadStateFile(directory: String) -> RuntimeMetadata? {
        loadStateFileWithID(directory: directory)?.metadata
    }

    private static func loadStateFileWithID(directory: String) -> (id: String, metadata: RuntimeMetadata)? {
        guard let data = FileManager.default.contents(atPath: "\(directory)/config.v2.json"),
            data.count < 16 * 1024 * 1024,
            let state = try? JSONDecoder().decode(StateFile.self, from: data)
        else { return nil }
        var metadata = RuntimeMetadata(
            name: state.Name.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 },
            image: state.Config?.Image, labels: state.Config?.Labels ?? [:], source: .stateFiles)
        metadata.reportedInitPID = (state.State?.Running ?? false) ? state.State?.Pid : nil
        metadata.configuredHostname = state.Config?.Hostname
        if let hostConfig = FileManager.default.contents(atPath: "\(directory)/hostconfig.json") {
            metadata.networkMode = (try? JSONDecoder().decode(HostConfigFile.self, from: hostConfig))?.NetworkMode
        }
        applyKubernetesLabels(&metadata)
        return (state.ID, metadata)
    }

    /// dockershim and cri-dockerd put the pod identity in labels.
    static func applyKubernetesLabels(_ metadata: inout RuntimeMetadata) {
        metadata.podName = metadata.labels["io.kubernetes.pod.name"]
        metadata.podNamespace = metadata.labels["io.kubernetes.pod.namespace"]
        metadata.kubernetesContainerName = metadata.labels["io.kubernetes.container.name"]
    }
}
