import Foundation
import Testing
@testable import LinuxHost

@Suite("ProcessCgroups parsing")
struct ProcessCgroupsTests {
    static func parse(_ text: String) throws(HostReadError) -> ProcessCgroups {
        try parsing(text) { bytes throws(HostReadError) in try ProcessCgroups.parse(bytes, path: "/proc/x/cgroup") }
    }

    @Test func unifiedOnly() throws {
        let cgroups = try Self.parse("0::/system.slice/docker-6ae6eb0e554a.scope\n")
        #expect(
            cgroups.memberships == [
                CgroupMembership(hierarchyID: 0, controllers: [], path: "/system.slice/docker-6ae6eb0e554a.scope")
            ])
        #expect(cgroups.memberships[0].isUnified)
        #expect(cgroups.memberships[0].hierarchyLabel == "unified")
        #expect(cgroups.unifiedPath == "/system.slice/docker-6ae6eb0e554a.scope")
        // Pure v2: every controller is served by the unified hierarchy.
        #expect(cgroups.path(forController: "cpu") == "/system.slice/docker-6ae6eb0e554a.scope")
    }

    /// As on a hybrid host with separate cpu and cpuacct hierarchies.
    @Test func hybridWithSeparateCPUAndCPUAcct() throws {
        let cgroups = try Self.parse(
            """
            9:name=systemd:/
            8:pids:/
            4:memory:/process_api/b8756a553e275daced46a43cbf032a0f
            2:cpuacct:/acct
            1:cpu:/cpu
            0::/

            """)
        #expect(cgroups.memberships.count == 6)
        #expect(cgroups.memberships[0] == CgroupMembership(hierarchyID: 9, controllers: ["name=systemd"], path: "/"))
        #expect(cgroups.path(forController: "cpu") == "/cpu")
        #expect(cgroups.path(forController: "cpuacct") == "/acct")
        #expect(cgroups.path(forController: "memory") == "/process_api/b8756a553e275daced46a43cbf032a0f")
        #expect(cgroups.path(forController: "name=systemd") == "/")
        // A controller no v1 hierarchy has falls back to v2.
        #expect(cgroups.path(forController: "io") == "/")
        #expect(cgroups.unifiedPath == "/")
        #expect(cgroups.distinctPaths.first == "/process_api/b8756a553e275daced46a43cbf032a0f")
        #expect(Set(cgroups.distinctPaths) == ["/", "/cpu", "/acct", "/process_api/b8756a553e275daced46a43cbf032a0f"])
    }

    @Test func legacyCombinedControllers() throws {
        let cgroups = try Self.parse(try Fixtures.text("docker-systemd-v1", "proc/1033/cgroup"))
        let cpu = try #require(cgroups.memberships.first { $0.controllers.contains("cpu") })
        #expect(cpu.controllers == ["cpu", "cpuacct"])
        #expect(cpu.hierarchyLabel == "cpu,cpuacct")
        #expect(!cpu.isUnified)
        #expect(cgroups.unifiedPath == nil)
        #expect(cgroups.path(forController: "io") == nil)
        #expect(
            cgroups.distinctPaths == [
                "/system.slice/docker-6ee3098b79d69e1dac3e25a83161dc9f9192eb83b0277e0e2f5ac108ce640612.scope"
            ])
        #expect(cgroups.path(forController: "net_prio") == cgroups.distinctPaths[0])
    }

    @Test func pathMayContainColons() throws {
        let cgroups = try Self.parse("0::/system.slice/kubepods-pod1.slice:cri-containerd:abc\n")
        #expect(cgroups.unifiedPath == "/system.slice/kubepods-pod1.slice:cri-containerd:abc")
    }

    @Test func emptyFileHasNoMemberships() throws {
        #expect(try Self.parse("").memberships.isEmpty)
        #expect(try Self.parse("\n\n").memberships.isEmpty)
    }

    @Test(arguments: [
        ("0::/init.scope\nthis line has no separators\n", "line without two ':' separators"),
        ("0/init.scope\n", "line without two ':' separators"),
        ("x:cpu:/\n", "hierarchy id is not a number"),
        (":cpu:/\n", "hierarchy id is not a number")
    ])
    func badLines(text: String, reason: String) {
        #expect {
            _ = try Self.parse(text)
        } throws: { error in
            (error as? HostReadError)?.malformedReason == reason && (error as? HostReadError)?.path == "/proc/x/cgroup"
        }
    }

    /// JSON is an object from hierarchy label to path (what scripts look up); ids are not kept.
    @Test func codableRoundTrip() throws {
        let cgroups = try Self.parse("1:cpu,cpuacct:/docker/a\n9:name=systemd:/docker/a\n0::/docker/b\n")
        let data = try JSONEncoder().encode(cgroups)
        let object = try JSONDecoder().decode([String: String].self, from: data)
        #expect(object == ["cpu,cpuacct": "/docker/a", "name=systemd": "/docker/a", "unified": "/docker/b"])
        let decoded = try JSONDecoder().decode(ProcessCgroups.self, from: data)
        #expect(decoded.path(forController: "cpuacct") == "/docker/a")
        #expect(decoded.path(forController: "name=systemd") == "/docker/a")
        #expect(decoded.unifiedPath == "/docker/b")
    }
}
