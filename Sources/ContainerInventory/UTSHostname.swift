#if canImport(Glibc)
import Glibc
#endif
import CLinuxSupport

/// The hostname a process sees: the nodename of its UTS namespace, what
/// `nsenter -t PID -u hostname` prints.
public enum UTSHostname {
    /// Nil when the namespace cannot be joined (not root) or the process is gone.
    public static func read(procRoot: String = "/proc", pid: Int32) -> String? {
        let fd = open("\(procRoot)/\(pid)/ns/uts", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [CChar](repeating: 0, count: 72)
        let result = buffer.withUnsafeMutableBufferPointer { periscope_uts_hostname(fd, $0.baseAddress, $0.count) }
        guard result == 0 else { return nil }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
