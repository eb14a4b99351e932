import Foundation
import Testing
@testable import ContainerInventory
import LinuxHost

/// Scans each fixture tree end to end: runtime detection, names from state files, pods,
/// init processes and namespace sharing.
@Suite("InventoryScanner over fixture trees")
struct InventoryScannerTests {
    static func only(_ snapshot: InventorySnapshot, _ runtime: ContainerRuntime) throws -> Container {
        let matching = snapshot.containers.filter { $0.runtime == runtime }
        try #require(matching.count == 1, "\(snapshot.containers.map(\.key))")
        return matching[0]
    }

    static func placement(_ snapshot: InventorySnapshot) -> [Int32: ContainerKey] {
        Dictionary(uniqueKeysWithValues: snapshot.processes.map { ($0.pid, $0.container) })
    }

    static func dockerWarnings(_ snapshot: InventorySnapshot) -> [InventoryWarning] {
        snapshot.warnings.filter { $0.message.hasPrefix("Docker Engine API unavailable") }
    }

    @Test func dockerOnCgroupV2() throws {
        let snapshot = try Fixtures.scan("docker-cgroup-v2")
        #expect(snapshot.cgroupMode == .unified)
        #expect(snapshot.scannedProcessCount == 4)
        #expect(snapshot.vanishedProcessCount == 0)
        let web = try Self.only(snapshot, .docker)
        #expect(web.id == FixtureIDs.dockerWeb)
        #expect(web.shortID == "6ae6eb0e554a")
        #expect(web.name == "web")
        #expect(web.image == "nginx:1.25")
        #expect(web.labels["maintainer"]?.hasPrefix("NGINX") == true)
        #expect(web.metadataSource == .stateFiles)
        #expect(web.networkMode == "bridge")
        #expect(web.initPID == 1312)
        #expect(web.initPIDInContainer == 1)
        #expect(web.initCommand == "nginx: master process nginx -g daemon off;")
        #expect(web.processCount == 2)
        #expect(web.cgroupPath == "/system.slice/docker-\(FixtureIDs.dockerWeb).scope")
        #expect(web.cgroups?.unifiedPath == web.cgroupPath)
        #expect(web.namespaces[.pid] == 4026532290)
        #expect(web.namespacesSharedWithHost == [.user])
        #expect(web.pod == nil)
        #expect(web.hostname == nil)  // resolveHostnames is off for fixtures
        #expect(Self.placement(snapshot) == [1: .host, 1290: .host, 1312: web.key, 1350: web.key])
        // The API socket does not exist: one warning saying names came from the state files.
        let warnings = Self.dockerWarnings(snapshot)
        #expect(warnings.count == 1)
        #expect(warnings.first?.pid == nil)
        #expect(warnings.first?.message.contains("names read from") == true)
        #expect(snapshot.warnings.count == 1)
    }

    @Test func hostPseudoContainer() throws {
        let snapshot = try Fixtures.scan("docker-cgroup-v2")
        let host = snapshot.host
        #expect(host.key == .host)
        #expect(host.displayName == "host")
        #expect(host.initPID == 1)
        #expect(host.initCommand == "/sbin/init")
        #expect(host.processCount == 2)
        #expect(host.namespaces[.pid] == 4026531836)
        #expect(host.namespacesSharedWithHost == NamespaceKind.containerKinds)
        #expect(host.cgroups?.unifiedPath == "/init.scope")
        #expect(snapshot.hostAndContainers.first?.key == .host)
        #expect(snapshot.container(.host)?.initPID == 1)
    }

    @Test func dockerSystemdDriverOnV1WithHostNetwork() throws {
        let snapshot = try Fixtures.scan("docker-systemd-v1")
        #expect(snapshot.cgroupMode == .legacy)
        let db = try Self.only(snapshot, .docker)
        #expect(db.id == FixtureIDs.dockerDB)
        #expect(db.name == "db")
        #expect(db.image == "postgres:16")
        #expect(db.labels == ["com.docker.compose.service": "db"])
        #expect(db.networkMode == "host")
        #expect(db.initPID == 1033)
        #expect(db.processCount == 2)
        #expect(db.cgroupPath == "/system.slice/docker-\(FixtureIDs.dockerDB).scope")
        // v1: no cgroup namespace; --network host; no user namespace.
        #expect(db.namespacesSharedWithHost == [.cgroup, .net, .user])
    }

