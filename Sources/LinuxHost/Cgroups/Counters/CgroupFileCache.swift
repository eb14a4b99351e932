#if canImport(Glibc)
import Glibc
#endif
import Synchronization

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
/// The descriptors are bounded: a cache never holds more than `capacity`, and all caches of
/// the process together stay under half of the open-file limit (RLIMIT_NOFILE), so churn or
/// a host with thousands of cgroups costs reopening files, never EMFILE. At the bound the
/// least recently read quarter is closed.
///
/// Owns its descriptors (closed in `deinit`) and a read buffer: not thread-safe (the count
/// shared by all caches is atomic).
public final class CgroupFileCache {
    private struct Entry {
        var fd: Int32
        var lastUse: UInt64
    }

    /// The buffer every read goes through.
    public let reader: KernelFileReader
    /// The most descriptors this cache keeps open.
    public let capacity: Int
    private var descriptors: [String: Entry] = [:]
    private var absentPaths: Set<String> = []
    private var useClock: UInt64 = 0

    /// Descriptors held by every cache of the process.
    private static let processWideCount = Atomic<Int>(0)

    /// Creates it with its own descriptors and buffer unless given some.
    public init(reader: KernelFileReader = KernelFileReader(), capacity: Int = .max) {
        self.reader = reader
        self.capacity = max(1, capacity)
    }

    deinit {
        for entry in descriptors.values { close(entry.fd) }
        Self.processWideCount.subtract(descriptors.count, ordering: .relaxed)
    }

    /// Descriptors all caches of the process may hold together: half the soft open-file
    /// limit, read at each open (the CLI raises the limit at start), leaving the rest for
    /// the scan's transient opens, perf and tracefs descriptors and sockets.
    public static var processWideBudget: Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 512 }
        let soft = UInt64(limit.rlim_cur)  // RLIM_INFINITY is UInt64.max: capped below
        return max(16, Int(min(soft, 1 << 30) / 2))
    }

    /// Descriptors held by every cache of the process now.
    public static var processWideDescriptorCount: Int { processWideCount.load(ordering: .relaxed) }

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
        } catch  where error.isCgroupRemoved {
            closeDescriptor(path)
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
            } catch  where error.isCgroupRemoved {
                guard Self.parentExists(of: path) else { throw error }
                // Bounded too: cgroups that vanish unforgotten must not grow it forever.
                if absentPaths.count >= 4096 { absentPaths.removeAll(keepingCapacity: true) }
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
        for path in descriptors.keys where path.hasPrefix(prefix) { closeDescriptor(path) }
        absentPaths = absentPaths.filter { !$0.hasPrefix(prefix) }
    }

    /// Closes every descriptor.
    public func removeAll() {
        for entry in descriptors.values { close(entry.fd) }
        Self.processWideCount.subtract(descriptors.count, ordering: .relaxed)
        descriptors.removeAll()
        absentPaths.removeAll()
    }

    private func descriptor(for path: String) throws(HostReadError) -> Int32 {
        useClock &+= 1
        if let index = descriptors.index(forKey: path) {
            descriptors.values[index].lastUse = useClock
            return descriptors.values[index].fd
        }
        if descriptors.count >= capacity || Self.processWideDescriptorCount >= Self.processWideBudget {
            evictLeastRecentlyUsed()
        }
        let fd = try KernelFileReader.openForReading(path)
        descriptors[path] = Entry(fd: fd, lastUse: useClock)
        Self.processWideCount.add(1, ordering: .relaxed)
        return fd
    }

    /// Closes the least recently read quarter (at least one): evicting in batches keeps the
    /// sort off the path of every open once the bound is reached.
    private func evictLeastRecentlyUsed() {
        guard !descriptors.isEmpty else { return }
        let oldest = descriptors.sorted { $0.value.lastUse < $1.value.lastUse }.prefix(max(1, descriptors.count / 4))
        for (path, _) in oldest { closeDescriptor(path) }
    }

    private func closeDescriptor(_ path: String) {
        guard let entry = descriptors.removeValue(forKey: path) else { return }
        close(entry.fd)
        Self.processWideCount.subtract(1, ordering: .relaxed)
    }

    private static func parentExists(of path: String) -> Bool {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return true }
        let parent = String(path[..<slash])
        return access(parent.isEmpty ? "/" : parent, F_OK) == 0
    }
}
