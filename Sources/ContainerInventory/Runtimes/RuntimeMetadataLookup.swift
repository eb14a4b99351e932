import LinuxHost

/// Asks the runtime about one container: for a sampler that meets a new container between
/// full naming scans and should name it in the sample where it first appears (a short-lived
/// container may be gone before the next full scan).
///
/// One Docker request (`/containers/ID/json`, about a millisecond), else dockerd's state
/// file for that id; an OCI bundle's config for containerd and CRI-O; Podman's store.
/// When the Docker daemon does not answer, it is not asked again for `engineRetrySeconds`
/// (a hung daemon would cost the request's timeout per container); the state files are
/// still read. Not thread-safe.
public final class RuntimeMetadataLookup {
    /// Where the runtimes keep their sockets and state.
    public let options: InventoryOptions
    /// Seconds before a Docker daemon that did not answer is asked again.
    public var engineRetrySeconds = 30.0
    private var dockerEngineRetryAtNanoseconds: UInt64 = 0

    public init(options: InventoryOptions = InventoryOptions()) { self.options = options }

    /// What the runtime says about `key`; nil when it does not know it (gone already), when
    /// the runtime keeps no metadata (LXC, nspawn, plain namespaces: named by their cgroup
    /// path) or when `options.queryRuntimes` is off.
    public func metadata(for key: ContainerKey) -> RuntimeMetadata? {
        guard options.queryRuntimes else { return nil }
        switch key.runtime {
        case .docker:
            let now = Self.monotonicNanoseconds()
            let result = DockerMetadata.loadOne(
                id: key.id, socketPath: options.dockerSocket, dataRoot: options.dockerDataRoot,
                askEngine: now >= dockerEngineRetryAtNanoseconds)
            if !result.engineAnswered && now >= dockerEngineRetryAtNanoseconds {
                dockerEngineRetryAtNanoseconds = now + UInt64(engineRetrySeconds * 1e9)
            }
            return result.metadata
        case .containerd, .crio:
            return OCIBundleMetadata.load(
                containerID: key.id, taskRoot: options.containerdTaskRoot, crioStorageRoot: options.crioStorageRoot)
        case .podman:
            return PodmanMetadata.load(storagePath: options.podmanStorage)[key.id]
        default:
            return nil
        }
    }

    private static func monotonicNanoseconds() -> UInt64 { SystemClock.monotonic.nanoseconds() }
}
