import ContainerInventory
import Foundation
import LinuxHost
import Testing
import TestSupport

/// `periscope ps` against real Docker containers: ids, names, PIDs, namespaces, cgroups, hostnames.
@Suite("ps with real Docker containers", .live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
struct PsDockerTests {
    private func listing() throws -> [Container] {
        let result = try Shell.periscope(["ps", "--json"])
        #expect(result.status == 0, "ps failed: \(result.standardError)")
        struct Listing: Decodable { var containers: [Container] }
        return try JSONDecoder().decode(Listing.self, from: Data(result.standardOutput.utf8)).containers
    }

    @Test("a container's id, name, image, PIDs, namespaces, cgroups and hostname match Docker and /proc")
    func isolatedContainer() throws {
        let name = TestEnvironment.uniqueName("web")
        let container = try DockerContainer(name: name, options: ["--hostname", "it-web-host"])
        let found = try #require(try listing().first { $0.id == container.id })

        #expect(found.runtime == .docker)
        #expect(found.name == name)
        #expect(found.image == TestEnvironment.testImage)
        #expect(found.initPID == container.initPID)
        #expect(found.initPIDInContainer == 1)
        #expect(found.hostname == "it-web-host")
        #expect(found.cgroupPath?.contains(container.id) == true)
        #expect(found.metadataSource == .engineAPI)
        for kind in NamespaceKind.containerKinds {
            #expect(
                found.namespaces[kind] == (try namespaceInode(pid: container.initPID, kind: kind.rawValue)), "\(kind)")
        }
        for kind in [NamespaceKind.mnt, .net, .pid, .uts, .ipc] {
            #expect(!found.namespacesSharedWithHost.contains(kind), "\(kind) should be the container's own")
        }
        let cgroupFile = try String(contentsOfFile: "/proc/\(container.initPID)/cgroup", encoding: .utf8)
        let cpuLine = try #require(
            cgroupFile.split(separator: "\n").first {
                $0.split(separator: ":")[1].split(separator: ",").contains("cpu")
            })
        #expect(found.cgroups?.path(forController: "cpu") == String(cpuLine.split(separator: ":", maxSplits: 2)[2]))
    }

    @Test("--pid=host and --net=host show those namespaces as shared with the host")
    func hostNamespaces() throws {
        let container = try DockerContainer(
            name: TestEnvironment.uniqueName("hostns"), options: ["--pid=host", "--net=host"])
        let found = try #require(try listing().first { $0.id == container.id })
        #expect(found.namespacesSharedWithHost.contains(.pid))
        #expect(found.namespacesSharedWithHost.contains(.net))
        #expect(!found.namespacesSharedWithHost.contains(.mnt))
        #expect(found.networkMode == "host")
        // With the host's PID namespace the init PID is the same inside and out.
        #expect(found.initPIDInContainer == container.initPID)
    }

    @Test("several processes in one container are one row, and the init is the first process")
    func processCount() throws {
        let container = try DockerContainer(
            name: TestEnvironment.uniqueName("multi"),
            command: ["sh", "-c", "sleep 600 & sleep 600 & wait"])
        try Shell.check(["docker", "exec", "-d", container.id, "sleep", "600"])
        Thread.sleep(forTimeInterval: 0.3)
        let found = try #require(try listing().first { $0.id == container.id })
        #expect(found.processCount == 4)
        #expect(found.initPID == container.initPID)
    }

    @Test("the table marks shared namespaces and shows the short id and name")
    func table() throws {
        let container = try DockerContainer(name: TestEnvironment.uniqueName("table"), options: ["--net=host"])
        let result = try Shell.periscope(["ps"])
        #expect(result.status == 0)
        let row = try #require(
            result.standardOutput.split(separator: "\n").first { $0.hasPrefix(String(container.id.prefix(12))) })
        #expect(row.contains(container.name))
        let netInode = try namespaceInode(pid: container.initPID, kind: "net")
        #expect(row.contains("\(netInode)*"))
        #expect(result.standardOutput.contains("* namespace shared with the host"))
    }

    @Test("without the Engine API, names come from dockerd's state files")
    func stateFileFallback() throws {
        let name = TestEnvironment.uniqueName("fallback")
        let container = try DockerContainer(name: name)
        let result = try Shell.periscope(["ps", "--json", "--docker-socket", "/nonexistent/docker.sock"])
        #expect(result.status == 0)
        #expect(result.standardError.contains("Docker Engine API unavailable"))
        struct Listing: Decodable { var containers: [Container] }
        let containers = try JSONDecoder().decode(Listing.self, from: Data(result.standardOutput.utf8)).containers
        let found = try #require(containers.first { $0.id == container.id })
        #expect(found.name == name)
        #expect(found.metadataSource == .stateFiles)
        #expect(found.initPID == container.initPID)
    }

    @Test("ps --processes lists the container's processes with their PID inside it")
    func processListing() throws {
        let container = try DockerContainer(name: TestEnvironment.uniqueName("procs"))
        let result = try Shell.periscope(["ps", "--processes", "--json"])
        #expect(result.status == 0)
        struct Listing: Decodable {
            struct Row: Decodable { var process: InventoryProcess; var containerName: String? }
            var processes: [Row]
        }
        let rows = try JSONDecoder().decode(Listing.self, from: Data(result.standardOutput.utf8)).processes
        let row = try #require(rows.first { $0.process.pid == container.initPID })
        #expect(row.containerName == container.name)
        #expect(row.process.namespacePIDs == [container.initPID, 1])
        #expect(row.process.commandLine == ["sleep", "600"])
    }
}
