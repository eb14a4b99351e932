import LinuxHost

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

    /// A failed read through LinuxHost's file reader: its errno, or why the bytes were refused.
    init(reading error: HostReadError) {
        switch error.kind {
        case .system(let code): self.init(path: error.path, operation: "read", errno: code)
        case .malformed(let reason): self.init(path: error.path, operation: "read", detail: reason)
        }
    }

    public var description: String {
        var text = "cannot \(operation) \(path)"
        if let errno { text += ": \(Errno(rawValue: errno))" }
        if let detail { text += " (\(detail))" }
        if let errno, Errno(rawValue: errno).isPermissionDenied {
            text += "; tracing needs root (or CAP_SYS_ADMIN and access to tracefs)"
        }
        return text
    }
}
