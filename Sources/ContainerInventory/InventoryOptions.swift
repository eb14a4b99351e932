/// Where an inventory scan reads from, and how much it reads.
public struct InventoryOptions: Sendable {
    /// The proc filesystem ("/proc", or a fixture tree).
    public var procRoot: String = "/proc"
    /// The Docker Engine API socket.
    public var dockerSocket: String = "/var/run/docker.sock"
    /// dockerd's data root, read when the API does not answer.
    public var dockerDataRoot: String = "/var/lib/docker"
    /// containerd's running-task bundles (Kubernetes pod names live here).
    public var containerdTaskRoot: String = OCIBundleMetadata.defaultTaskRoot
    /// CRI-O's container state directory.
    public var crioStorageRoot: String = OCIBundleMetadata.defaultCRIOStorageRoot
    /// Podman's containers.json.
    public var podmanStorage: String = PodmanMetadata.defaultStoragePath
    /// Ask runtimes for names, images and labels.
    public var queryRuntimes: Bool = true
    /// Read each container's hostname from its UTS namespace (needs root).
    public var resolveHostnames: Bool = true
    /// Find each process's cgroup by walking one cgroup hierarchy (one read per cgroup)
    /// instead of reading /proc/PID/cgroup (one per process). Only used on the live /proc:
    /// a fixture proc tree has no cgroupfs beside it.
    public var indexCgroupsFromHierarchy: Bool = true
    /// Read each container's init process in full: its cgroups, NSpid, namespaces and argv[0]
    /// (about a millisecond per container). A profile of every task needs only which container
    /// each process is in and the container's name.
    public var readInitProcesses: Bool = true
    /// Keep every process in the snapshot with its NSpid chain and command line
    /// (costs a status and cmdline read per process); otherwise only container inits are read in full.
    public var includeProcesses: Bool = false

    public init() {}
}
