#if canImport(Glibc)
import Glibc
#endif

/// A PID namespace as `bpf_get_ns_current_pid_tgid` names it: the device and inode of its
/// nsfs file (`stat /proc/PID/ns/pid`).
package struct PIDNamespaceIdentity: Sendable, Hashable {
    /// `st_dev` of the nsfs file (the kernel compares it with the namespace's device).
    package var device: UInt64
    package var inode: UInt64

    package init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// The PID namespace process `pid` lives in (`ns/pid`, not `pid_for_children`); nil when
    /// the process is gone or the link cannot be read.
    package static func of(pid: Int32, procRoot: String = "/proc") -> PIDNamespaceIdentity? {
        var info = stat()
        guard stat("\(procRoot)/\(pid)/ns/pid", &info) == 0 else { return nil }
        return PIDNamespaceIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
