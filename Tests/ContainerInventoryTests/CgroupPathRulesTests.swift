import Testing
@testable import ContainerInventory

@Suite("CgroupPathRules")
struct CgroupPathRulesTests {
    static let id1 = "6ae6eb0e554ab4c80a7873a8c2102e023e67adde4359df07cfca8c3592e5997a"
    static let id2 = "0cb38b985abe51c2bc7b19152832037b3c8257e9a51344a11a3638428e38d43e"
    static let podUID = "8f3c1e2a-5b7d-4c9e-a1f0-2d6b8e4c7a13"
    static let podUIDUnderscores = "8f3c1e2a_5b7d_4c9e_a1f0_2d6b8e4c7a13"

    struct Case: Sendable, CustomTestStringConvertible {
        var path: String
        var expected: CgroupPathMatch?
        var testDescription: String { path }
    }

    static func found(
        _ path: String, _ runtime: ContainerRuntime, _ id: String, name: String? = nil, pod: String? = nil,
        qos: String? = nil
    ) -> Case {
        Case(
            path: path,
            expected: CgroupPathMatch(
                key: ContainerKey(runtime: runtime, id: id), nameFromPath: name, podUID: pod, podQoSClass: qos))
    }

    static func none(_ path: String) -> Case { Case(path: path, expected: nil) }

    static let cases: [Case] = [
        // Docker: cgroupfs driver, systemd driver, a systemd payload inside, Docker-in-Docker.
        found("/docker/\(id1)", .docker, id1),
        found("/system.slice/docker-\(id1).scope", .docker, id1),
        found("/system.slice/docker-\(id1).scope/init.scope", .docker, id1),
        found("/docker/\(id1)/docker/\(id2)", .docker, id2),
        found("/system.slice/docker-\(id1).scope/system.slice/docker-\(id2).scope", .docker, id2),
        // nerdctl (containerd without Kubernetes).
        found("/system.slice/nerdctl-\(id1).scope", .containerd, id1),
        // Kubernetes, systemd driver: pod UID dashes escaped to underscores, QoS from the slices.
        found(
            "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod\(podUIDUnderscores).slice/cri-containerd-\(id1).scope",
            .containerd, id1, pod: podUID, qos: "burstable"),
        found(
            "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod\(podUIDUnderscores).slice/cri-containerd-\(id1).scope",
            .containerd, id1, pod: podUID, qos: "besteffort"),
        found(
            "/kubepods.slice/kubepods-pod\(podUIDUnderscores).slice/cri-containerd-\(id1).scope",
            .containerd, id1, pod: podUID, qos: "guaranteed"),
        found(
            "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod\(podUIDUnderscores).slice/docker-\(id1).scope",
            .docker, id1, pod: podUID, qos: "burstable"),
        // Kubernetes, cgroupfs driver: QoS is its own path component, guaranteed pods have none.
        found("/kubepods/besteffort/pod\(podUID)/\(id1)", .containerd, id1, pod: podUID, qos: "besteffort"),
        found("/kubepods/burstable/pod\(podUID)/\(id1)", .containerd, id1, pod: podUID, qos: "burstable"),
        found("/kubepods/pod\(podUID)/\(id1)", .containerd, id1, pod: podUID, qos: "guaranteed"),
        // CRI-O, and its conmon monitors (host processes).
        found(
            "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod\(podUIDUnderscores).slice/crio-\(id1).scope",
            .crio, id1, pod: podUID, qos: "besteffort"),
        none(
            "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod\(podUIDUnderscores).slice/crio-conmon-\(id1).scope"
        ),
        none("/system.slice/crio-conmon-\(id1).scope"),
        // Podman: systemd manager (rootful, rootless, crun's sub-cgroup), cgroupfs manager; conmon.
        found("/machine.slice/libpod-\(id1).scope", .podman, id1),
        found("/machine.slice/libpod-\(id1).scope/container", .podman, id1),
        found("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-\(id1).scope", .podman, id1),
        found("/libpod_parent/libpod-\(id1)", .podman, id1),
        none("/machine.slice/libpod-conmon-\(id1).scope"),
        none("/libpod_parent/libpod-conmon-\(id1)"),
        // LXC 4+ payload and monitor, and the pre-4.0 layout.
        found("/lxc.payload.web1", .lxc, "web1", name: "web1"),
        found("/lxc.payload.web1/init.scope", .lxc, "web1", name: "web1"),
        found("/lxc.payload.web1/system.slice/cron.service", .lxc, "web1", name: "web1"),
        none("/lxc.monitor.web1"),
        found("/lxc/web1", .lxc, "web1", name: "web1"),
        // systemd-nspawn: the machine name is unit-escaped.
        found("/machine.slice/machine-my\\x2dcontainer.scope", .systemdNspawn, "my-container", name: "my-container"),
        found(
            "/machine.slice/machine-my\\x2dcontainer.scope/payload", .systemdNspawn, "my-container",
            name: "my-container"),
        found("/machine.slice/machine-db.scope/init.scope", .systemdNspawn, "db", name: "db"),
        // Not containers.
        none("/"),
        none(""),
        none("/init.scope"),
        none("/user.slice/user-0.slice/session-3.scope"),
        none(
            "/user.slice/user-1000.slice/user@1000.service/app.slice/app-org.gnome.Terminal.slice/vte-spawn-1b2c.scope"),
        none("/system.slice/docker.service"),
        none("/system.slice/containerd.service"),
        none("/docker"),
        none("/docker/not-a-container-id"),
        none("/docker/\(id1.uppercased())"),
        none("/system.slice/docker-\(id1.prefix(12)).scope"),
        none("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod\(podUIDUnderscores).slice"),
        none("/kubepods/burstable/pod\(podUID)"),
        none("/kubepods")
    ]

