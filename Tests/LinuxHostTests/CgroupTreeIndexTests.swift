import Foundation
import LinuxHost
import Testing

/// The per-cgroup index must agree with /proc/PID/cgroup, the per-process source it replaces.
@Suite("CgroupTreeIndex")
struct CgroupTreeIndexTests {
    @Test("a fake hierarchy: every cgroup.procs is read with its path, nested and root")
    func fakeHierarchy() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-cgtree-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let nested = root + "/docker/abc/inner"
        try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
        try "1\n2\n".write(toFile: root + "/cgroup.procs", atomically: true, encoding: .utf8)
        try "10\n11\n".write(toFile: root + "/docker/abc/cgroup.procs", atomically: true, encoding: .utf8)
        try "12\n".write(toFile: nested + "/cgroup.procs", atomically: true, encoding: .utf8)
        let index = try CgroupTreeIndex.build(mountPoint: root)
        #expect(index.pathByPID == [1: "/", 2: "/", 10: "/docker/abc", 11: "/docker/abc", 12: "/docker/abc/inner"])
        #expect(index.cgroupCount == 4)

        let underRoot = try CgroupTreeIndex.build(mountPoint: root, mountRoot: "/sub")
        #expect(underRoot.pathByPID[12] == "/sub/docker/abc/inner")
    }

    @Test("a missing mount point is an error with its path")
    func missingMount() {
        #expect(throws: HostReadError.self) { try CgroupTreeIndex.build(mountPoint: "/nonexistent/cgroup") }
    }

    @Test("on this host, the index gives the same path as /proc/self/cgroup for the identity hierarchy")
    func liveHost() throws {
        let layout = try CgroupLayout.read()
        let hierarchy = try #require(layout.identityHierarchy)
        let index = try CgroupTreeIndex.build(mountPoint: hierarchy.mountPoint, mountRoot: hierarchy.mountRoot)
        let own = try Procfs().cgroups(TaskID(pid: getpid()))
        let expected =
            hierarchy.isUnified
            ? own.unifiedPath : own.memberships.first { $0.controllers.sorted() == hierarchy.controllers }?.path
        #expect(index.pathByPID[getpid()] == expected)
    }
}
