/// A kind of Linux namespace, named as in /proc/PID/ns/.
public enum NamespaceKind: String, CaseIterable, Sendable, Codable, Hashable, Comparable {
    case cgroup
    case ipc
    case mnt
    case net
    case pid
    /// The PID namespace the task's future children get; differs from `pid` right after
    /// `unshare --pid`, so never use it to identify where a task lives.
    case pidForChildren = "pid_for_children"
    case time
    case timeForChildren = "time_for_children"
    case user
    case uts

    /// The kinds a container is made of, in the column order of dockerpsns.sh ("Container Performance Analysis", DockerCon 2017, slide 30).
    public static let containerKinds: [NamespaceKind] = [.cgroup, .ipc, .mnt, .net, .pid, .user, .uts]

    /// The kinds `setns(2)` can join (the *_for_children links are not namespaces of their own).
    public static let joinable: [NamespaceKind] = [.cgroup, .ipc, .mnt, .net, .pid, .time, .user, .uts]

    var slot: Int { NamespaceKind.allCases.firstIndex(of: self)! }

    public static func < (lhs: NamespaceKind, rhs: NamespaceKind) -> Bool { lhs.slot < rhs.slot }
}
