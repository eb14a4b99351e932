import Foundation
import Testing
@testable import LinuxHost

/// Periscope run from a container with the host's PID namespace and `-v /sys:/sys`: the
/// mountinfo and /proc/PID/cgroup lines below were captured in such a container on this
/// machine (Docker 20+, cgroup v1), with `--cgroupns=host` and `--cgroupns=private`.
@Suite("Cgroup namespace view")
struct CgroupNamespaceViewTests {
    static let ownID = "c4923bd50fd389f15b9986eda6c3bf78d6242c7c3fea646f088d3a91eda6c2d1"
    static let otherID = "0cb38b985abe51c2bc7b19152832037b3c8257e9a51344a11a3638428e38d43e"

    /// Docker's own cgroup mounts (rooted at the container's cgroup when the cgroup namespace
    /// is the host's, at "/" in a private one) come first; the host's, from `-v /sys:/sys`,
    /// are mounted over them.
    static func mountInfo(ownRoot: String, hostRoot: String, hostTree: Bool = true) -> String {
        var lines = [
            "83 79 0:46 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,mode=755",
            "84 83 0:29 \(ownRoot) /sys/fs/cgroup/cpu ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpu",
            "92 83 0:37 \(ownRoot) /sys/fs/cgroup/systemd ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,name=systemd"
        ]
        if hostTree {
            lines += [
                "95 78 0:21 / /sys rw,relatime - sysfs sysfs rw",
                "96 95 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
                "97 96 0:29 \(hostRoot) /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
                "105 96 0:37 \(hostRoot) /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd",
                "106 96 0:38 \(hostRoot) /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw"
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func cgroups(_ path: String) throws -> ProcessCgroups {
        let text = "9:name=systemd:\(path)\n1:cpu:\(path)\n0::\(path)\n"
        return try parsing(text) { bytes throws(HostReadError) in try ProcessCgroups.parse(bytes, path: "cgroup") }
    }

    /// A proc tree (self/cgroup, self/ns/cgroup) and a host cgroup tree in which PID `ownPID`
    /// is in /docker/OWN, beside /docker/OTHER and /system.slice/x.service.
    final class Tree {
        let root = NSTemporaryDirectory() + "periscope-cgroupns-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let ownPID: Int32 = 4242
        init(namespaceInode: UInt64, ownPath: String, mountInfo: String) throws {
            let files = FileManager.default
            try files.createDirectory(atPath: root + "/proc/self/ns", withIntermediateDirectories: true)
            try files.createSymbolicLink(
                atPath: root + "/proc/self/ns/cgroup", withDestinationPath: "cgroup:[\(namespaceInode)]")
            try "9:name=systemd:\(ownPath)\n1:cpu:\(ownPath)\n0::\(ownPath)\n".write(
                toFile: root + "/proc/self/cgroup", atomically: false, encoding: .utf8)
            try mountInfo.write(toFile: root + "/proc/self/mountinfo", atomically: false, encoding: .utf8)
            for hierarchy in ["cpu", "systemd", "unified"] {
                let base = root + "/sys/fs/cgroup/" + hierarchy
                for (directory, pids) in [
                    ("", "1\n2\n"), ("/system.slice/x.service", "77\n"), ("/docker/\(otherID)", "500\n"),
                    ("/docker/\(ownID)", "\(ownPID)\n4243\n")
                ] {
                    try files.createDirectory(atPath: base + directory, withIntermediateDirectories: true)
                    try pids.write(toFile: base + directory + "/cgroup.procs", atomically: false, encoding: .utf8)
                }
            }
        }
        deinit { try? FileManager.default.removeItem(atPath: root) }

        func layout() throws -> CgroupLayout {
            let text = try String(contentsOfFile: root + "/proc/self/mountinfo", encoding: .utf8)
            return CgroupLayout.fromMountInfo(text, rootPrefix: root)
                .resolvingCgroupNamespace(procRoot: root + "/proc", ownPID: ownPID)
        }
    }

    @Test func hostMountsHideTheRuntimesOwnMounts() {
        let layout = CgroupLayout.fromMountInfo(Self.mountInfo(ownRoot: "/docker/\(Self.ownID)", hostRoot: "/"))
        #expect(layout.hierarchies.count == 3)
        #expect(layout.hierarchy(forController: "cpu")?.mountRoot == "/")
        #expect(layout.hierarchy(forController: "name=systemd")?.mountRoot == "/")
        #expect(!layout.isNamespaceRootUnknown)
    }

    /// `--cgroupns=host`: paths are already the host's; the host's root cgroup is not the
    /// container's own.
    @Test func hostCgroupNamespaceNeedsNoTranslation() throws {
        let tree = try Tree(
            namespaceInode: CgroupLayout.initialCgroupNamespaceInode, ownPath: "/docker/\(Self.ownID)",
            mountInfo: Self.mountInfo(ownRoot: "/docker/\(Self.ownID)", hostRoot: "/"))
        let layout = try tree.layout()
        let host = try Self.cgroups("/")
        #expect(layout.hostView(of: host) == host)
        #expect(layout.directory(forController: "cpu", of: host) == tree.root + "/sys/fs/cgroup/cpu")
        let own = try Self.cgroups("/docker/\(Self.ownID)")
        #expect(
            layout.directory(forController: "cpu", of: own) == tree.root + "/sys/fs/cgroup/cpu/docker/\(Self.ownID)")
    }

    /// `--cgroupns=private`: the kernel shows paths relative to the container's cgroup; the
    /// container's own PID found in the host's tree places it.
    @Test func privateCgroupNamespaceIsPlacedInTheHostsTree() throws {
        let tree = try Tree(
            namespaceInode: 4_026_532_178, ownPath: "/", mountInfo: Self.mountInfo(ownRoot: "/", hostRoot: "/../.."))
        let layout = try tree.layout()
        #expect(!layout.isNamespaceRootUnknown)
        for hierarchy in layout.hierarchies {
            #expect(hierarchy.mountRoot == "/")
            #expect(hierarchy.namespaceRoot == "/docker/\(Self.ownID)")
        }
        #expect(layout.hostView(of: try Self.cgroups("/../..")) == (try Self.cgroups("/")))
        #expect(layout.hostView(of: try Self.cgroups("/")) == (try Self.cgroups("/docker/\(Self.ownID)")))
        #expect(
            layout.hostView(of: try Self.cgroups("/../\(Self.otherID)"))
                == (try Self.cgroups("/docker/\(Self.otherID)")))
        #expect(
            layout.hostView(of: try Self.cgroups("/../../system.slice/x.service"))
                == (try Self.cgroups("/system.slice/x.service")))
        let own = layout.hostView(of: try Self.cgroups("/"))
        #expect(
            layout.directory(forController: "cpu", of: own) == tree.root + "/sys/fs/cgroup/cpu/docker/\(Self.ownID)")
    }

    /// A zombie's v1 lines read "/" (the real root) even inside a cgroup namespace; its v2 line
    /// stays relative: the host's zombie containerd-shim must stay the host's.
    @Test func anExitedTasksV1LinesAreTheRealRoot() throws {
        let tree = try Tree(
            namespaceInode: 4_026_532_178, ownPath: "/", mountInfo: Self.mountInfo(ownRoot: "/", hostRoot: "/../.."))
        let layout = try tree.layout()
        let zombie = try parsing("9:name=systemd:/\n1:cpu:/\n0::/../..\n") { bytes throws(HostReadError) in
            try ProcessCgroups.parse(bytes, path: "cgroup")
        }
        #expect(layout.hostView(of: zombie, taskHasExited: true) == (try Self.cgroups("/")))
        // The same lines from a live task: the namespace root in v1, the host's root in v2
        // (what `docker exec` gives on a v1 host: runc joins only the v1 hierarchies).
        let live = layout.hostView(of: zombie)
        #expect(live.path(forController: "cpu") == "/docker/\(Self.ownID)")
        #expect(live.unifiedPath == "/")
    }

    /// Without the host's tree nothing outside the container can be placed: say so, and keep
    /// the container's own directories working (what `periscope inside` reads).
    @Test func privateCgroupNamespaceWithoutTheHostsTreeIsUnknown() throws {
        let tree = try Tree(
            namespaceInode: 4_026_532_178, ownPath: "/",
            mountInfo: Self.mountInfo(ownRoot: "/", hostRoot: "/../..", hostTree: false))
        let layout = try tree.layout()
        #expect(layout.isNamespaceRootUnknown)
        let own = layout.hostView(of: try Self.cgroups("/"))
        #expect(own == (try Self.cgroups("/")))
        #expect(layout.directory(forController: "cpu", of: own) == tree.root + "/sys/fs/cgroup/cpu")
        #expect(layout.directory(forController: "cpu", of: try Self.cgroups("/../..")) == nil)
    }

    @Test(
        arguments: [
            ("/docker/abc", "/sys/fs/cgroup/cpu"),
            ("/docker/abc/worker", "/sys/fs/cgroup/cpu/worker"),
            ("/", nil),
            ("/docker/abcd", nil),
            ("/docker/abc/../other", nil)
        ] as [(String, String?)])
    func joinBelowASubtreeMount(path: String, directory: String?) {
        let hierarchy = CgroupLayout.Hierarchy(
            controllers: ["cpu"], mountPoint: "/sys/fs/cgroup/cpu", mountRoot: "/docker/abc")
        #expect(CgroupLayout.join(hierarchy, path) == directory)
    }
}
