import Foundation

/// Metadata from the OCI bundle (`config.json`) a CRI runtime keeps for each container.
///
/// containerd: `/run/containerd/io.containerd.runtime.v2.task/<namespace>/<id>/config.json`
/// with `io.kubernetes.cri.*` annotations; CRI-O:
/// `/var/lib/containers/storage/overlay-containers/<id>/userdata/config.json` with
/// `io.kubernetes.pod.*` annotations. Either way the pod identity is known without asking
/// the kubelet or the runtime.
public enum OCIBundleMetadata {
    public static let defaultTaskRoot = "/run/containerd/io.containerd.runtime.v2.task"
    public static let defaultCRIOStorageRoot = "/var/lib/containers/storage/overlay-containers"

    private struct Bundle: Decodable {
        var hostname: String?
        var annotations: [String: String]?
    }

    /// Looks for the bundle of `containerID` in every containerd namespace, then in CRI-O's storage.
    public static func load(
        containerID: String, taskRoot: String = defaultTaskRoot, crioStorageRoot: String = defaultCRIOStorageRoot
    ) -> RuntimeMetadata? {
        var candidates: [String] = []
        if let namespaces = try? FileManager.default.contentsOfDirectory(atPath: taskRoot) {
            candidates += namespaces.sorted().map { "\(taskRoot)/\($0)/\(containerID)/config.json" }
        }
        candidates.append("\(crioStorageRoot)/\(containerID)/userdata/config.json")
        for path in candidates {
            guard let data = FileManager.default.contents(atPath: path), data.count < 16 * 1024 * 1024,
                let bundle = try? JSONDecoder().decode(Bundle.self, from: data)
            else { continue }
            return metadata(from: bundle.annotations ?? [:], hostname: bundle.hostname)
        }
        return nil
    }

    static func metadata(from annotations: [String: String], hostname: String?) -> RuntimeMetadata {
        func first(_ keys: String...) -> String? { keys.lazy.compactMap { annotations[$0] }.first }
        var metadata = RuntimeMetadata(
            image: first("io.kubernetes.cri.image-name", "io.kubernetes.cri-o.ImageName"),
            labels: annotations, source: .stateFiles)
        metadata.podName = first("io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name")
        metadata.podNamespace = first("io.kubernetes.cri.sandbox-namespace", "io.kubernetes.pod.namespace")
        metadata.kubernetesContainerName = first("io.kubernetes.cri.container-name", "io.kubernetes.container.name")
        metadata.configuredHostname = hostname
        let isSandbox = first("io.kubernetes.cri.container-type", "io.kubernetes.cri-o.ContainerType") == "sandbox"
        if let pod = metadata.podName {
            metadata.name = "\(pod)/\(isSandbox ? "POD" : metadata.kubernetesContainerName ?? "?")"
        }
        return metadata
    }
}
