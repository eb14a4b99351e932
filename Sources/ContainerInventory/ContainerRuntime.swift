/// The software that made a container, as recognised from its cgroup path or namespaces.
public enum ContainerRuntime: String, Sendable, Codable, Hashable, CaseIterable {
    /// Not a container: the host itself.
    case host
    case docker
    case containerd
    case crio = "cri-o"
    case podman
    case lxc
    case systemdNspawn = "systemd-nspawn"
    /// A task in a non-root PID namespace that no runtime rule matched (e.g. `unshare`),
    /// keyed by that namespace, as LTTng's container statedump does.
    case pidNamespace = "pid-namespace"
    /// Not a runtime: the cgroup Periscope itself runs in, seen from inside a container
    /// (`periscope inside`), keyed `self:cgroup`.
    case ownCgroup = "self"
}

/// Identifies one container: its runtime plus the runtime's id (the full Docker id,
/// an LXC name, or `pidns-INODE` for an unnamed namespace). Coded as its text form
/// `runtime:id` (ContainerKey+Codable.swift), as windows and reports always stored it.
public struct ContainerKey: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let runtime: ContainerRuntime
    public let id: String

    public init(runtime: ContainerRuntime, id: String) {
        self.runtime = runtime
        self.id = id
    }

    /// The host pseudo-container.
    public static let host = ContainerKey(runtime: .host, id: "host")

    public var isHost: Bool { runtime == .host }

    /// The own cgroup of `periscope inside`.
    public static let ownCgroup = ContainerKey(runtime: .ownCgroup, id: "cgroup")

    /// The 12-character id users know from `docker ps` (other runtimes' ids stay whole).
    public var shortID: String {
        switch runtime {
        case .docker, .containerd, .crio, .podman: return String(id.prefix(12))
        default: return id
        }
    }

    public var description: String { "\(runtime.rawValue):\(id)" }

    public static func < (lhs: ContainerKey, rhs: ContainerKey) -> Bool {
        (lhs.runtime.rawValue, lhs.id) < (rhs.runtime.rawValue, rhs.id)
    }
}
