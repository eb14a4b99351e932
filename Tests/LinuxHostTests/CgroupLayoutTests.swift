import Testing
@testable import LinuxHost

@Suite("CgroupLayout")
struct CgroupLayoutTests {
    static func layout(_ fixture: String) throws -> CgroupLayout {
        CgroupLayout.fromMountInfo(try Fixtures.text(fixture, "proc/self/mountinfo"))
    }

    static func cgroups(_ text: String) throws -> ProcessCgroups {
        try parsing(text) { bytes throws(HostReadError) in try ProcessCgroups.parse(bytes, path: "cgroup") }
    }

    @Test(arguments: [
        ("docker-cgroup-v2", CgroupLayout.Mode.unified),
        ("docker-systemd-v1", .legacy),
        ("kubernetes-cgroupfs", .legacy),
        ("docker-cgroupfs-hybrid", .hybrid),
        ("malformed", .unified)
    ])
    func modeFromMountInfo(fixture: String, mode: CgroupLayout.Mode) throws {
        #expect(try Self.layout(fixture).mode == mode)
    }

    @Test func noCgroupMountsAtAll() {
        let layout = CgroupLayout.fromMountInfo("22 28 0:21 / /proc rw,relatime - proc proc rw\n")
        #expect(layout.hierarchies.isEmpty)
        #expect(layout.unified == nil)
        #expect(layout.mode == .unified)
    }

    @Test func readFromAFileWithRootPrefix() throws {
        let path = "\(Fixtures.root)/docker-cgroupfs-hybrid/proc/self/mountinfo"
        let layout = try CgroupLayout.read(mountInfoPath: path, rootPrefix: "/fixture")
        #expect(layout.mode == .hybrid)
        #expect(layout.unified?.mountPoint == "/fixture/sys/fs/cgroup/unified")
        #expect(layout.hierarchy(forController: "cpu")?.mountPoint == "/fixture/sys/fs/cgroup/cpu")
    }

    @Test func hierarchiesOfAHybridHost() throws {
        let layout = try Self.layout("docker-cgroupfs-hybrid")
        #expect(layout.hierarchies.count == 10)
        #expect(layout.hierarchy(forController: "cpu")?.controllers == ["cpu"])
        #expect(layout.hierarchy(forController: "cpuacct")?.controllers == ["cpuacct"])
        #expect(layout.hierarchy(forController: "name=systemd")?.mountPoint == "/sys/fs/cgroup/systemd")
        // `xattr` is a mount option, not a controller.
        #expect(layout.hierarchy(forController: "name=systemd")?.controllers == ["name=systemd"])
        // No v1 hierarchy has io: v2 serves it.
        #expect(layout.hierarchy(forController: "io")?.isUnified == true)
    }

    /// The Docker-in-Docker inner container of the hybrid fixture, through every hierarchy.
    @Test(arguments: [
        ("cpu", "/sys/fs/cgroup/cpu"),
        ("cpuacct", "/sys/fs/cgroup/cpuacct"),
        ("memory", "/sys/fs/cgroup/memory"),
        ("pids", "/sys/fs/cgroup/pids"),
        ("name=systemd", "/sys/fs/cgroup/systemd"),
        ("io", "/sys/fs/cgroup/unified")
    ])
    func directoriesOnAHybridHostWithSeparateCPUAndCPUAcct(controller: String, mountPoint: String) throws {
        let layout = try Self.layout("docker-cgroupfs-hybrid")
        let cgroups = try Self.cgroups(try Fixtures.text("docker-cgroupfs-hybrid", "proc/1455/cgroup"))
        let path =
            "/docker/722f492d80eb49798978f1d2d9fc11d1058d385993c83c1f5d915571bd76a8b6/docker/0cb38b985abe51c2bc7b19152832037b3c8257e9a51344a11a3638428e38d43e"
        #expect(layout.directory(forController: controller, of: cgroups) == mountPoint + path)
    }

