#if canImport(Glibc)
import Glibc
#endif

/// Counter files kept open across samples and re-read with pread(2).
///
/// On this machine kind open+read+close of a small cgroup file costs 7-11 µs of CPU and a
/// pread at offset 0 on a descriptor kept open 1-2 µs: a sampler that reopened every file
/// each second would spend most of its time in open and close. cgroupfs and procfs
/// regenerate a file's contents on every read from offset 0, so the open descriptor always
/// gives fresh values.
///
/// A removed cgroup makes reads of its open descriptors fail with ENODEV (ENOENT on some
/// kernels): the descriptor is closed and the error rethrown so the caller can forget the
/// cgroup. Files that do not exist on this kernel are remembered as absent, so an optional
/// counter costs one failed open, not one per sample.
///
/// Owns its descriptors (closed in `deinit`) and a read buffer: not thread-safe.
public final class CgroupFileCache {
    /// The buffer every read goes through.
    public let reader: KernelFileReader
    private var descriptors: [String: Int32] = [:]
    private var absentPaths: Set<String> = []

    /// Creates it with its own descriptors and buffer unless given some.
    public init(reader: KernelFileReader = KernelFileReader()) { self.reader = reader }

    deinit {
        for fd in descriptors.values { close(fd) }
    }

    /// How many descriptors are open now.
    public var openDescriptorCount: Int { descriptors.count }

    /// Passes the current contents of `path` to `body`, opening it on first use.
    ///
    /// Throws with `isCgroupRemoved` when the file or its cgroup is gone (and forgets it).
    public func withContents<Result>(
        of path: String, _ body: (UnsafeRawBufferPointer) throws(HostReadError) -> Result
    ) throws(HostReadError) -> Result {
        let fd = try descriptor(for: path)
        do {
            return try reader.withContents(ofOpenDescriptor: fd, path: path, body)
        } catch where error.isCgroupRemoved {
            close(fd)
            descriptors[path] = nil
            throw error
        }
    }

    /// Like `withContents(of:_:)`, but nil when the file does not exist while its directory
    /// does (a controller file this kernel or configuration lacks). A missing directory
    /// still throws: the cgroup is gone.
    public func withContentsIfPresent<Result>(
        of path: String, _ body: (UnsafeRawBufferPointer) throws(HostReadError) -> Result
    ) throws(HostReadError) -> Result? {
        if absentPaths.contains(path) { return nil }
        if descriptors[path] == nil {
            do {
                _ = try descriptor(for: path)
            } catch where error.isCgroupRemoved {
                guard Self.parentExists(of: path) else { throw error }
                absentPaths.insert(path)
                return nil
            }
        }
        return try withContents(of: path, body)
    }

    /// Closes every descriptor under `directory` and forgets absent files there: call it
    /// when a cgroup is removed, so a new cgroup at the same path is opened afresh.
    public func forget(directory: String) {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        for (path, fd) in descriptors where path.hasPrefix(prefix) {
            close(fd)
            descriptors[path] = nil
        }
        absentPaths = absentPaths.filter { !$0.hasPrefix(prefix) }
    }

    /// Closes every descriptor.
    public func removeAll() {
        for fd in descriptors.values { close(fd) }
        descriptors.removeAll()
        absentPaths.removeAll()
    }

    private func descriptor(for path: String) throws(HostReadError) -> Int32 {
        if let fd = descriptors[path] { return fd }
        let fd = path.withCString { openRetryingInterrupts($0) }
        guard fd >= 0 else { throw HostReadError(path: path, errno: errno) }
        descriptors[path] = fd
        return fd
    }

    private static func parentExists(of path: String) -> Bool {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return true }
        let parent = String(path[..<slash])
        return access(parent.isEmpty ? "/" : parent, F_OK) == 0
    }
}