    @Test func dockerCgroupfsOnHybridWithDockerInDocker() throws {
        let snapshot = try Fixtures.scan("docker-cgroupfs-hybrid")
        #expect(snapshot.cgroupMode == .hybrid)
        #expect(
            snapshot.containers.map(\.key) == [
                ContainerKey(runtime: .docker, id: FixtureIDs.dindInner),  // "(unknown)" sorts before "builder"
                ContainerKey(runtime: .docker, id: FixtureIDs.dindOuter)
            ])
        let inner = snapshot.containers[0]
        let outer = snapshot.containers[1]
        #expect(outer.name == "builder")
        #expect(outer.image == "docker:26-dind")
        #expect(outer.initPID == 1420)
        #expect(outer.initPIDInContainer == 1)
        #expect(outer.processCount == 1)
        #expect(outer.cgroupPath == "/docker/\(FixtureIDs.dindOuter)")
        #expect(outer.namespacesSharedWithHost == [.cgroup, .user])
        // The inner container is named by the innermost id; the outer daemon's containers are not on the host's disk.
        #expect(inner.name == nil)
        #expect(inner.displayName == "(unknown)")
        #expect(inner.initPID == 1455)
        #expect(inner.initPIDInContainer == 1)
        #expect(inner.cgroupPath == "/docker/\(FixtureIDs.dindOuter)/docker/\(FixtureIDs.dindInner)")
        #expect(inner.metadataSource == .unavailable)
    }

    @Test func kubernetesSystemdDriverWithContainerdBundles() throws {
        let snapshot = try Fixtures.scan("kubernetes-systemd")
        #expect(snapshot.cgroupMode == .unified)
        #expect(snapshot.containers.allSatisfy { $0.runtime == .containerd })
        #expect(snapshot.containers.map(\.name) == ["web-7d4b9c8f6-x2x7q/POD", "web-7d4b9c8f6-x2x7q/nginx"])
        let sandbox = snapshot.containers[0]
        let app = snapshot.containers[1]
        #expect(sandbox.id == FixtureIDs.k8sSandbox)
        #expect(app.id == FixtureIDs.k8sApp)
        for container in [sandbox, app] {
            let pod = try #require(container.pod)
            #expect(pod.uid == "8f3c1e2a-5b7d-4c9e-a1f0-2d6b8e4c7a13")
            #expect(pod.name == "web-7d4b9c8f6-x2x7q")
            #expect(pod.namespace == "shop")
            #expect(pod.qosClass == "burstable")
            #expect(container.metadataSource == .stateFiles)
            #expect(container.namespacesSharedWithHost == [.user])
        }
        #expect(sandbox.pod?.containerName == nil)
        #expect(app.pod?.containerName == "nginx")
        #expect(app.image == "docker.io/library/nginx:1.25")
        #expect(sandbox.initPID == 2020)
        #expect(sandbox.initCommand == "/pause")
        // The app's `kubectl exec` shell also has its parent (the shim) outside the container,
        // but started later: the init is the earliest such process.
        #expect(app.processCount == 2)
        #expect(app.initPID == 2100)
        #expect(app.initPIDInContainer == 1)
        // Containers of one pod share net, ipc and uts.
        #expect(app.namespaces[.net] == sandbox.namespaces[.net])
        #expect(app.namespaces[.pid] != sandbox.namespaces[.pid])
        #expect(Self.dockerWarnings(snapshot).isEmpty)
        #expect(snapshot.warnings.isEmpty)
    }

    @Test func kubernetesCgroupfsDriverQoSClasses() throws {
        let snapshot = try Fixtures.scan("kubernetes-cgroupfs")
        #expect(snapshot.cgroupMode == .legacy)
        let byID = Dictionary(uniqueKeysWithValues: snapshot.containers.map { ($0.id, $0) })
        let bestEffort = try #require(byID[FixtureIDs.k8sBestEffort])
        #expect(bestEffort.runtime == .containerd)
        #expect(bestEffort.pod?.uid == "0d5f7c3b-1a2e-4f6d-9b8c-7e3a2c1d4f5e")
        #expect(bestEffort.pod?.qosClass == "besteffort")
        #expect(bestEffort.pod?.name == "sleeper")
        #expect(bestEffort.pod?.namespace == "default")
        #expect(bestEffort.name == "sleeper/sleep")
        #expect(bestEffort.initPID == 3020)
        let guaranteed = try #require(byID[FixtureIDs.k8sGuaranteed])
        #expect(guaranteed.pod?.uid == "c2e4a6b8-0f1d-4e3c-8a5b-6d7f9e1c3b2a")
        #expect(guaranteed.pod?.qosClass == "guaranteed")
        // No bundle for it: the pod is known from the path, its name is not.
        #expect(guaranteed.pod?.name == nil)
        #expect(guaranteed.name == nil)
        #expect(guaranteed.metadataSource == .unavailable)
        #expect(guaranteed.initCommand == "redis-server *:6379")
        #expect(guaranteed.namespacesSharedWithHost == [.cgroup, .user])
    }

    @Test func crioContainerAndConmonOnTheHost() throws {
        let snapshot = try Fixtures.scan("crio")
        let redis = try Self.only(snapshot, .crio)
        #expect(redis.id == FixtureIDs.crioRedis)
        #expect(redis.name == "redis-0/redis")
        #expect(redis.image == "docker.io/library/redis:7")
        #expect(redis.pod?.name == "redis-0")
        #expect(redis.pod?.namespace == "cache")
        #expect(redis.pod?.containerName == "redis")
        #expect(redis.pod?.uid == "5b9e2d14-7c3a-4f8e-b6d1-0a2c4e6f8b1d")
        #expect(redis.pod?.qosClass == "besteffort")
        #expect(redis.initPID == 2210)
        #expect(redis.processCount == 1)
        let placement = Self.placement(snapshot)
        #expect(placement[2200] == .host)  // crio-conmon-<id>.scope
        #expect(placement[1500] == .host)
        #expect(snapshot.host.processCount == 3)
    }

    @Test func podmanContainerAndConmonOnTheHost() throws {
        let snapshot = try Fixtures.scan("podman")
        let cache = try Self.only(snapshot, .podman)
        #expect(cache.id == FixtureIDs.podmanCache)
        #expect(cache.name == "cache")
        #expect(cache.metadataSource == .stateFiles)
        #expect(cache.initPID == 4112)
        #expect(cache.initCommand == "memcached")
        #expect(cache.cgroupPath == "/machine.slice/libpod-\(FixtureIDs.podmanCache).scope/container")
        #expect(Self.placement(snapshot)[4100] == .host)  // libpod-conmon-<id>.scope
        #expect(snapshot.containers.count == 1)  // the stopped container in containers.json has no processes
    }

    @Test func lxcPayloadAndMonitor() throws {
        let snapshot = try Fixtures.scan("lxc")
        let web1 = try Self.only(snapshot, .lxc)
        #expect(web1.id == "web1")
        #expect(web1.shortID == "web1")
        #expect(web1.name == "web1")
        #expect(web1.initPID == 5010)
        #expect(web1.initCommand == "/sbin/init")
        #expect(web1.processCount == 2)
        #expect(web1.cgroupPath == "/lxc.payload.web1/init.scope")
        // Unprivileged: a user namespace too, so nothing is shared.
        #expect(web1.namespacesSharedWithHost.isEmpty)
        #expect(Self.placement(snapshot)[5000] == .host)  // lxc.monitor.web1
    }

    @Test func systemdNspawnMachine() throws {
        let snapshot = try Fixtures.scan("systemd-nspawn")
        let machine = try Self.only(snapshot, .systemdNspawn)
        #expect(machine.id == "my-container")
        #expect(machine.name == "my-container")
        #expect(machine.initPID == 6001)
        #expect(machine.initPIDInContainer == 1)
        #expect(machine.processCount == 2)
        #expect(machine.namespacesSharedWithHost == [.net, .user])
        #expect(Self.placement(snapshot)[6000] == .host)  // the supervisor
    }

    @Test func unnamedPIDNamespace() throws {
        let snapshot = try Fixtures.scan("unnamed-pidns")
        let unnamed = try Self.only(snapshot, .pidNamespace)
        #expect(unnamed.id == "pidns-4026533311")
        #expect(unnamed.name == nil)
        #expect(unnamed.displayName == "(unnamed)")
        #expect(unnamed.shortID == "pidns-4026533311")
        #expect(unnamed.initPID == 7001)
        #expect(unnamed.initPIDInContainer == 1)
        #expect(unnamed.initCommand == "bash")
        #expect(unnamed.processCount == 2)
        #expect(unnamed.cgroupPath == nil)
        #expect(unnamed.namespacesSharedWithHost == [.cgroup, .ipc, .net, .user, .uts])
        #expect(Self.placement(snapshot)[7000] == .host)  // unshare itself stays in the host namespace
    }

    @Test func includeProcessesAddsNSpidAndCommandLines() throws {
        let snapshot = try Fixtures.scan("docker-cgroupfs-hybrid", includeProcesses: true)
        let inner = try #require(snapshot.processes.first { $0.pid == 1455 })
        #expect(inner.namespacePIDs == [1455, 61, 1])
        #expect(inner.pidInContainer == 1)
        #expect(inner.commandLine == ["sh", "-c", "sleep infinity"])
        #expect(inner.pidNamespace == 4026532621)
        #expect(inner.identity == ProcessIdentity(pid: 1455, startTimeTicks: 6410))
        let withoutDetails = try Fixtures.scan("docker-cgroupfs-hybrid")
        #expect(withoutDetails.processes.allSatisfy { $0.namespacePIDs == nil && $0.commandLine == nil })
    }

    @Test func noRuntimeQueries() throws {
        var options = Fixtures.options("docker-cgroup-v2")
        options.queryRuntimes = false
        let snapshot = try InventoryScanner(options: options).scan()
        let web = try Self.only(snapshot, .docker)
        #expect(web.name == nil)
        #expect(web.metadataSource == .unavailable)
        #expect(snapshot.warnings.isEmpty)
    }

    @Test func missingProcRootThrows() {
        var options = InventoryOptions()
        options.procRoot = Fixtures.path("no-such-layout", "proc")
        options.resolveHostnames = false
        #expect(throws: HostReadError.self) { try InventoryScanner(options: options).scan() }
    }

    /// The init rule on its own: the runtime's word wins when it names a member; otherwise
    /// the earliest process whose parent is outside the container.
    @Test func initProcessRule() {
        func process(_ pid: Int32, parent: Int32, start: UInt64) -> InventoryProcess {
            InventoryProcess(
                pid: pid, startTimeTicks: start, parentPID: parent, comm: "p\(pid)", state: .sleeping,
                container: ContainerKey(runtime: .docker, id: "x"), userTimeTicks: 0, systemTimeTicks: 0)
        }
        let members = [
            process(30, parent: 20, start: 500), process(20, parent: 10, start: 100),
            process(40, parent: 10, start: 900)
        ]
        #expect(InventoryScanner.initProcess(of: members, reportedPID: nil).pid == 20)
        #expect(InventoryScanner.initProcess(of: members, reportedPID: 40).pid == 40)
        #expect(InventoryScanner.initProcess(of: members, reportedPID: 99).pid == 20)
        // Every parent inside (a cycle cannot happen, but PID reuse can make it look so): earliest wins.
        let cycle = [process(5, parent: 6, start: 50), process(6, parent: 5, start: 40)]
        #expect(InventoryScanner.initProcess(of: cycle, reportedPID: nil).pid == 6)
    }
}

