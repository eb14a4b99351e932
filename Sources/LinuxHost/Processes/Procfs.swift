#if canImport(Glibc)
import Glibc
#endif

/// Reads processes and threads from a proc filesystem rooted at `root` ("/proc" on a live
/// host, a fixture directory in tests).
///
/// Every method throws `HostReadError`; test `isVanished` to skip tasks that exited
/// between listing and reading. Holds one reusable buffer: not thread-safe.
public final class Procfs {
    public let root: String
    public let reader: KernelFileReader

    public init(root: String = "/proc", reader: KernelFileReader = KernelFileReader()) {
        self.root = root
        self.reader = reader
    }

    /// The path of a file of a task: ROOT/PID/FILE or ROOT/PID/task/TID/FILE.
    public func path(_ task: TaskID, _ file: String) -> String {
        "\(root)/\(task.procfsComponent)/\(file)"
    }

    /// All process ids currently listed, ascending.
    public func processIDs() throws(HostReadError) -> [Int32] {
        try numericEntries(of: root)
    }

    /// The thread ids of a process, ascending (the main thread included).
    public func threadIDs(of pid: Int32) throws(HostReadError) -> [Int32] {
        try numericEntries(of: "\(root)/\(pid)/task")
    }

    public func stat(_ task: TaskID) throws(HostReadError) -> ProcessStat {
        let path = path(task, "stat")
        return try reader.withContents(of: path) { bytes throws(HostReadError) in
            try ProcessStat.parse(bytes, path: path)
        }
    }

    public func status(_ task: TaskID) throws(HostReadError) -> ProcessStatus {
        let path = path(task, "status")
        return try reader.withContents(of: path) { bytes throws(HostReadError) in
            try ProcessStatus.parse(bytes, path: path)
        }
    }

    public func cgroups(_ task: TaskID) throws(HostReadError) -> ProcessCgroups {
        let path = path(task, "cgroup")
        return try reader.withContents(of: path) { bytes throws(HostReadError) in
            try ProcessCgroups.parse(bytes, path: path)
        }
    }

    /// The command line, split at NUL bytes. Empty for kernel threads and zombies.
    public func commandLine(_ task: TaskID) throws(HostReadError) -> [String] {
        try reader.withContents(of: path(task, "cmdline")) { bytes in
            if bytes.isEmpty { return [] }
            return bytes.split(separator: 0, omittingEmptySubsequences: false)
                .dropLast(bytes.last == 0 ? 1 : 0)
                .map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// The command name from /proc/PID/comm (without the trailing newline).
    public func comm(_ task: TaskID) throws(HostReadError) -> String {
        try reader.withContents(of: path(task, "comm")) { bytes in
            let end = bytes.last == .newline ? bytes.count - 1 : bytes.count
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
        }
    }

    /// The inode of one namespace of a task.
    public func namespaceInode(_ task: TaskID, _ kind: NamespaceKind) throws(HostReadError) -> UInt64 {
        let path = path(task, "ns/\(kind.rawValue)")
        return try reader.withLinkTarget(of: path) { bytes throws(HostReadError) in
            guard let inode = NamespaceSet.parseLinkTarget(bytes) else {
                throw HostReadError(path: path, malformed: "not a namespace link")
            }
            return inode
        }
    }

    /// The namespace inodes of a task for `kinds`. Kinds the kernel lacks (ENOENT on a
    /// link while the task's ns directory exists) are left out; a vanished task throws.
    public func namespaces(
        _ task: TaskID, kinds: [NamespaceKind] = NamespaceKind.allCases
    ) throws(HostReadError) -> NamespaceSet {
        var set = NamespaceSet()
        var firstMissing: HostReadError?
        for kind in kinds {
            do {
                set[kind] = try namespaceInode(task, kind)
            } catch  where error.isVanished {
                if firstMissing == nil { firstMissing = error }
            }
        }
        if set.isEmpty, let firstMissing { throw firstMissing }
        return set
    }

    private func numericEntries(of directory: String) throws(HostReadError) -> [Int32] {
        guard let handle = opendir(directory) else { throw HostReadError(path: directory, errno: errno) }
        defer { closedir(handle) }
        var ids: [Int32] = []
        ids.reserveCapacity(512)
        while let entry = readdir(handle) {
            let id: Int32? = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                var value: Int32 = 0
                var index = 0
                while index < raw.count, raw[index] != 0 {
                    let digit = raw[index] &- UInt8(ascii: "0")
                    guard digit < 10, value < Int32.max / 10 else { return nil }
                    value = value * 10 + Int32(digit)
                    index += 1
                }
                return index > 0 ? value : nil
            }
            if let id { ids.append(id) }
        }
        ids.sort()
        return ids
    }
}

extension Procfs {
    /// True when ROOT/PID exists (the process has not exited).
    public func processExists(_ pid: Int32) -> Bool {
        access("\(root)/\(pid)", F_OK) == 0
    }
}
