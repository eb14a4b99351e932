import ContainerInventory
import Foundation
import LinuxHost
import Testing
import TestSupport

/// A process put in its own PID namespace without any runtime is still a container.
@Suite("unnamed containers", .live(if: TestEnvironment.unshareAvailable, TestEnvironment.unshareReason))
struct UnnamedContainerTests {
    @Test("a process created with unshare --pid appears as an unnamed container keyed by its PID namespace")
    func unshareProcess() throws {
        let launcher = try Shell.spawn(["unshare", "--pid", "--fork", "--mount-proc", "sleep", "600"])
        defer {
            kill(launcher, SIGKILL)
            Shell.wait(launcher)
        }

        // The sleeping child of unshare is the one inside the new namespace.
        var childPID: Int32?
        for _ in 0..<50 where childPID == nil {
            Thread.sleep(forTimeInterval: 0.05)
            let children =
                (try? String(contentsOfFile: "/proc/\(launcher)/task/\(launcher)/children", encoding: .utf8)) ?? ""
            childPID = children.split(separator: " ").first.flatMap { Int32($0) }
        }
        let pid = try #require(childPID)
        defer { kill(pid, SIGKILL) }
        let pidNamespace = try namespaceInode(pid: pid, kind: "pid")

        var options = InventoryOptions()
        options.queryRuntimes = false
        let snapshot = try InventoryScanner(options: options).scan()
        let container = try #require(snapshot.containers.first { $0.id == "pidns-\(pidNamespace)" })
        #expect(container.runtime == .pidNamespace)
        #expect(container.initPID == pid)
        #expect(container.initPIDInContainer == 1)
        #expect(container.name == nil)
        // unshare itself stays in the host's PID namespace, so it is a host process.
        #expect(snapshot.processes.first { $0.pid == launcher }?.container == .host)
    }
}
