import Diagnosis
import Hummingbird
import HummingbirdTesting
import PeriscopeServer
import ResourceMetrics
import Testing

/// /metrics on hand-made samples: cAdvisor's names and labels, counters equal to the kernel's
/// totals, series dropped with their container, the verdict and findings gauges.
@Suite struct MetricsRoutesTests {
    static func scrape(_ agent: AgentState) async throws -> String {
        let router = AgentApplication.makeRouter(
            configuration: try ServerConfiguration(),
            groups: AgentApplication.standardRouteGroups(agent: agent, configuration: try ServerConfiguration()))
        return try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                return String(buffer: response.body)
            }
        }
    }

    static let labels = #"id="/docker/0123456789abcdef",name="web",image="periscope-test:latest""#

    @Test func exportsCAdvisorNamesWithKernelTotals() async throws {
        let agent = AgentState()
        agent.publish(
            AgentFixtures.sample(at: 0, [AgentFixtures.web(cpuSeconds: 1.25, throttledPeriods: 10)]),
            metadata: AgentFixtures.metadata)
        agent.publish(
            AgentFixtures.sample(at: 1, [AgentFixtures.web(cpuSeconds: 1.75, throttledPeriods: 20, dState: 1.5)]),
            metadata: AgentFixtures.metadata)
        let text = try await Self.scrape(agent)
        let labels = Self.labels
        for line in [
            "# TYPE container_cpu_usage_seconds_total counter",
            "container_cpu_usage_seconds_total{\(labels)} 1.75",
            "container_cpu_cfs_throttled_periods_total{\(labels)} 20",
            "container_cpu_cfs_periods_total{\(labels)} 100",
            "container_cpu_cfs_throttled_seconds_total{\(labels)} 1.0",
            "container_spec_cpu_quota{\(labels)} 50000.0",
            "container_spec_memory_limit_bytes{\(labels)} 134217728.0",
            "container_memory_usage_bytes{\(labels)} 67108864.0",
            "container_oom_events_total{\(labels)} 1",
            "container_fs_reads_bytes_total{\(labels),device=\"254:0\"} 4096",
            "container_fs_writes_bytes_total{\(labels),device=\"254:0\"} 8192",
            "container_network_receive_bytes_total{\(labels),interface=\"eth0\"} 1000",
            "container_network_transmit_bytes_total{\(labels),interface=\"eth0\"} 2000",
            "container_pressure_cpu_waiting_seconds_total{\(labels)} 2.5",
            "periscope_container_dstate_threads{\(labels)} 1.5"
        ] {
            #expect(text.contains(line + "\n"), "missing \(line)")
        }
        #expect(!text.contains("interface=\"lo\""), "loopback is not the container's traffic")
    }

    /// The registry moves when /metrics is read, not when a sample is published (nobody
    /// scraping costs nothing per batch): a scrape moves it to the latest sample, however
    /// many were published since, and a repeated scrape of one sample reuses the rendered text.
    @Test func theRegistryMovesAtTheScrapeAfterASample() async throws {
        let agent = AgentState()
        let series = "container_cpu_usage_seconds_total{\(Self.labels)} "
        agent.publish(
            AgentFixtures.sample(at: 0, [AgentFixtures.web(cpuSeconds: 1.25, throttledPeriods: 10)]),
            metadata: AgentFixtures.metadata)
        #expect(!String(decoding: agent.exporter.render(), as: UTF8.self).contains(series))
        let first = try await Self.scrape(agent)
        #expect(first.contains(series + "1.25\n"))
        #expect(try await Self.scrape(agent) == first)
        for (second, cpuSeconds) in [(1.0, 1.5), (2, 1.75), (3, 2.5)] {
            agent.publish(
                AgentFixtures.sample(at: second, [AgentFixtures.web(cpuSeconds: cpuSeconds, throttledPeriods: 20)]),
                metadata: AgentFixtures.metadata)
        }
        #expect(String(decoding: agent.exporter.render(), as: UTF8.self).contains(series + "1.25\n"))
        #expect(try await Self.scrape(agent).contains(series + "2.5\n"))
    }

    @Test func dropsTheSeriesOfAContainerThatIsGone() async throws {
        let agent = AgentState()
        agent.publish(
            AgentFixtures.sample(at: 0, [AgentFixtures.web(cpuSeconds: 1, throttledPeriods: 0)]),
            metadata: AgentFixtures.metadata)
        #expect(try await Self.scrape(agent).contains("name=\"web\""))
        agent.publish(AgentFixtures.sample(at: 1, []), metadata: [:])
        #expect(!(try await Self.scrape(agent).contains("name=\"web\"")))
    }

    @Test func verdictAndFindingsGauges() async throws {
        let agent = AgentState()
        agent.publish(
            AgentFixtures.sample(at: 0, [AgentFixtures.web(cpuSeconds: 1, throttledPeriods: 0)]),
            metadata: AgentFixtures.metadata)
        let window = AgentFixtures.cappedWindow()
        let report = Diagnoser().diagnose(window)
        #expect(report.cpuVerdicts.first?.outcome == .capThrottled)
        agent.publish(window: window, report: report, endUnixSeconds: 1_767_000_006)
        let text = try await Self.scrape(agent)
        #expect(text.contains("periscope_container_cpu_bottleneck{\(Self.labels),verdict=\"cap\"} 1.0\n"))
        #expect(text.contains("periscope_container_cpu_bottleneck{\(Self.labels),verdict=\"none\"} 0.0\n"))
        let capFinding = try #require(report.findings.first { $0.containerKey?.description == AgentFixtures.webKey })
        #expect(
            text.contains(
                "periscope_findings_active{rule=\"\(capFinding.rule)\",severity=\"\(capFinding.severity.rawValue)\"} 1.0\n"
            ))
    }
}
