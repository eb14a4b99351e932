#if canImport(Glibc)
import Glibc
#endif

/// The errno of a failed system call, as a value: what every wrapper of `SystemCall` throws
/// and every error type of Periscope carries (swift-system's `Errno`, without its catalogue).
public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    /// The C value (`ENOENT`, `EINTR`, ...).
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's errno now: read it right after the failed call, before anything
    /// else can overwrite it.
    public static var current: Errno { Errno(rawValue: errno) }

    /// The C library's message (`strerror`), e.g. "No such file or directory".
    public var description: String { String(cString: strerror(rawValue)) }

    /// The process or file is gone (ENOENT, ESRCH): normal for short-lived tasks.
    public var isVanished: Bool { rawValue == ENOENT || rawValue == ESRCH }

    /// The kernel refused access (EACCES, EPERM).
    public var isPermissionDenied: Bool { rawValue == EACCES || rawValue == EPERM }

    /// Nothing to read or write now on a non-blocking descriptor (EAGAIN, EWOULDBLOCK).
    public var isWouldBlock: Bool { rawValue == EAGAIN || rawValue == EWOULDBLOCK }
}
