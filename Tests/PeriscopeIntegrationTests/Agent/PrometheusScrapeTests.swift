import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `periscope serve` scraped by a real Prometheus: its exposition passes promtool, and
/// PromQL over it gives what the kernel counted for a container capped at 0.5 CPU.
@Suite("periscope serve scraped by Prometheus", .serialized)
struct PrometheusScrapeTests {
    @Test(
        "rate(container_cpu_usage_seconds_total) of a 0.5-CPU container is 0.5 ± 0.1 and the verdict gauge says cap",
        .live(
            if: TestEnvironment.dockerAvailable && PrometheusServer.isInstalled,
            "\(TestEnvironment.dockerReason); \(PrometheusServer.reason)"))
    func cappedContainerThroughPromQL() throws {
        let parent = PrioritisedCgroupParent(name: TestEnvironment.uniqueName("16a-prio"))
        defer { parent.remove() }
        let name = TestEnvironment.uniqueName("16a-capped")
        let container = try DockerContainer(
            name: name, options: ["--cpus", "0.5", "--cgroup-parent", parent.dockerParent],
            command: ["sh", "-c", "while :; do :; done"])
        defer { container.remove() }
        try parent.raiseWeight()
        let agent = try AgentProcess(arguments: ["--interval", "1s", "--window", "5s"])
        let prometheus = try PrometheusServer(scraping: "127.0.0.1:\(agent.port)")

        // 30 s of rate window plus a few scrapes to fill it.
        sleep(36)
        #expect(try prometheus.targetHealth() == "up", "\(prometheus.log.suffix(2000))")
        let rate = try #require(
            try prometheus.query("rate(container_cpu_usage_seconds_total{name=\"\(name)\"}[30s])"),
            "no series for \(name); agent log: \(agent.log.suffix(2000))")
        #expect(abs(rate - 0.5) <= 0.1, "rate \(rate) cores for a 0.5-CPU cap")
        let cap = try prometheus.query("periscope_container_cpu_bottleneck{name=\"\(name)\",verdict=\"cap\"}")
        #expect(cap == 1, "verdict gauge cap = \(String(describing: cap))")
        let throttled = try prometheus.query("rate(container_cpu_cfs_throttled_periods_total{name=\"\(name)\"}[30s])")
        #expect((throttled ?? 0) > 5, "throttled periods per second \(String(describing: throttled))")
        let quota = try prometheus.query("container_spec_cpu_quota{name=\"\(name)\"}")
        #expect(quota == 50_000)
        #expect(agent.stop() == 0, "SIGTERM ends the agent cleanly: \(agent.log.suffix(2000))")
    }

    @Test(
        "promtool check metrics accepts the exposition with real containers",
        .live(
            if: TestEnvironment.dockerAvailable && PrometheusServer.isInstalled,
            "\(TestEnvironment.dockerReason); \(PrometheusServer.reason)"))
    func promtoolAcceptsTheExposition() throws {
        let container = try DockerContainer(
            name: TestEnvironment.uniqueName("16a-promtool"), options: ["--memory", "64m"])
        defer { container.remove() }
        let agent = try AgentProcess(arguments: ["--interval", "1s", "--window", "3s"])
        sleep(5)
        let metrics = try HTTP.get(agent.url("/metrics"))
        #expect(metrics.status == 200)
        #expect(
            metrics.body.contains(
                "container_memory_working_set_bytes{id=\"/docker/\(container.id)\",name=\"\(container.name)\",image=\"\(TestEnvironment.testImage)\"}"
            ))
        #expect(
            metrics.body.contains(
                "container_spec_memory_limit_bytes{id=\"/docker/\(container.id)\",name=\"\(container.name)\",image=\"\(TestEnvironment.testImage)\"} 67108864"
            ))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-metrics-\(getpid()).txt")
            .path
        defer { unlink(path) }
        try metrics.body.write(toFile: path, atomically: true, encoding: .utf8)
        let check = try Shell.run(["sh", "-c", "promtool check metrics < \(path)"])
        #expect(check.status == 0, "promtool: \(check.standardOutput)\(check.standardError)")
        #expect(
            check.standardOutput.isEmpty && check.standardError.isEmpty,
            "promtool warnings: \(check.standardOutput)\(check.standardError)")
    }
}
