#if canImport(Glibc)
import Glibc
#endif

/// A failed read of a profiling input (a `perf script` capture or a folded-stacks file).
public struct ProfilingInputError: Error, Sendable, CustomStringConvertible {
    /// The file that was being read, or `-` for standard input.
    public let path: String
    /// The errno of the failed `open` or `read`.
    public let errno: Int32

    public init(path: String, errno: Int32) {
        self.path = path
        self.errno = errno
    }

    public var description: String {
        let name = path == "-" ? "standard input" : path
        return "\(name): \(String(cString: strerror(errno)))"
    }
}