/// Periscope in a container with its own cgroup namespace and no host cgroup tree mounted: it
/// warns that it cannot place the host's processes, when it can see them (the host's PID
/// namespace), and not in a plain container where there are none.
@Suite("private cgroup namespace warning")
struct PrivateCgroupNamespaceWarningTests {
    static func scan(pidNamespaceInode: UInt64) throws -> InventorySnapshot {
        let copy = NSTemporaryDirectory() + "periscope-cgroupns-warning-\(getpid())-\(pidNamespaceInode)"
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: Fixtures.path("docker-cgroup-v2"), toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try FileManager.default.createDirectory(atPath: copy + "/proc/self/ns", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: copy + "/proc/self/ns/cgroup", withDestinationPath: "cgroup:[4026532178]")
        try FileManager.default.createSymbolicLink(
            atPath: copy + "/proc/self/ns/pid", withDestinationPath: "pid:[\(pidNamespaceInode)]")
        try "0::/\n".write(toFile: copy + "/proc/self/cgroup", atomically: false, encoding: .utf8)
        var options = Fixtures.options("docker-cgroup-v2")
        options.procRoot = copy + "/proc"
        return try InventoryScanner(options: options).scan()
    }

    static func warned(_ snapshot: InventorySnapshot) -> Bool {
        snapshot.warnings.contains { $0.message.hasPrefix("Periscope runs in a private cgroup namespace") }
    }

