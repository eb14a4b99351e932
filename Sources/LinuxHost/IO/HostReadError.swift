/// A failed read of a kernel file, with the path and what went wrong.
///
/// Processes vanish between listing /proc and reading their files; callers test
/// `isVanished` to skip them quietly rather than warn.
public struct HostReadError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this was.
    public enum Kind: Sendable, Equatable {
        /// A system call failed with this errno.
        case system(errno: Int32)
        /// The file was read but its contents did not parse.
        case malformed(reason: String)
    }

    /// The file that was being read.
    public let path: String
    /// The failure.
    public let kind: Kind

    public init(path: String, errno: Int32) {
        self.path = path
        self.kind = .system(errno: errno)
    }

    /// A system call's failure on `path`.
    public init(path: String, _ error: Errno) {
        self.init(path: path, errno: error.rawValue)
    }

    public init(path: String, malformed reason: String) {
        self.path = path
        self.kind = .malformed(reason: reason)
    }

    /// True when the process or file is gone (ENOENT, ESRCH): normal for short-lived tasks.
    public var isVanished: Bool {
        if case .system(let code) = kind { return Errno(rawValue: code).isVanished }
        return false
    }

    /// True when the kernel refused access (EACCES, EPERM).
    public var isPermissionDenied: Bool {
        if case .system(let code) = kind { return Errno(rawValue: code).isPermissionDenied }
        return false
    }

    public var description: String {
        switch kind {
        case .system(let code):
            let message = Errno(rawValue: code).description
            if Errno(rawValue: code).isPermissionDenied {
                return "\(path): \(message) (run as root, or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH)"
            }
            return "\(path): \(message)"
        case .malformed(let reason):
            return "\(path): malformed: \(reason)"
        }
    }
}
