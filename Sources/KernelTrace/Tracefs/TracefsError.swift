#if canImport(Glibc)
import Glibc
#endif

/// A failed tracefs operation, with the file and errno, and a fix when the user can apply one.
public struct TracefsError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let errno: Int32?
    public let detail: String?

    public init(path: String, operation: String, errno: Int32? = nil, detail: String? = nil) {
        self.path = path
        self.operation = operation
        self.errno = errno
        self.detail = detail
    }

    public var description: String {
        var text = "cannot \(operation) \(path)"
        if let errno { text += ": \(String(cString: strerror(errno)))" }
        if let detail { text += " (\(detail))" }
        if errno == EACCES || errno == EPERM { text += "; tracing needs root (or CAP_SYS_ADMIN and access to tracefs)" }
        return text
    }
}