    @Test func warnsWithTheHostsPIDNamespace() throws {
        #expect(Self.warned(try Self.scan(pidNamespaceInode: 4_026_531_836)))
    }

    @Test func staysQuietInAPlainContainer() throws {
        #expect(!Self.warned(try Self.scan(pidNamespaceInode: 4_026_532_300)))
    }

    @Test func staysQuietOnTheFixtureAsIs() throws {
        #expect(!Self.warned(try Fixtures.scan("docker-cgroup-v2")))
    }
}

/// A scanner kept for days (the recorder's, the agent's) forgets what it memoized of the
/// containers that went away: with container churn, its memory stays bounded.
@Suite("inventory scanner memory under churn")
struct InventoryScannerChurnMemoryTests {
    @Test func forgetsTheCgroupPathsOfContainersThatWentAway() throws {
        let copy = NSTemporaryDirectory() + "periscope-scanner-churn-\(getpid())"
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: Fixtures.path("docker-cgroup-v2"), toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        var options = Fixtures.options("docker-cgroup-v2")
        options.procRoot = copy + "/proc"
        let scanner = InventoryScanner(options: options)
        #expect(try scanner.scan().containers.contains { $0.name == "web" })
        let withWeb = scanner.memoizedPathCount
        // The web container's two processes exit.
        for pid in [1312, 1350] { try FileManager.default.removeItem(atPath: copy + "/proc/\(pid)") }
        #expect(try !scanner.scan().containers.contains { $0.name == "web" })
        #expect(try !scanner.scan().containers.contains { $0.name == "web" })
        #expect(
            scanner.memoizedPathCount < withWeb,
            "\(scanner.memoizedPathCount) paths still memoized, \(withWeb) with web")
    }
}