    @Test func directoriesOnALegacyHostWithCombinedCPUMount() throws {
        let layout = try Self.layout("docker-systemd-v1")
        let cgroups = try Self.cgroups(try Fixtures.text("docker-systemd-v1", "proc/1033/cgroup"))
        let scope = "/system.slice/docker-6ee3098b79d69e1dac3e25a83161dc9f9192eb83b0277e0e2f5ac108ce640612.scope"
        #expect(layout.directory(forController: "cpu", of: cgroups) == "/sys/fs/cgroup/cpu,cpuacct" + scope)
        #expect(layout.directory(forController: "cpuacct", of: cgroups) == "/sys/fs/cgroup/cpu,cpuacct" + scope)
        #expect(layout.directory(forController: "net_prio", of: cgroups) == "/sys/fs/cgroup/net_cls,net_prio" + scope)
        // Not mounted (and no v2 to fall back to).
        #expect(layout.directory(forController: "rdma", of: cgroups) == nil)
        #expect(layout.unifiedDirectory(of: cgroups) == nil)
    }

    @Test func directoriesOnAUnifiedHost() throws {
        let layout = try Self.layout("docker-cgroup-v2")
        let cgroups = try Self.cgroups("0::/system.slice/docker-abc.scope\n")
        #expect(layout.directory(forController: "cpu", of: cgroups) == "/sys/fs/cgroup/system.slice/docker-abc.scope")
        #expect(layout.unifiedDirectory(of: cgroups) == "/sys/fs/cgroup/system.slice/docker-abc.scope")
        #expect(layout.directory(forController: "cpu", of: try Self.cgroups("0::/\n")) == "/sys/fs/cgroup")
    }

    /// Inside a container (cgroup v1, no cgroup namespace) the mounts expose only the
    /// container's sub-tree, while /proc/PID/cgroup still shows the full path.
    @Test func mountRootIsNotSlash() throws {
        let id = "6ae6eb0e554ab4c80a7873a8c2102e023e67adde4359df07cfca8c3592e5997a"
        let mountInfo = """
            612 603 0:29 /docker/\(id) /sys/fs/cgroup/cpu ro,nosuid,nodev,noexec,relatime master:11 - cgroup cgroup rw,cpu
            613 603 0:30 /docker/\(id) /sys/fs/cgroup/cpuacct ro,nosuid,nodev,noexec,relatime master:12 - cgroup cgroup rw,cpuacct
            620 603 0:38 /docker/\(id) /sys/fs/cgroup/unified ro,nosuid,nodev,noexec,relatime master:20 - cgroup2 cgroup2 rw

            """
        let layout = CgroupLayout.fromMountInfo(mountInfo)
        #expect(layout.hierarchy(forController: "cpu")?.mountRoot == "/docker/\(id)")
        let own = try Self.cgroups("2:cpuacct:/docker/\(id)\n1:cpu:/docker/\(id)\n0::/docker/\(id)\n")
        #expect(layout.directory(forController: "cpu", of: own) == "/sys/fs/cgroup/cpu")
        #expect(layout.unifiedDirectory(of: own) == "/sys/fs/cgroup/unified")
        let child = try Self.cgroups(
            "2:cpuacct:/docker/\(id)/worker\n1:cpu:/docker/\(id)/worker\n0::/docker/\(id)/worker\n")
        #expect(layout.directory(forController: "cpuacct", of: child) == "/sys/fs/cgroup/cpuacct/worker")
        #expect(layout.unifiedDirectory(of: child) == "/sys/fs/cgroup/unified/worker")
    }

    @Test func hierarchyMountedTwiceKeepsTheFirstMount() {
        let layout = CgroupLayout.fromMountInfo(
            """
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            90 28 0:29 / /mnt/cpu-again rw,relatime - cgroup cgroup rw,cpu
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            91 28 0:38 / /mnt/unified-again rw,relatime - cgroup2 cgroup2 rw

            """)
        #expect(layout.hierarchies.count == 2)
        #expect(layout.hierarchy(forController: "cpu")?.mountPoint == "/sys/fs/cgroup/cpu")
        #expect(layout.unified?.mountPoint == "/sys/fs/cgroup/unified")
    }

    @Test(arguments: [
        ("/", "/sys/fs/cgroup/cpu"),
        ("", "/sys/fs/cgroup/cpu"),
        ("/a/b", "/sys/fs/cgroup/cpu/a/b"),
        ("a/b", "/sys/fs/cgroup/cpu/a/b")
    ])
    func joinAtTheRoot(path: String, directory: String) {
        let hierarchy = CgroupLayout.Hierarchy(controllers: ["cpu"], mountPoint: "/sys/fs/cgroup/cpu", mountRoot: "/")
        #expect(CgroupLayout.join(hierarchy, path) == directory)
    }
}
