#if canImport(Glibc)
import Glibc
#endif
import CLinuxSupport

/// Runs a command inside another process's namespaces, as nsenter(1) does.
///
/// The namespace files are opened here (so permission problems surface before any fork);
/// joining and exec happen in a child (see `periscope_enter_exec`) because a multi-threaded
/// process cannot join a mount namespace itself.
public struct NamespaceEntry {
    /// A failure to enter, in words a user can act on.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        /// The exit status to leave with: 127 for a command not found and 126 for one found
        /// but not runnable, as nsenter and shells do; 1 for a failure to enter.
        public var exitStatus: Int32 = 1
    }

    public let targetPID: Int32
    /// The kinds to join, skipping those the target already shares with us.
    public let kinds: [NamespaceKind]
    public let procRoot: String

    /// setns order: user first (it grants the capabilities for the rest), mount last
    /// (after it, paths resolve inside the container).
    static let joinOrder: [NamespaceKind] = [.user, .cgroup, .ipc, .uts, .net, .pid, .time, .mnt]

    public init(targetPID: Int32, kinds: [NamespaceKind], procRoot: String = "/proc") {
        self.targetPID = targetPID
        self.kinds = Self.joinOrder.filter { kinds.contains($0) }
        self.procRoot = procRoot
    }

    /// Runs `command` and returns its exit status (128+N when killed by signal N).
    public func run(_ command: [String]) throws(Failure) -> Int32 {
        precondition(!command.isEmpty, "command must not be empty")
        let procfs = Procfs(root: procRoot)
        var fds: [Int32] = []
        var types: [Int32] = []
        var joined: [NamespaceKind] = []
        defer { for fd in fds { close(fd) } }
        for kind in kinds {
            let theirs: UInt64
            do {
                theirs = try procfs.namespaceInode(TaskID(pid: targetPID), kind)
            } catch {
                if error.isVanished, kind == kinds.first {
                    throw Failure(description: "PID \(targetPID) does not exist (it may have exited)")
                }
                if error.isPermissionDenied { throw Self.permissionFailure(targetPID) }
                continue  // the kernel lacks this namespace kind
            }
            // Joining a namespace we are already in is pointless, and for user namespaces an error.
            if let ours = try? procfs.namespaceInode(TaskID(pid: getpid()), kind), ours == theirs { continue }
            let path = "\(procRoot)/\(targetPID)/ns/\(kind.rawValue)"
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 {
                if errno == EACCES || errno == EPERM { throw Self.permissionFailure(targetPID) }
                throw Failure(description: "\(path): \(String(cString: strerror(errno)))")
            }
            fds.append(fd)
            types.append(Self.cloneFlag(kind))
            joined.append(kind)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let result = periscope_enter_exec(fds, types, Int32(fds.count), joined.contains(.pid) ? 1 : 0, &argv)
        switch Int(result.step) {
        case Int(PERISCOPE_ENTER_OK.rawValue):
            let status = result.wait_status
            if status & 0x7f == 0 { return (status >> 8) & 0xff }
            return 128 + (status & 0x7f)
        case Int(PERISCOPE_ENTER_SETNS.rawValue):
            let kind = joined[Int(result.failed_ns)]
            if result.error_number == EPERM { throw Self.permissionFailure(targetPID) }
            throw Failure(
                description:
                    "joining the \(kind.rawValue) namespace of PID \(targetPID) failed: \(String(cString: strerror(result.error_number)))"
            )
        case Int(PERISCOPE_ENTER_EXEC.rawValue):
            let reason =
                result.error_number == ENOENT
                ? "not found in the container's PATH" : String(cString: strerror(result.error_number))
            throw Failure(
                description: "cannot run '\(command[0])' inside PID \(targetPID)'s namespaces: \(reason)",
                exitStatus: result.error_number == ENOENT ? 127 : 126)
        default:
            throw Failure(description: "could not start the command: \(String(cString: strerror(result.error_number)))")
        }
    }

    static func permissionFailure(_ pid: Int32) -> Failure {
        Failure(
            description:
                "entering the namespaces of PID \(pid) needs root (CAP_SYS_ADMIN and CAP_SYS_PTRACE); re-run with sudo")
    }

    static func cloneFlag(_ kind: NamespaceKind) -> Int32 {
        switch kind {
        case .cgroup: return periscope_clone_newcgroup
        case .ipc: return periscope_clone_newipc
        case .mnt: return periscope_clone_newns
        case .net: return periscope_clone_newnet
        case .pid, .pidForChildren: return periscope_clone_newpid
        case .time, .timeForChildren: return periscope_clone_newtime
        case .user: return periscope_clone_newuser
        case .uts: return periscope_clone_newuts
        }
    }
}
