import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The image scripts/build-image.sh builds, run as docs/deployment.md says (host PID
/// namespace, the listed capabilities, no --privileged): the agent inside names the host's
/// containers exactly as the same agent on the host does.
@Suite("periscope serve from its container image", .serialized)
struct AgentImageTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../scripts/build-image.sh").standardized.path

    /// The deployment's `docker run` options (docs/deployment.md), without the image and command.
    static let deploymentOptions = [
        "--pid=host", "--cgroupns=host", "--net=host",
        "--cap-drop=ALL", "--cap-add=SYS_PTRACE", "--cap-add=DAC_READ_SEARCH", "--cap-add=SYS_ADMIN",
        "--cap-add=SYSLOG",
        "--device=/dev/kmsg:/dev/kmsg:r", "-v", "/sys:/sys:ro", "-v", "/var/run/docker.sock:/var/run/docker.sock"
    ]

    static func inventory(_ url: String) throws -> [[String: Any]] {
        let object = try HTTP.json(try HTTP.get(url)) as? [String: Any]
        return object?["containers"] as? [[String: Any]] ?? []
    }

    static func identity(_ entry: [String: Any]) -> [String: String] {
        let labels = entry["labels"] as? [String: String] ?? [:]
        return labels.merging(["runtime": entry["runtime"] as? String ?? "?"]) { old, _ in old }
    }

    @Test(
        "inside the image the agent sees and names the host's containers as on the host",
        .live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
    func sameAttributionAsOnTheHost() throws {
        let tag = "periscope-agent-test:\(getpid())"
        let build = try Shell.run(["bash", Self.script, "--binary", TestEnvironment.periscopeBinary, "--tag", tag])
        try #require(build.status == 0, "build-image.sh: \(build.standardError)")
        defer { _ = try? Shell.run(["docker", "rmi", "-f", tag]) }
        let workload = try DockerContainer(
            name: TestEnvironment.uniqueName("16a-workload"), options: ["--cpus", "0.05", "--memory", "64m"],
            command: ["sh", "-c", "sleep 600 & while :; do :; done"])
        defer { workload.remove() }

        let port = try FreePort.find()
        let agentName = TestEnvironment.uniqueName("16a-agent")
        let agentID = try Shell.check(
            ["docker", "run", "-d", "--name", agentName] + Self.deploymentOptions
                + [tag, "serve", "--listen", "127.0.0.1:\(port)", "--window", "2s"])
        defer { _ = try? Shell.run(["docker", "rm", "-f", agentID]) }
        let onHost = try AgentProcess(arguments: ["--window", "2s"])
        let inside = "http://127.0.0.1:\(port)"
        var insideEntries: [[String: Any]] = []
        for _ in 0..<60 where !insideEntries.contains(where: { Self.identity($0)["key"] == "docker:\(workload.id)" }) {
            sleep(1)
            insideEntries = (try? Self.inventory(inside + "/api/v1/inventory")) ?? []
        }
        let logs = try Shell.run(["docker", "logs", agentID])
        let hostEntries = try Self.inventory(onHost.url("/api/v1/inventory"))
        for key in ["docker:\(workload.id)", "docker:\(agentID)"] {
            let fromInside = try #require(
                insideEntries.first { Self.identity($0)["key"] == key },
                "\(key) not seen from the image; logs: \(logs.standardError.suffix(2000))")
            let fromHost = try #require(
                hostEntries.first { Self.identity($0)["key"] == key }, "\(key) not seen on the host")
            #expect(Self.identity(fromInside) == Self.identity(fromHost))
        }
        let workloadLabels = Self.identity(insideEntries.first { Self.identity($0)["key"] == "docker:\(workload.id)" }!)
        #expect(workloadLabels["name"] == workload.name)
        #expect(workloadLabels["id"] == "/docker/\(workload.id)")
        #expect(workloadLabels["image"] == TestEnvironment.testImage)

        // Its counters too: the limit Docker set, read from the host's cgroupfs.
        let metrics = try HTTP.get(inside + "/metrics")
        #expect(
            metrics.body.contains(
                "container_spec_memory_limit_bytes{id=\"/docker/\(workload.id)\",name=\"\(workload.name)\",image=\"\(TestEnvironment.testImage)\"} 67108864"
            ))
        // The listed capabilities are enough for the kernel log and the D-state stacks.
        sleep(3)
        let diagnosis = try HTTP.get(inside + "/api/v1/diagnosis")
        #expect(diagnosis.status == 200)
        #expect(!diagnosis.body.contains("kernel log unreadable"), "\(diagnosis.body.prefix(3000))")
        #expect(!diagnosis.body.contains("no per-container counters"))
        // SIGTERM (docker stop) ends it cleanly.
        _ = try Shell.run(["docker", "stop", "-t", "10", agentID])
        #expect(try Shell.check(["docker", "inspect", "--format", "{{.State.ExitCode}}", agentID]) == "0")
    }
}
