import LinuxHost

/// The cgroup tree as `top` shows it in tree mode: which cgroups get a row (to a depth, as
/// `systemd-cgtop --depth`), which row each process counts under, and what each row is named.
///
/// Pure: built from a `CgroupTreeIndex` walk, so tests can build one from fixture paths.
struct TopCgroupTree {
    /// The cgroup paths that get a row, parents before children; the root ("/") is the host row.
    let paths: [String]
    /// Processes in each shown cgroup and all its descendants.
    let processCounts: [String: UInt64]
    /// The cgroup of each process, as walked.
    let pathByPID: [Int32: String]
    private let maximumDepth: Int

    init(paths allPaths: [String], pathByPID: [Int32: String], maximumDepth: Int) {
        self.maximumDepth = maximumDepth
        self.pathByPID = pathByPID
        paths = allPaths.filter { $0 != "/" && Self.depth(of: $0) <= maximumDepth }
        var counts: [String: UInt64] = [:]
        for path in pathByPID.values {
            var ancestor = Self.truncate(path, to: maximumDepth)
            while ancestor != "/" && !ancestor.isEmpty {
                counts[ancestor, default: 0] += 1
                ancestor = Self.parent(of: ancestor)
            }
        }
        processCounts = counts
    }

    /// The row a process in `path` is drawn under: its cgroup, or its ancestor at the depth limit.
    func rowPath(for path: String) -> String { Self.truncate(path, to: maximumDepth) }

    /// The stable row id of a cgroup path.
    static func rowID(_ path: String) -> String { "cgroup:" + path }

    /// The path as a row shows it: 64-hex-digit runtime ids cut to the 12 of `docker ps`,
    /// so the name of the container fits beside it.
    static func displayName(_ path: String, containerName: String?) -> String {
        var shown = ""
        var hexRun = 0
        for character in path {
            hexRun = character.isHexDigit ? hexRun + 1 : 0
            if hexRun <= 12 || !character.isHexDigit { shown.append(character) }
        }
        return containerName.map { "\(shown) (\($0))" } ?? shown
    }

    /// `/a/b/c` has depth 3; "/" has 0.
    static func depth(of path: String) -> Int { path.split(separator: "/").count }

    static func truncate(_ path: String, to depth: Int) -> String {
        let components = path.split(separator: "/")
        guard components.count > depth else { return path }
        return depth == 0 ? "/" : "/" + components.prefix(depth).joined(separator: "/")
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
