import Foundation

/// What a cgroup path says about the container a task is in, before any runtime API is asked.
public struct CgroupPathMatch: Sendable, Equatable {
    public var key: ContainerKey
    /// A name the path itself carries (LXC, nspawn); nil for id-only runtimes.
    public var nameFromPath: String?
    /// The Kubernetes pod UID (with dashes), when the path is under kubepods.
    public var podUID: String?
    /// The Kubernetes QoS class from the path: guaranteed, burstable or besteffort.
    public var podQoSClass: String?
}

/// Recognises container runtimes from cgroup paths (cgroupfs and systemd drivers).
///
/// The rules follow the runtimes' own path builders: Docker `/docker/<id>` or
/// `docker-<id>.scope`; Kubernetes `kubepods[.slice]/.../pod<uid>/<id>` or
/// `...-pod<uid_with_underscores>.slice/{cri-containerd,crio,docker}-<id>.scope`;
/// Podman `libpod-<id>.scope` (`libpod-conmon-*` is the monitor, a host process);
/// LXC `lxc.payload.<name>` (LXC 4+) or `/lxc/<name>`; nspawn `machine-<escaped>.scope`.
/// The innermost match wins, so Docker-in-Docker names the inner container.
public enum CgroupPathRules {
    public static func match(_ path: String) -> CgroupPathMatch? {
        let components = path.split(separator: "/")
        var result: CgroupPathMatch?
        var podUID: String?
        var qosClass: String?
        var underKubepods = false
        var previous: Substring = ""
        for component in components {
            if component.hasPrefix("kubepods") { underKubepods = true }
            // The QoS class is in a slice name with the systemd driver (kubepods-burstable.slice)
            // but a component of its own with cgroupfs (/kubepods/burstable/pod<uid>).
            if underKubepods, podUID == nil {
                for qos in ["burstable", "besteffort"] where component.contains(qos) { qosClass = qos }
            }
            if underKubepods, let uid = Self.podUID(in: component) {
                podUID = uid
                if qosClass == nil { qosClass = "guaranteed" }
            }
            if let found = matchComponent(component, previous: previous, underKubepods: underKubepods, podUID: podUID) {
                result = found
                result?.podUID = podUID
                result?.podQoSClass = podUID == nil ? nil : qosClass
            }
            previous = component
        }
        return result
    }

    private static func matchComponent(
        _ component: Substring, previous: Substring, underKubepods: Bool, podUID: String?
    ) -> CgroupPathMatch? {
        func make(_ runtime: ContainerRuntime, _ id: Substring, name: String? = nil) -> CgroupPathMatch {
            CgroupPathMatch(key: ContainerKey(runtime: runtime, id: String(id)), nameFromPath: name)
        }
        // systemd driver scopes: <prefix>-<64 hex>.scope
        if component.hasSuffix(".scope") {
            let stem = component.dropLast(".scope".count)
            for (prefix, runtime) in scopePrefixes where stem.hasPrefix(prefix) {
                let id = stem.dropFirst(prefix.count)
                if isContainerID(id) { return make(runtime, id) }
            }
            if stem.hasPrefix("machine-") {
                let name = unescapeSystemdUnitName(stem.dropFirst("machine-".count))
                return make(.systemdNspawn, Substring(name), name: name)
            }
        }
        // cgroupfs driver
        if isContainerID(component) {
            if previous == "docker" { return make(.docker, component) }
            if underKubepods, podUID != nil, previous.hasPrefix("pod") { return make(.containerd, component) }
        }
        if component.hasPrefix("libpod-"), !component.hasPrefix("libpod-conmon-") {
            let id = component.dropFirst("libpod-".count)
            if isContainerID(id) { return make(.podman, id) }
        }
        if component.hasPrefix("lxc.payload.") {
            let name = String(component.dropFirst("lxc.payload.".count))
            return make(.lxc, Substring(name), name: name)
        }
        if previous == "lxc", !component.hasPrefix("lxc.monitor") {
            return make(.lxc, component, name: String(component))
        }
        return nil
    }

    private static let scopePrefixes: [(String, ContainerRuntime)] = [
        ("docker-", .docker),
        ("cri-containerd-", .containerd),
        ("crio-", .crio),
        ("libpod-", .podman),
        ("nerdctl-", .containerd)
    ]

    /// Runtime container ids are 64 lowercase hex digits.
    static func isContainerID(_ text: Substring) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// `pod<uid>` (cgroupfs) or `kubepods-<qos>-pod<uid_with_underscores>.slice` (systemd).
    static func podUID(in component: Substring) -> String? {
        guard let range = component.range(of: "pod", options: .backwards) else { return nil }
        var uid = component[range.upperBound...]
        if uid.hasSuffix(".slice") { uid = uid.dropLast(".slice".count) }
        let normalized = uid.replacingOccurrences(of: "_", with: "-")
        guard normalized.count == 36, normalized.split(separator: "-").count == 5 else { return nil }
        return normalized
    }

    /// Undoes systemd's unit-name escaping (`\x2d` for '-', and so on).
    static func unescapeSystemdUnitName(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var rest = Array(text.utf8)[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "\\"), rest.count >= 3, rest.first == UInt8(ascii: "x"),
                let value = UInt8(String(decoding: rest.dropFirst().prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                rest = rest.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
