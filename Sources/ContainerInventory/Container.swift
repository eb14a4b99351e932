import LinuxHost

/// The Kubernetes pod a container belongs to.
public struct PodIdentity: Sendable, Equatable, Codable {
    public var uid: String
    public var name: String?
    public var namespace: String?
    /// guaranteed, burstable or besteffort, from the cgroup path.
    public var qosClass: String?
    /// The container's name within the pod.
    public var containerName: String?
}

/// One container (or the host) as the inventory sees it.
public struct Container: Sendable, Codable, Identifiable {
    // Coding lives in Container+Codable.swift (flattened key).
    public var key: ContainerKey
    public var id: String { key.id }
    public var runtime: ContainerRuntime { key.runtime }
    /// The runtime's name for it (Docker name, LXC name, `pod/container`); nil if unknown.
    public var name: String?
    public var image: String?
    public var labels: [String: String]
    public var pod: PodIdentity?
    /// The first process of the container, as a host PID.
    public var initPID: Int32?
    /// That process's PID inside the container's own PID namespace (1 for a normal init).
    public var initPIDInContainer: Int32?
    /// The init process's command (argv[0], or comm for kernel threads).
    public var initCommand: String?
    /// The init process's namespaces.
    public var namespaces: NamespaceSet
    /// The namespace kinds whose inode equals the host's (PID 1's): not isolated.
    public var namespacesSharedWithHost: [NamespaceKind]
    /// The init process's cgroup memberships, one per hierarchy.
    public var cgroups: ProcessCgroups?
    /// The cgroup path the runtime was recognised from.
    public var cgroupPath: String?
    /// The hostname of the container's UTS namespace.
    public var hostname: String?
    /// Docker's network mode, when known (`host` means the host's network namespace).
    public var networkMode: String?
    public var processCount: Int
    /// Where name, image and labels came from.
    public var metadataSource: MetadataSource

    /// The 12-character id users know from `docker ps`.
    public var shortID: String { key.shortID }

    /// The name to show: the runtime's name, or a description of what it is: "(unnamed)"
    /// for a bare PID namespace, "(unknown)" when a runtime's metadata was unreadable.
    public var displayName: String {
        if let name { return name }
        switch runtime {
        case .host: return "host"
        case .pidNamespace: return "(unnamed)"
        default: return "(unknown)"
        }
    }
}

/// One process and the container it belongs to.
public struct InventoryProcess: Sendable, Codable {
    public var pid: Int32
    public var startTimeTicks: UInt64
    public var parentPID: Int32
    public var comm: String
    public var state: ProcessState
    public var container: ContainerKey
    /// The PID namespace inode the process lives in.
    public var pidNamespace: UInt64?
    /// Its PID at each namespace level, host first (from NSpid); only with process details.
    public var namespacePIDs: [Int32]?
    /// Its command line; only with process details.
    public var commandLine: [String]?
    public var userTimeTicks: UInt64
    public var systemTimeTicks: UInt64

    public var identity: ProcessIdentity { ProcessIdentity(pid: pid, startTimeTicks: startTimeTicks) }
    /// The PID the process has inside its own PID namespace.
    public var pidInContainer: Int32? { namespacePIDs?.last }
}

/// A problem with one process or source during a scan; the scan goes on.
public struct InventoryWarning: Sendable, Codable, CustomStringConvertible {
    public var pid: Int32?
    public var message: String
    /// Minor warnings (nothing the user can change) are shown only with --verbose.
    public var isMinor: Bool = false
    public var description: String { pid.map { "pid \($0): \(message)" } ?? message }
}

/// Everything one inventory scan found.
public struct InventorySnapshot: Sendable, Codable {
    public var hostname: String
    public var kernelRelease: String
    public var cgroupMode: CgroupLayout.Mode
    /// The host pseudo-container (PID 1's namespaces and cgroups).
    public var host: Container
    /// Real containers, sorted by runtime then name.
    public var containers: [Container]
    /// Every process seen, by PID; NSpid chains and command lines only with `includeProcesses`.
    public var processes: [InventoryProcess]
    /// Processes that exited while being read: normal, counted, not warned about.
    public var vanishedProcessCount: Int
    public var scannedProcessCount: Int
    public var warnings: [InventoryWarning]

    /// The host row followed by the containers.
    public var hostAndContainers: [Container] { [host] + containers }

    public func container(_ key: ContainerKey) -> Container? {
        key.isHost ? host : containers.first { $0.key == key }
    }
}
