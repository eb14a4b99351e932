import Foundation
import Testing
@testable import ContainerInventory

@Suite("Docker metadata")
struct DockerMetadataTests {
    /// The shape of `GET /v1.41/containers/json` (trimmed): one plain container, one started
    /// by cri-dockerd with Kubernetes labels.
    static let engineListBody = #"""
        [
          {
            "Id": "6ae6eb0e554ab4c80a7873a8c2102e023e67adde4359df07cfca8c3592e5997a",
            "Names": ["/web"],
            "Image": "nginx:1.25",
            "ImageID": "sha256:a8758716bb6aa4d90071160d27028fe4eaee7ce8166221a97d30440c8eac2be6",
            "Command": "/docker-entrypoint.sh nginx -g 'daemon off;'",
            "Created": 1714641251,
            "Ports": [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"}],
            "Labels": {"maintainer": "NGINX Docker Maintainers <docker-maint@nginx.com>"},
            "State": "running",
            "Status": "Up 2 hours",
            "HostConfig": {"NetworkMode": "bridge"},
            "NetworkSettings": {"Networks": {"bridge": {"IPAddress": "172.17.0.2"}}},
            "Mounts": []
          },
          {
            "Id": "6790b7877823391f99cd9ae7958bb4dbd9c216d798ad41ae367b15a834b981f0",
            "Names": ["/k8s_nginx_web-7d4b9c8f6-x2x7q_shop_8f3c1e2a-5b7d-4c9e-a1f0-2d6b8e4c7a13_0"],
            "Image": "sha256:a8758716bb6a",
            "Labels": {
              "io.kubernetes.container.name": "nginx",
              "io.kubernetes.pod.name": "web-7d4b9c8f6-x2x7q",
              "io.kubernetes.pod.namespace": "shop"
            },
            "State": "running",
            "HostConfig": {"NetworkMode": "container:91b0d7aed4d471c951c50460eead10c0fa6ac16014a0fd735ea445d2cc5d1c99"}
          },
          {"Id": "0cb38b985abe51c2bc7b19152832037b3c8257e9a51344a11a3638428e38d43e"}
        ]
        """#

    @Test func decodesTheEngineList() throws {
        let containers = try DockerMetadata.decodeEngineList(Array(Self.engineListBody.utf8))
        #expect(containers.count == 3)
        let web = try #require(containers[FixtureIDs.dockerWeb])
        #expect(web.name == "web")
        #expect(web.image == "nginx:1.25")
        #expect(web.networkMode == "bridge")
        #expect(web.source == .engineAPI)
        #expect(web.podName == nil)
        let kube = try #require(containers[FixtureIDs.k8sApp])
        #expect(kube.name == "k8s_nginx_web-7d4b9c8f6-x2x7q_shop_8f3c1e2a-5b7d-4c9e-a1f0-2d6b8e4c7a13_0")
        #expect(kube.podName == "web-7d4b9c8f6-x2x7q")
        #expect(kube.podNamespace == "shop")
        #expect(kube.kubernetesContainerName == "nginx")
        #expect(kube.networkMode?.hasPrefix("container:") == true)
        let bare = try #require(containers[FixtureIDs.dindInner])
        #expect(bare.name == nil)
        #expect(bare.labels.isEmpty)
    }

    @Test(arguments: ["", "{}", "{\"message\":\"client version 1.99 is too new\"}", "[{\"Names\":[\"/x\"]}]"])
    func rejectsWhatIsNotAContainerList(body: String) {
        do {
            _ = try DockerMetadata.decodeEngineList(Array(body.utf8))
            Issue.record("decoded \(body)")
        } catch {
            #expect(error.reason.hasPrefix("undecodable /containers/json"))
        }
    }

    @Test func emptyList() throws {
        #expect(try DockerMetadata.decodeEngineList(Array("[]".utf8)).isEmpty)
    }

    /// config.v2.json for name, image, labels and State.Pid; hostconfig.json beside it for the network mode.
    @Test func stateFilesFallback() throws {
        let containers = DockerMetadata.loadStateFiles(dataRoot: Fixtures.path("docker-systemd-v1", "var/lib/docker"))
        let db = try #require(containers[FixtureIDs.dockerDB])
        #expect(db.name == "db")
        #expect(db.image == "postgres:16")
        #expect(db.reportedInitPID == 1033)
        #expect(db.configuredHostname == "buildhost")
        #expect(db.networkMode == "host")
        #expect(db.source == .stateFiles)
        #expect(DockerMetadata.loadStateFiles(dataRoot: Fixtures.path("no-such-layout")).isEmpty)
    }

    /// One container (`GET /containers/ID/json`): what top and diagnose ask about a new one.
    @Test func decodesOneInspectedContainer() throws {
        let body =
            #"{"Id":"abc","Name":"/web-1","Config":{"Image":"nginx:1","Labels":{"io.kubernetes.pod.name":"p"},"Hostname":"h"},"State":{"Pid":42,"Running":true},"HostConfig":{"NetworkMode":"bridge"}}"#
        let metadata = try DockerMetadata.decodeInspect(Array(body.utf8))
        #expect(metadata.name == "web-1")
        #expect(metadata.image == "nginx:1")
        #expect(metadata.reportedInitPID == 42)
        #expect(metadata.networkMode == "bridge")
        #expect(metadata.podName == "p")
        #expect(metadata.source == .engineAPI)
    }

    /// No daemon: that container's config.v2.json, and the caller learns the daemon is down.
    @Test func loadOneFallsBackToTheStateFile() {
        let result = DockerMetadata.loadOne(
            id: FixtureIDs.dockerDB, socketPath: Fixtures.path("docker-systemd-v1", "run/docker.sock"),
            dataRoot: Fixtures.path("docker-systemd-v1", "var/lib/docker"))
        #expect(result.metadata?.name == "db")
        #expect(result.metadata?.source == .stateFiles)
        #expect(!result.engineAnswered)
    }

    /// The id comes from a cgroup path: anything but hex never reaches a URL or a file path.
    @Test(arguments: ["../../etc", "ABC", "", String(repeating: "a", count: 65), "6ee3098b/../x"])
    func loadOneRefusesIdsThatAreNotHex(id: String) {
        let result = DockerMetadata.loadOne(
            id: id, socketPath: "/nonexistent", dataRoot: Fixtures.path("docker-systemd-v1", "var/lib/docker"))
        #expect(result.metadata == nil)
    }

    @Test func loadFallsBackWhenTheSocketIsMissing() {
        let result = DockerMetadata.load(
            socketPath: Fixtures.path("docker-cgroup-v2", "run/docker.sock"),
            dataRoot: Fixtures.path("docker-cgroup-v2", "var/lib/docker"))
        #expect(result.source == .stateFiles)
        #expect(result.problem?.contains("connect: No such file or directory") == true)
        #expect(result.containers[FixtureIDs.dockerWeb]?.name == "web")

        let nothing = DockerMetadata.load(
            socketPath: Fixtures.path("podman", "run/docker.sock"), dataRoot: Fixtures.path("podman", "var/lib/docker"))
        #expect(nothing.source == .unavailable)
        #expect(nothing.containers.isEmpty)
        #expect(nothing.problem != nil)
    }
}

@Suite("OCI bundle metadata")
struct OCIBundleMetadataTests {
    static let taskRoot = Fixtures.path("kubernetes-systemd", "run/containerd/io.containerd.runtime.v2.task")
    static let crioRoot = Fixtures.path("crio", "var/lib/containers/storage/overlay-containers")

    @Test func containerdSandboxBundle() throws {
        let metadata = try #require(
            OCIBundleMetadata.load(
                containerID: FixtureIDs.k8sSandbox, taskRoot: Self.taskRoot, crioStorageRoot: Self.crioRoot))
        #expect(metadata.name == "web-7d4b9c8f6-x2x7q/POD")
        #expect(metadata.podName == "web-7d4b9c8f6-x2x7q")
        #expect(metadata.podNamespace == "shop")
        #expect(metadata.kubernetesContainerName == nil)
        #expect(metadata.configuredHostname == "web-7d4b9c8f6-x2x7q")
        #expect(metadata.labels["io.kubernetes.cri.sandbox-uid"] == "8f3c1e2a-5b7d-4c9e-a1f0-2d6b8e4c7a13")
        #expect(metadata.source == .stateFiles)
    }

    @Test func containerdContainerBundle() throws {
        let metadata = try #require(
            OCIBundleMetadata.load(
                containerID: FixtureIDs.k8sApp, taskRoot: Self.taskRoot, crioStorageRoot: Self.crioRoot))
        #expect(metadata.name == "web-7d4b9c8f6-x2x7q/nginx")
        #expect(metadata.kubernetesContainerName == "nginx")
        #expect(metadata.image == "docker.io/library/nginx:1.25")
        #expect(metadata.configuredHostname == nil)
    }

    @Test func crioBundle() throws {
        let metadata = try #require(
            OCIBundleMetadata.load(
                containerID: FixtureIDs.crioRedis, taskRoot: Self.taskRoot, crioStorageRoot: Self.crioRoot))
        #expect(metadata.name == "redis-0/redis")
        #expect(metadata.podName == "redis-0")
        #expect(metadata.podNamespace == "cache")
        #expect(metadata.kubernetesContainerName == "redis")
        #expect(metadata.image == "docker.io/library/redis:7")
        #expect(metadata.configuredHostname == "redis-0")
    }

    @Test func unknownContainer() {
        #expect(
            OCIBundleMetadata.load(
                containerID: FixtureIDs.dockerWeb, taskRoot: Self.taskRoot, crioStorageRoot: Self.crioRoot) == nil)
        #expect(
            OCIBundleMetadata.load(
                containerID: FixtureIDs.k8sApp, taskRoot: "/nonexistent", crioStorageRoot: "/nonexistent") == nil)
    }

    @Test(arguments: [
        ([String: String](), nil as String?),
        (["io.kubernetes.cri.sandbox-name": "p"], "p/?"),
        (["io.kubernetes.cri.sandbox-name": "p", "io.kubernetes.cri.container-type": "sandbox"], "p/POD"),
        (["io.kubernetes.pod.name": "p", "io.kubernetes.cri-o.ContainerType": "sandbox"], "p/POD"),
        (["io.kubernetes.pod.name": "p", "io.kubernetes.container.name": "c"], "p/c"),
        // containerd's keys win over CRI-O's when both are present.
        (
            [
                "io.kubernetes.cri.sandbox-name": "a", "io.kubernetes.pod.name": "b",
                "io.kubernetes.cri.container-name": "c"
            ], "a/c"
        )
    ])
    func namesFromAnnotations(annotations: [String: String], name: String?) {
        let metadata = OCIBundleMetadata.metadata(from: annotations, hostname: nil)
        #expect(metadata.name == name)
        #expect(metadata.labels == annotations)
    }
}

@Suite("Podman metadata")
struct PodmanMetadataTests {
    @Test func namesFromContainersJSON() throws {
        let containers = PodmanMetadata.load(
            storagePath: Fixtures.path("podman", "var/lib/containers/storage/overlay-containers/containers.json"))
        #expect(containers.count == 2)
        let cache = try #require(containers[FixtureIDs.podmanCache])
        #expect(cache.name == "cache")
        #expect(cache.image?.count == 64)
        #expect(cache.source == .stateFiles)
        #expect(PodmanMetadata.load(storagePath: Fixtures.path("no-such-layout", "containers.json")).isEmpty)
    }

    @Test func unreadableFileGivesNothing() throws {
        // A file that is not a containers.json (here: a proc stat file).
        #expect(PodmanMetadata.load(storagePath: Fixtures.path("podman", "proc/1/stat")).isEmpty)
    }
}
