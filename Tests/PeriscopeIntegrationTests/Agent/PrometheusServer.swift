import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real Prometheus (Debian's package) scraping the agent every second, with its own
/// configuration and data directory, stopped and deleted afterwards.
final class PrometheusServer {
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus") }
    static let reason = "needs Debian's prometheus (promtool, prometheus): run scripts/test-setup.sh"

    let port: Int
    private let directory: String
    private let pid: pid_t

    init(scraping target: String, bearerToken: String? = nil) throws {
        port = try FreePort.find()
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("periscope-prometheus-\(getpid())-\(port)")
            .path
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        var job = """
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            scrape_configs:
              - job_name: periscope
                static_configs: [{targets: ['\(target)']}]

            """
        if let bearerToken {
            try bearerToken.write(toFile: directory + "/token", atomically: true, encoding: .utf8)
            job += "    authorization: {credentials_file: '\(directory)/token'}\n"
        }
        try job.write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
        pid = try Shell.spawn(
            [
                "/usr/bin/prometheus", "--config.file=\(directory)/prometheus.yml",
                "--storage.tsdb.path=\(directory)/data",
                "--web.listen-address=127.0.0.1:\(port)"
            ], standardOutput: directory + "/log", standardError: directory + "/log")
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let response = try? HTTP.get("http://127.0.0.1:\(port)/-/ready"), response.status == 200 { return }
            usleep(200_000)
        }
        throw Shell.Failure(
            command: ["prometheus"], result: .init(status: -1, standardOutput: log, standardError: "not ready in 30 s"))
    }

    var log: String { (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? "" }

    /// The value of an instant query's single sample; nil when it returned no sample.
    func query(_ expression: String) throws -> Double? {
        let response = try HTTP.request(
            "http://127.0.0.1:\(port)/api/v1/query", method: "POST", dataURLEncode: ["query=\(expression)"])
        guard let object = try HTTP.json(response) as? [String: Any], let data = object["data"] as? [String: Any],
            let result = data["result"] as? [[String: Any]]
        else { return nil }
        guard let value = result.first?["value"] as? [Any], value.count == 2, let text = value[1] as? String else {
            return nil
        }
        return Double(text)
    }

    /// The health of the scrape target ("up" once Prometheus scraped it).
    func targetHealth() throws -> String? {
        let response = try HTTP.get("http://127.0.0.1:\(port)/api/v1/targets")
        let object = try HTTP.json(response) as? [String: Any]
        let active = (object?["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]]
        return active?.first?["health"] as? String
    }

    deinit {
        kill(pid, SIGTERM)
        Shell.wait(pid)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
