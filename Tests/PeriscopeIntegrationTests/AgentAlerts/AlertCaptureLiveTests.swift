import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

enum AlertPeersInstalled {
    static let isMet =
        FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus-alertmanager")
    static let reason: Comment =
        "needs root, Docker with the periscope-test image, prometheus and prometheus-alertmanager: run scripts/test-setup.sh"
}

/// The whole alert path with the real peers: a real Prometheus scrapes the agent and
/// evaluates a throttling rule, a real Alertmanager groups the alert and posts its webhook to
/// the agent, and the agent profiles the throttled container, not its neighbour.
@Suite(.serialized, .live(if: TestEnvironment.dockerAvailable && AlertPeersInstalled.isMet, AlertPeersInstalled.reason))
struct AlertCaptureLiveTests {
    @Test func aThrottlingAlertFromPrometheusThroughAlertmanagerProfilesTheThrottledContainer() throws {
        let prefix = "periscope-it-16b-\(getpid())"
        let name = "\(prefix)-alerted", bystander = "\(prefix)-bystander"
        _ = try? Shell.run(["docker", "rm", "-f", name, bystander])
        defer { _ = try? Shell.run(["docker", "rm", "-f", name, bystander]) }
        // A busy loop under a 0.05-CPU cap is throttled in nearly every period whatever else
        // runs on the machine; the sleeping bystander never is.
        #expect(
            try Shell.run([
                "docker", "run", "-d", "--name", name, "--cpus", "0.05", TestEnvironment.testImage, "sh", "-c",
                "while :; do :; done"
            ]).status == 0)
        #expect(
            try Shell.run([
                "docker", "run", "-d", "--name", bystander, "--cpus", "0.5", TestEnvironment.testImage, "sleep", "600"
            ]).status == 0)

        // Its recording goes to the peer's temporary directory (the default is /var/lib/periscope).
        let agent = try AlertPeer("agent", readyPath: "/api/v1/captures") { port, directory in
            [
                TestEnvironment.periscopeBinary, "serve", "--listen", "127.0.0.1:\(port)", "--db",
                directory + "/periscope.db", "--capture-dir", directory + "/captures",
                "--alert-captures", "profile", "--alert-capture-duration", "2s"
            ]
        }
        let alertmanager = try AlertPeer("alertmanager", readyPath: "/-/ready") { port, directory in
            try """
            route: {receiver: periscope, group_by: [alertname, name], group_wait: 1s, group_interval: 5s, repeat_interval: 1h}
            receivers:
              - name: periscope
                webhook_configs: [{url: '\(agent.url("/api/v1/alerts"))'}]

            """.write(toFile: directory + "/alertmanager.yml", atomically: true, encoding: .utf8)
            // No cluster: a lone instance gossips with no other session's.
            return [
                "/usr/bin/prometheus-alertmanager", "--config.file=\(directory)/alertmanager.yml",
                "--storage.path=\(directory)/data",
                "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address="
            ]
        }
        let prometheus = try AlertPeer("prometheus", readyPath: "/-/ready") { port, directory in
            try """
            groups:
              - name: periscope
                rules:
                  - alert: ContainerCPUThrottled
                    expr: rate(container_cpu_cfs_throttled_periods_total{name=~"\(prefix)-.*"}[5s]) > 1
                    labels: {severity: warning}

            """.write(toFile: directory + "/rules.yml", atomically: true, encoding: .utf8)
            try """
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            rule_files: ['\(directory)/rules.yml']
            alerting: {alertmanagers: [{static_configs: [{targets: ['127.0.0.1:\(alertmanager.port)']}]}]}
            scrape_configs:
              - job_name: periscope
                static_configs: [{targets: ['127.0.0.1:\(agent.port)']}]

            """.write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
            return [
                "/usr/bin/prometheus", "--config.file=\(directory)/prometheus.yml",
                "--storage.tsdb.path=\(directory)/data",
                "--web.listen-address=127.0.0.1:\(port)"
            ]
        }

        // Two scrapes for a rate, a rule evaluation, group_wait, then the 2 s profile.
        let deadline = Date().addingTimeInterval(120)
        var found: [String: Any]?
        while Date() < deadline, found == nil {
            let captures =
                (try AlertPeer.json(agent.url("/api/v1/captures")) as? [String: Any])?["captures"] as? [[String: Any]]
                ?? []
            found = captures.first {
                ($0["trigger"] as? [String: Any])?["source"] as? String == "alert"
                    && $0["state"] as? String != "running"
            }
            if found == nil { usleep(500_000) }
        }
        let alertmanagerAlerts = (try? AlertPeer.get(alertmanager.url("/api/v2/alerts")).body) ?? "?"
        let prometheusAlerts = (try? AlertPeer.get(prometheus.url("/api/v1/alerts")).body) ?? "?"
        let capture = try #require(
            found,
            "no alert-triggered capture in 120 s. Alertmanager: \(alertmanagerAlerts); Prometheus: \(prometheusAlerts); agent log: \(agent.log.suffix(2000))"
        )
        #expect(capture["container"] as? String == name)
        #expect(capture["kind"] as? String == "profile")
        #expect(capture["state"] as? String == "succeeded", "\(capture)")
        #expect((capture["trigger"] as? [String: Any])?["alertName"] as? String == "ContainerCPUThrottled")
        let id = try #require(capture["id"] as? String)
        let file = try AlertPeer.get(agent.url("/api/v1/captures/\(id)/file"))
        #expect(file.status == 200 && file.body.contains("<svg") && file.body.contains(name))
        let all =
            (try AlertPeer.json(agent.url("/api/v1/captures")) as? [String: Any])?["captures"] as? [[String: Any]] ?? []
        #expect(
            !all.contains { $0["container"] as? String == bystander },
            "the bystander was never throttled, never alerted on")
        #expect(agent.stop() == 0, "the agent stops cleanly on SIGTERM")
    }
}
