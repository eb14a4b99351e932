import ContainerInventory
import Foundation
import LinuxHost
import Testing
import TestSupport

/// `periscope pid`: "who does PID 28321 belong to?" against real containers.
@Suite("pid command")
struct PidCommandTests {
    private func reports(_ arguments: [String]) throws -> (Shell.Result, [ProcessReport]) {
        let result = try Shell.periscope(["pid", "--json"] + arguments)
        let reports = (try? JSONDecoder().decode([ProcessReport].self, from: Data(result.standardOutput.utf8))) ?? []
        return (result, reports)
    }

    @Test(
        "a container PID maps to its container, NSpid chain, namespaces, cgroups and hostname",
        .live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
    func containerProcess() throws {
        let container = try DockerContainer(
            name: TestEnvironment.uniqueName("pid"), options: ["--hostname", "who-am-i"])
        let (result, reports) = try reports([String(container.initPID)])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try #require(reports.first)
        #expect(report.container.id == container.id)
        #expect(report.container.name == container.name)
        #expect(report.namespacePIDs == [container.initPID, 1])
        #expect(report.hostname == "who-am-i")
        #expect(report.namespaces[.mnt] == (try namespaceInode(pid: container.initPID, kind: "mnt")))
        #expect(report.cgroups.contains { $0.hierarchy == "memory" && $0.path.hasSuffix(container.id) })
        #expect(report.cgroups.contains { $0.directory?.hasPrefix("/sys/fs/cgroup/") == true })

        let text = try Shell.periscope(["pid", String(container.initPID)])
        #expect(text.standardOutput.contains("container    \(container.name)"))
        #expect(text.standardOutput.contains("\(container.initPID) (host) -> 1 (container)"))
    }

    @Test("a host process is reported as the host's, with its own PID chain")
    func hostProcess() throws {
        let (result, reports) = try reports([String(getpid())])
        #expect(result.status == 0)
        let report = try #require(reports.first)
        #expect(report.container.key.isHost)
        #expect(report.namespacePIDs.first == getpid())
    }

    @Test("a PID that does not exist is a clear error and a non-zero exit")
    func missingProcess() throws {
        let result = try Shell.periscope(["pid", "999999999"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("no such process"))
        let invalid = try Shell.periscope(["pid", "0"])
        #expect(invalid.status != 0)
        #expect(invalid.standardError.contains("not a valid PID"))
    }
}