    @Test(arguments: cases)
    func match(_ testCase: Case) {
        #expect(CgroupPathRules.match(testCase.path) == testCase.expected)
    }

    @Test(arguments: [
        ("kubepods-burstable-pod8f3c1e2a_5b7d_4c9e_a1f0_2d6b8e4c7a13.slice", "8f3c1e2a-5b7d-4c9e-a1f0-2d6b8e4c7a13"),
        ("pod8f3c1e2a-5b7d-4c9e-a1f0-2d6b8e4c7a13", "8f3c1e2a-5b7d-4c9e-a1f0-2d6b8e4c7a13"),
        ("kubepods-pod8f3c1e2a_5b7d_4c9e_a1f0_2d6b8e4c7a13.slice", "8f3c1e2a-5b7d-4c9e-a1f0-2d6b8e4c7a13")
    ])
    func podUIDsAreNormalisedToDashes(component: String, uid: String) {
        #expect(CgroupPathRules.podUID(in: Substring(component)) == uid)
    }

    @Test(arguments: ["kubepods", "kubepods.slice", "kubepods-burstable.slice", "pod123", "besteffort"])
    func notPodComponents(component: String) {
        #expect(CgroupPathRules.podUID(in: Substring(component)) == nil)
    }

    @Test(arguments: [
        ("my\\x2dcontainer", "my-container"),
        ("plain", "plain"),
        ("a\\x2db\\x2dc", "a-b-c"),
        ("dot\\x2e", "dot."),
        ("bad\\xZZ", "bad\\xZZ"),
        ("short\\x2", "short\\x2")
    ])
    func systemdUnitNameUnescaping(escaped: String, name: String) {
        #expect(CgroupPathRules.unescapeSystemdUnitName(Substring(escaped)) == name)
    }

    @Test func containerIDs() {
        #expect(CgroupPathRules.isContainerID(Substring(Self.id1)))
        #expect(!CgroupPathRules.isContainerID(Substring(Self.id1.dropLast())))
        #expect(!CgroupPathRules.isContainerID(Substring(Self.id1 + "0")))
        #expect(!CgroupPathRules.isContainerID(Substring(Self.id1.uppercased())))
        #expect(!CgroupPathRules.isContainerID(Substring(String(repeating: "g", count: 64))))
    }
}
