#if canImport(Glibc)
import Glibc
#endif

/// Cgroup paths seen from a private cgroup namespace, put back in the host's view.
///
/// Inside a cgroup namespace the kernel shows `/proc/PID/cgroup` and the roots of cgroup
/// mounts relative to the namespace's root: the reader's own cgroup is "/", the host's root is
/// "/../..". Periscope run from a container with the host's PID namespace and
/// `--cgroupns=private` would otherwise take its own container for the host's root cgroup.
/// The namespace root is found by looking for the reader's own PID in the host's tree, which
/// the container must mount (`-v /sys:/sys` or `-v /sys/fs/cgroup:/sys/fs/cgroup`).
extension CgroupLayout {
    /// The inode of the initial cgroup namespace (`PROC_CGROUP_INIT_INO` in the kernel).
    public static let initialCgroupNamespaceInode: UInt64 = 0xEFFF_FFFB

    /// Whether every hierarchy's paths are in the host's view, or some stay relative to a
    /// private cgroup namespace whose place in the host could not be found.
    public var isNamespaceRootUnknown: Bool { hierarchies.contains { $0.namespaceRoot == nil } }

    /// The layout with each hierarchy's `namespaceRoot` found and its `mountRoot` in the host's
    /// view. Outside a cgroup namespace (the `PROC/self/ns/cgroup` link is the initial one,
    /// or unreadable on a fixture tree whose mount roots are plain) it is returned unchanged.
    public func resolvingCgroupNamespace(
        procRoot: String = "/proc", ownPID: Int32 = getpid(), reader: KernelFileReader = KernelFileReader()
    ) -> CgroupLayout {
        let inode = try? reader.withLinkTarget(of: "\(procRoot)/self/ns/cgroup") { NamespaceSet.parseLinkTarget($0) }
        let isPrivate = (inode ?? nil).map { $0 != Self.initialCgroupNamespaceInode } ?? false
        guard isPrivate || isNamespaceRootUnknown else { return self }
        let ownPath = "\(procRoot)/self/cgroup"
        let own = try? reader.withContents(of: ownPath) { bytes throws(HostReadError) in
            try ProcessCgroups.parse(bytes, path: ownPath)
        }
        var resolved = self
        var found: String?
        for index in hierarchies.indices {
            var hierarchy = hierarchies[index]
            let root = CgroupPath.components(hierarchy.mountRoot)
            hierarchy.namespaceRoot = nil
            // Only a mount of an ancestor of the namespace root ("/.." repeated) shows the host's tree.
            if let membership = own?.memberships.first(where: { self.hierarchy(of: $0) == hierarchies[index] }),
                !root.isEmpty, root.allSatisfy({ $0 == ".." }),
                let namespaceRoot = Self.findNamespaceRoot(
                    mountPoint: hierarchy.mountPoint, depth: root.count, ownPath: membership.path, ownPID: ownPID,
                    guess: found, reader: reader)
            {
                hierarchy.mountRoot = "/"
                hierarchy.namespaceRoot = namespaceRoot
                found = found ?? namespaceRoot
            }
            resolved.hierarchies[index] = hierarchy
        }
        // A hierarchy mounted only at the namespace root (the runtime's own mount) takes the
        // root found in another: runtimes use the same path in every hierarchy.
        if let found {
            for index in resolved.hierarchies.indices where resolved.hierarchies[index].namespaceRoot == nil {
                let mountRoot = resolved.hierarchies[index].mountRoot
                guard CgroupPath.components(mountRoot).first != "..",
                    let hostRoot = CgroupPath.resolve(mountRoot, under: found)
                else { continue }
                resolved.hierarchies[index].mountRoot = hostRoot
                resolved.hierarchies[index].namespaceRoot = found
            }
        }
        return resolved
    }

    /// A task's cgroups (as `/proc/PID/cgroup` shows them to this reader) in the host's view.
    /// Paths of a hierarchy whose namespace root is unknown, or that leave the visible tree,
    /// stay as read.
    ///
    /// An exited task (a zombie) is the trap: the kernel prints its v1 lines as "/", the real
    /// root, without making them relative to the reader's namespace (v2 lines keep its cgroup,
    /// relative as usual); read as relative, a host's zombie would land in the reader's container.
    public func hostView(of cgroups: ProcessCgroups, taskHasExited: Bool = false) -> ProcessCgroups {
        guard hierarchies.contains(where: { $0.namespaceRoot != "/" }) else { return cgroups }
        var translated = cgroups
        for index in translated.memberships.indices {
            let membership = translated.memberships[index]
            if taskHasExited && !membership.isUnified { continue }
            guard let namespaceRoot = hierarchy(of: membership)?.namespaceRoot, namespaceRoot != "/",
                let hostPath = CgroupPath.resolve(membership.path, under: namespaceRoot)
            else { continue }
            translated.memberships[index].path = hostPath
        }
        return translated
    }

    /// Finds the directory, `depth` levels below the mount point, whose sub-cgroup `ownPath`
    /// lists `ownPID`: the namespace root in the host's view. `guess` (the root found in another
    /// hierarchy) is tried first; the walk reads at most a few thousand directories.
    static func findNamespaceRoot(
        mountPoint: String, depth: Int, ownPath: String, ownPID: Int32, guess: String?, reader: KernelFileReader
    ) -> String? {
        let ownRelative = CgroupPath.components(ownPath)
        guard !ownRelative.contains("..") else { return nil }
        func holdsOwnPID(_ candidate: [Substring]) -> Bool {
            let directory = ([Substring(mountPoint)] + candidate + ownRelative).joined(separator: "/")
            let pids = try? reader.withContents(of: directory + "/cgroup.procs") { bytes in
                var scanner = ByteScanner(bytes)
                while let pid = scanner.readUInt64() {
                    if pid == UInt64(ownPID) { return true }
                    scanner.skipLine()
                }
                return false
            }
            return pids == true
        }
        if let guess {
            let components = CgroupPath.components(guess)
            if components.count == depth, holdsOwnPID(components) { return "/" + components.joined(separator: "/") }
        }
        var level: [[Substring]] = [[]]
        var budget = 4096
        for _ in 0..<depth {
            var next: [[Substring]] = []
            for candidate in level {
                for child in Self.subdirectories(of: ([Substring(mountPoint)] + candidate).joined(separator: "/")) {
                    budget -= 1
                    if budget < 0 { return nil }
                    next.append(candidate + [Substring(child)])
                }
            }
            level = next
        }
        return level.first(where: holdsOwnPID).map { "/" + $0.joined(separator: "/") }
    }

    private static func subdirectories(of directory: String) -> [String] {
        DirectoryEntries.names(in: directory, .directories) ?? []
    }
}

/// Cgroup paths as components: "/a/b" and "a/b/" are ["a", "b"], "/" is [].
enum CgroupPath {
    static func components(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
    }

    /// `relative` (which may climb with "..") taken from `base`; nil when it climbs above "/".
    static func resolve(_ relative: String, under base: String) -> String? {
        var result = components(base)
        for component in components(relative) {
            if component == ".." {
                guard result.popLast() != nil else { return nil }
            } else {
                result.append(component)
            }
        }
        return "/" + result.joined(separator: "/")
    }
}
