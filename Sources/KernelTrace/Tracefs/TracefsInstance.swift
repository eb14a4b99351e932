#if canImport(Glibc)
import Glibc
#endif

import LinuxHost

/// A private tracefs instance (`instances/periscope-<pid>`): its own ring buffers, clock,
/// event enables and PID filter, so Periscope never touches the global trace or another
/// tool's session. Owns the directory: `remove()` deletes it and with it every setting.
public final class TracefsInstance {
    public let tracefs: Tracefs
    public let name: String
    /// The instance as a Tracefs rooted at its directory (same file names as the top level).
    public let files: Tracefs
    private var removed = false

    /// The prefix of every instance Periscope creates; the suffix is the creating PID.
    public static let namePrefix = "periscope-"

    /// Creates `instances/periscope-<our pid>` after removing stale instances of dead runs.
    public init(tracefs: Tracefs, name: String = "\(TracefsInstance.namePrefix)\(getpid())") throws(TracefsError) {
        self.tracefs = tracefs
        self.name = name
        self.files = Tracefs(root: tracefs.path("instances/\(name)"))
        _ = Self.removeStaleInstances(tracefs: tracefs)
        if mkdir(files.root, 0o755) != 0 {
            let code = errno
            if code == EEXIST {
                // Our own PID's name: a previous run in this very process, or a reused PID.
                try Self.removeDirectory(files.root)
                if mkdir(files.root, 0o755) != 0 {
                    throw TracefsError(path: files.root, operation: "create instance", errno: errno)
                }
            } else {
                throw TracefsError(path: files.root, operation: "create instance", errno: code)
            }
        }
    }

    deinit { try? remove() }

    /// Stops tracing and deletes the instance. Idempotent. Readers of its per-CPU files must
    /// be closed first, or the kernel answers EBUSY (retried briefly).
    public func remove() throws(TracefsError) {
        guard !removed else { return }
        try? files.write("tracing_on", "0")
        try Self.removeDirectory(files.root)
        removed = true
    }

    /// Removes `instances/periscope-<pid>` whose PID no longer runs a Periscope: what a
    /// killed run (SIGKILL, a crash, a power cut of the VM) left behind. Returns their names.
    @discardableResult
    public static func removeStaleInstances(tracefs: Tracefs, procRoot: String = "/proc") -> [String] {
        guard let names = DirectoryEntries.names(in: tracefs.path("instances"))?.filter({ $0.hasPrefix(namePrefix) })
        else { return [] }
        var removedNames: [String] = []
        for name in names {
            guard let pid = Int32(name.dropFirst(namePrefix.count)), !isLivePeriscope(pid: pid, procRoot: procRoot),
                pid != getpid()
            else { continue }
            if (try? removeDirectory(tracefs.path("instances/\(name)"))) != nil { removedNames.append(name) }
        }
        return removedNames
    }

    /// True when `pid` runs and its command is periscope (a reused PID is not ours).
    static func isLivePeriscope(pid: Int32, procRoot: String = "/proc") -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let comm = try? Tracefs.readFile("\(procRoot)/\(pid)/comm") else { return false }
        return String(decoding: comm, as: UTF8.self).hasPrefix("periscope")
    }

    private static func removeDirectory(_ path: String) throws(TracefsError) {
        for attempt in 0..<50 {
            if rmdir(path) == 0 || errno == ENOENT { return }
            // EBUSY: a reader (or a splice pipe holding a page) is still closing.
            guard errno == EBUSY, attempt < 49 else { break }
            usleep(20_000)
        }
        throw TracefsError(path: path, operation: "remove instance", errno: errno)
    }
}
