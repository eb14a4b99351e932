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
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(id)/config.v2.json"),
                  data.count < 16 * 1024 * 1024,
                  let state = try? JSONDecoder().decode(StateFile.self, from: data)
            else { continue }
            var metadata = RuntimeMetadata(
                name: state.Name.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 },
                image: state.Config?.Image, labels: state.Config?.Labels ?? [:], source: .stateFiles)
            metadata.reportedInitPID = (state.State?.Running ?? false) ? state.State?.Pid : nil
            metadata.configuredHostname = state.Config?.Hostname
            if let hostConfig = FileManager.default.contents(atPath: "\(directory)/\(id)/hostconfig.json") {
                metadata.networkMode = (try? JSONDecoder().decode(HostConfigFile.self, from: hostConfig))?.NetworkMode
            }
            applyKubernetesLabels(&metadata)
            result[state.ID] = metadata
        }
        return result
    }

    /// dockershim and cri-dockerd put the pod identity in labels.
    static func applyKubernetesLabels(_ metadata: inout RuntimeMetadata) {
        metadata.podName = metadata.labels["io.kubernetes.pod.name"]
        metadata.podNamespace = metadata.labels["io.kubernetes.pod.namespace"]
        metadata.kubernetesContainerName = metadata.labels["io.kubernetes.container.name"]
    }
}
