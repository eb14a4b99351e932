#if canImport(Glibc)
import Glibc
#endif

/// Which cgroup each process is in, read per cgroup instead of per process.
///
/// Walking one hierarchy and reading each directory's `cgroup.procs` costs one read per
/// cgroup, where `/proc/PID/cgroup` costs one per process (and lists every hierarchy).
/// A host has far fewer cgroups than processes, so an inventory scan uses this index and
/// falls back to `/proc/PID/cgroup` only for processes that started after the walk.
public struct CgroupTreeIndex: Sendable {
    /// Cgroup path (relative to the hierarchy root, "/" for the root) of each listed PID.
    public private(set) var pathByPID: [Int32: String] = [:]
    /// Every cgroup path walked, parents before their children (the tree `top` can show).
    public private(set) var cgroupPaths: [String] = []
    /// How many cgroup directories were read.
    public var cgroupCount: Int { cgroupPaths.count }

    /// Walks the hierarchy mounted at `mountPoint`, whose root cgroup is `mountRoot`
    /// (from mountinfo; "/" outside a cgroup namespace). Unreadable sub-trees (removed while
    /// walking) are skipped; an unreadable mount point throws.
    public static func build(
        mountPoint: String, mountRoot: String = "/", reader: KernelFileReader = KernelFileReader(),
        maximumDepth: Int = 32
    ) throws(HostReadError) -> CgroupTreeIndex {
        var index = CgroupTreeIndex()
        guard let root = opendir(mountPoint) else { throw HostReadError(path: mountPoint, errno: errno) }
        closedir(root)
        let prefix = mountRoot == "/" ? "" : mountRoot
        index.walk(
            directory: mountPoint, cgroupPath: prefix.isEmpty ? "/" : prefix, reader: reader, depthLeft: maximumDepth)
        return index
    }

    private mutating func walk(directory: String, cgroupPath: String, reader: KernelFileReader, depthLeft: Int) {
        cgroupPaths.append(cgroupPath)
        _ = try? reader.withContents(of: directory + "/cgroup.procs") { bytes in
            var scanner = ByteScanner(bytes)
            while let pid = scanner.readUInt64() {
                // v1 lets a process's threads sit in different cgroups: the first one listed wins.
                if pathByPID[Int32(truncatingIfNeeded: pid)] == nil {
                    pathByPID[Int32(truncatingIfNeeded: pid)] = cgroupPath
                }
                scanner.skipLine()
            }
        }
        guard depthLeft > 0, let children = DirectoryEntries.names(in: directory, .directories) else { return }
        for child in children {
            let childPath = cgroupPath == "/" ? "/" + child : cgroupPath + "/" + child
            walk(directory: directory + "/" + child, cgroupPath: childPath, reader: reader, depthLeft: depthLeft - 1)
        }
    }
}

extension CgroupLayout {
    /// The hierarchy whose paths best name containers: v2 on a unified host; otherwise
    /// `name=systemd` (systemd and every runtime write it), else the memory, pids or cpu
    /// controller's, else v2.
    public var identityHierarchy: Hierarchy? {
        if mode == .unified { return unified }
        for controller in ["name=systemd", "memory", "pids", "cpu"] {
            if let v1 = hierarchies.first(where: { $0.controllers.contains(controller) }) { return v1 }
        }
        return unified ?? hierarchies.first
    }
}
