import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real binary: refuses to expose itself without a token, refuses requests without it,
/// and answers malformed or oversized input with 4xx while it keeps serving.
@Suite("periscope serve: token and input checks", .serialized)
struct AgentSecurityTests {
    static let secret = "periscope-test-token-\(getpid())-0123456789"

    static func tokenFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-token-\(getpid())").path
        try (secret + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        return path
    }

    @Test("a non-loopback address without --token-file is refused before binding")
    func refusesToExposeWithoutToken() throws {
        let result = try Shell.periscope(["serve", "--listen", "0.0.0.0:\(try FreePort.find())"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--token-file"), "\(result.standardError)")
        let short = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-short-token-\(getpid())")
            .path
        defer { unlink(short) }
        try "short".write(toFile: short, atomically: true, encoding: .utf8)
        let weak = try Shell.periscope(["serve", "--listen", "0.0.0.0:\(try FreePort.find())", "--token-file", short])
        #expect(weak.status != 0)
        #expect(weak.standardError.contains("at least 16"), "\(weak.standardError)")
    }

    @Test(
        "with a token: 401 without it or with a wrong one, 200 with it; the start message says so",
        .live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
    func tokenRefusedAndAccepted() throws {
        let path = try Self.tokenFile()
        defer { unlink(path) }
        // A container of its own: container series exist only while a container runs.
        let sleeper = try DockerContainer(name: TestEnvironment.uniqueName("agent-token"))
        defer { sleeper.remove() }
        // On loopback with a token the token is still required: the test need not expose the host.
        let agent = try AgentProcess(arguments: ["--token-file", path])
        #expect(agent.log.contains("Authorization: Bearer"), "\(agent.log)")
        sleep(3)  // the first samples
        for path in ["/metrics", "/api/v1/inventory", "/api/v1/diagnosis", "/nothing"] {
            #expect(try HTTP.get(agent.url(path)).status == 401)
            #expect(
                try HTTP.get(agent.url(path), headers: ["Authorization: Bearer wrong-\(Self.secret)"]).status == 401)
            #expect(try HTTP.get(agent.url(path), headers: ["Authorization: Basic \(Self.secret)"]).status == 401)
        }
        // The first sample is published after one interval; on a loaded host that can be late.
        var metrics = try HTTP.get(agent.url("/metrics"), headers: ["Authorization: Bearer \(Self.secret)"])
        for _ in 0..<20 where !metrics.body.contains("container_cpu_usage_seconds_total{") {
            sleep(1)
            metrics = try HTTP.get(agent.url("/metrics"), headers: ["Authorization: Bearer \(Self.secret)"])
        }
        #expect(metrics.status == 200)
        #expect(metrics.body.contains("# TYPE container_cpu_usage_seconds_total counter"))
        #expect(
            try HTTP.get(agent.url("/api/v1/inventory"), headers: ["Authorization: Bearer \(Self.secret)"]).status
                == 200)
        #expect(agent.stop() == 0)
    }

    @Test(
        "malformed and oversized input: 4xx JSON errors, and the agent keeps serving",
        .live(if: TestEnvironment.isRoot, "needs root to read every container's cgroup and /proc files"))
    func malformedInput() throws {
        let agent = try AgentProcess(arguments: ["--window", "2s"])
        sleep(3)
        let oversized = String(repeating: "{", count: 200_000)
        let cases: [(method: String, path: String, body: String?, status: Int)] = [
            ("POST", "/api/v1/diagnosis", oversized, 413),
            ("POST", "/api/v1/diagnosis", "{\"throttled-ms-per-second\": [1]}", 400),
            ("POST", "/api/v1/diagnosis", "\u{0}\u{1}garbage", 400),
            ("POST", "/api/v1/diagnosis", "{\"no-such-threshold\": 1}", 400),
            ("GET", "/api/v1/history?container=%00%ff", nil, 404),
            ("GET", "/api/v1/history?container=web&since=not-a-time", nil, 400),
            ("GET", "/api/v1/history", nil, 400),
            ("GET", "/api/v1/../../etc/passwd", nil, 404),
            ("DELETE", "/metrics", nil, 404)
        ]
        for request in cases {
            let response = try HTTP.request(agent.url(request.path), method: request.method, body: request.body)
            #expect(
                response.status == request.status,
                "\(request.method) \(request.path): \(response.status) \(response.body.prefix(300))")
            #expect(
                response.body.contains("\"error\""), "\(request.method) \(request.path): \(response.body.prefix(300))")
        }
        #expect(try HTTP.get(agent.url("/metrics")).status == 200, "still serving after the bad requests")
        #expect(agent.stop() == 0, "\(agent.log.suffix(2000))")
    }

    @Test(
        "a bounded wrk load on /metrics: every answer 200, no socket errors, still serving afterwards",
        .live(
            if: TestEnvironment.isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk"),
            "needs root and wrk (scripts/test-setup.sh)"))
    func boundedLoad() throws {
        let agent = try AgentProcess(arguments: ["--window", "2s"])
        sleep(2)
        let result = try Shell.run(["wrk", "-t2", "-c16", "-d5s", "--latency", agent.url("/metrics")])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Requests/sec"), "\(result.standardOutput)")
        #expect(!result.standardOutput.contains("Non-2xx"), "\(result.standardOutput)")
        #expect(!result.standardOutput.contains("Socket errors"), "\(result.standardOutput)")
        #expect(try HTTP.get(agent.url("/metrics")).status == 200)
        #expect(agent.stop() == 0, "\(agent.log.suffix(2000))")
    }
}
