#if canImport(Glibc)
import Glibc
#endif

/// A failed read of a profiling input (a `perf script` capture or a folded-stacks file): a
/// system call that failed, or a line whose content cannot be used.
package struct ProfilingInputError: Error, Sendable, CustomStringConvertible {
    /// The file that was being read, or `-` for standard input.
    package let path: String
    /// The errno of the failed `open` or `read`; 0 for bad content.
    package let errno: Int32
    /// For bad content: the 1-based line and what is wrong with it.
    package let line: Int?
    package let reason: String?

    package init(path: String, errno: Int32) {
        self.path = path
        self.errno = errno
        self.line = nil
        self.reason = nil
    }

    package init(path: String, line: Int, reason: String) {
        self.path = path
        self.errno = 0
        self.line = line
        self.reason = reason
    }

    package var description: String {
        let name = path == "-" ? "standard input" : path
        if let reason { return "\(name) line \(line ?? 0): \(reason)" }
        return "\(name): \(String(cString: strerror(errno)))"
    }
}
