import Foundation
import Testing

/// `periscope serve --db` records with the recorder of `periscope record`, in-process: the file
/// it writes is read by `periscope stats --db` while it serves, and its history endpoint
/// answers from that file, also for a container removed before the query.
@Suite("periscope serve: the recording it writes and serves", .serialized)
struct AgentRecordingTests {
    @Test(
        "serve --db: stats --db reads it while serving; /api/v1/history finds a removed container",
        .live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
    func servesItsRecording() throws {
        let container = try DockerContainer(name: TestEnvironment.uniqueName("agent-recorded"))
        defer { container.remove() }
        let agent = try AgentProcess(arguments: ["--interval", "1s", "--window", "2s"])
        let started = Date().timeIntervalSince1970
        // The recorder's first batches: the container is sampled and named.
        var metrics = try HTTP.get(agent.url("/metrics"))
        for _ in 0..<30 where !metrics.body.contains("name=\"\(container.name)\"") {
            sleep(1)
            metrics = try HTTP.get(agent.url("/metrics"))
        }
        #expect(metrics.body.contains("container_cpu_usage_seconds_total{id=\"/docker/\(container.id)\""))
        sleep(3)

        // Another process reads the same file while the agent writes it.
        let stats = try Shell.periscope([
            "stats", container.name, "--db", agent.databasePath, "--since", "-5m", "--json"
        ])
        #expect(stats.status == 0, "\(stats.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(stats.standardOutput.utf8)) as? [String: Any]
        #expect(report?["containerKey"] as? String == "docker:\(container.id)")
        let series = report?["series"] as? [[String: Any]] ?? []
        let cpuPoints = series.first { $0["metric"] as? String == "cpu" }?["points"] as? [Any] ?? []
        #expect(cpuPoints.count >= 2, "samples written each second: \(stats.standardOutput.prefix(2000))")

        // Removed: gone from the live inventory, still in the recorded history.
        container.remove()
        var inventory = try HTTP.get(agent.url("/api/v1/inventory"))
        for _ in 0..<20 where inventory.body.contains(container.id) {
            sleep(1)
            inventory = try HTTP.get(agent.url("/api/v1/inventory"))
        }
        #expect(!inventory.body.contains(container.id), "the removed container is no longer live")
        let until = Date().timeIntervalSince1970 + 1
        let history = try HTTP.get(
            agent.url("/api/v1/history?container=\(container.name)&since=\(started - 5)&until=\(until)"))
        #expect(history.status == 200, "\(history.body.prefix(500))")
        let body = try HTTP.json(history) as? [String: Any]
        #expect((body?["container"] as? [String: Any])?["key"] as? String == "docker:\(container.id)")
        let points = body?["points"] as? [[String: Any]] ?? []
        #expect(points.count >= 2, "\(history.body.prefix(500))")
        #expect(points.allSatisfy { ($0["rates"] as? [String: Any])?["cpu"] != nil })
        #expect(agent.stop() == 0, "\(agent.log.suffix(2000))")
    }
}
