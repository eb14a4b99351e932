import Foundation
import Testing
import TestSupport

/// `periscope enter`: nsenter for containers, against real containers.
@Suite("enter command", .live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
struct EnterCommandTests {
    @Test("runs a command in the container's UTS, mount and PID namespaces, by name, id prefix and PID")
    func entersByNameIDAndPID() throws {
        let container = try DockerContainer(
            name: TestEnvironment.uniqueName("enter"), options: ["--hostname", "inside-box"])
        for target in [container.name, String(container.id.prefix(10)), String(container.initPID)] {
            let result = try Shell.periscope(["enter", target, "--", "hostname"])
            #expect(result.status == 0, "\(target): \(result.standardError)")
            #expect(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "inside-box", "\(target)")
        }
        // Inside the PID namespace, the container's init is PID 1 and our shell is a small PID.
        let ps = try Shell.periscope([
            "enter", container.name, "--", "sh", "-c", "echo $$; cat /proc/1/cmdline | tr '\\0' ' '"
        ])
        let lines = ps.standardOutput.split(separator: "\n")
        #expect(lines.count == 2)
        #expect((Int(lines.first ?? "") ?? 99_999) < 100)
        #expect(lines.last?.hasPrefix("sleep 600") == true)
    }

    @Test("--ns net joins only the network namespace")
    func onlyNetwork() throws {
        let container = try DockerContainer(
            name: TestEnvironment.uniqueName("netonly"), options: ["--hostname", "netbox"])
        let result = try Shell.periscope(["enter", container.name, "--ns", "net", "--", "cat", "/proc/self/net/dev"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("eth0"))
        let hostname = try Shell.periscope(["enter", container.name, "--ns", "net", "--", "hostname"])
        #expect(hostname.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) != "netbox")
    }

    @Test("the command's exit status is passed through")
    func exitStatus() throws {
        let container = try DockerContainer(name: TestEnvironment.uniqueName("exit"))
        let result = try Shell.periscope(["enter", container.name, "--", "sh", "-c", "exit 7"])
        #expect(result.status == 7)
    }

    @Test("clear errors: unknown container, a container that is gone, a missing command, a bad --ns")
    func errors() throws {
        let unknown = try Shell.periscope(["enter", "no-such-container-anywhere", "--", "true"])
        #expect(unknown.status != 0)
        #expect(unknown.standardError.contains("no running container matches 'no-such-container-anywhere'"))

        let container = try DockerContainer(name: TestEnvironment.uniqueName("gone"))
        container.remove()
        let gone = try Shell.periscope(["enter", container.name, "--", "true"])
        #expect(gone.status != 0)
        #expect(gone.standardError.contains("no running container matches"))

        let alive = try DockerContainer(name: TestEnvironment.uniqueName("nocmd"))
        let missing = try Shell.periscope(["enter", alive.name, "--", "no-such-tool"])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("not found in the container's PATH"))

        let badNamespace = try Shell.periscope(["enter", alive.name, "--ns", "bogus", "--", "true"])
        #expect(badNamespace.status != 0)
        #expect(badNamespace.standardError.contains("unknown namespace 'bogus'"))
    }
}
