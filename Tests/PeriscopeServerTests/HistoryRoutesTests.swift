import Foundation
import Hummingbird
import HummingbirdTesting
import PeriscopeServer
import Testing

/// /api/v1/history and ranged /api/v1/diagnosis answer from the recording, not from memory:
/// a container the agent no longer samples (removed) is still found by its name.
@Suite struct HistoryRoutesTests {
    static func get(_ agent: AgentState, _ path: String) async throws -> (HTTPResponse.Status, [String: Any]?) {
        let configuration = try ServerConfiguration()
        let router = AgentApplication.makeRouter(
            configuration: configuration,
            groups: AgentApplication.standardRouteGroups(agent: agent, configuration: configuration))
        return try await Application(router: router).test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                (
                    response.status,
                    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                )
            }
        }
    }

    @Test func historyOfARemovedContainerComesFromTheRecording() async throws {
        // Nothing published: `web` is not running, only recorded.
        let agent = AgentState(recording: try AgentFixtures.recording())
        // since=0: the shared recording was written when the test process started, which a
        // slow run can push out of the default window (the last 5 minutes).
        let (status, body) = try await Self.get(agent, "/api/v1/history?container=web&since=0")
        #expect(status == .ok)
        let container = body?["container"] as? [String: Any]
        #expect(container?["name"] as? String == "web")
        #expect(container?["key"] as? String == AgentFixtures.webKey)
        let points = try #require(body?["points"] as? [[String: Any]])
        #expect(points.count == 2, "three samples one second apart give two intervals")
        for point in points {
            let cpu = (point["rates"] as? [String: Any])?["cpu"] as? [String: Any]
            let cores = cpu?["usageCores"] as? Double
            #expect(cores.map { abs($0 - 0.5) < 0.01 } == true, "0.5 s of CPU per second recorded: \(point)")
        }
        let (missing, _) = try await Self.get(agent, "/api/v1/history?container=nosuch")
        #expect(missing == .notFound)
    }

    @Test func historyWithoutARecordingSaysWhy() async throws {
        let (status, body) = try await Self.get(AgentState(), "/api/v1/history?container=web")
        #expect(status == .notFound)
        #expect(((body?["error"] as? [String: Any])?["message"] as? String)?.contains("--db") == true)
    }

    @Test func rangedDiagnosisReplaysTheRecording() async throws {
        let agent = AgentState(recording: try AgentFixtures.recording())
        let now = Double(AgentFixtures.recordedAtMilliseconds) / 1000
        let configuration = try ServerConfiguration()
        let router = AgentApplication.makeRouter(
            configuration: configuration,
            groups: AgentApplication.standardRouteGroups(agent: agent, configuration: configuration))
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/v1/diagnosis?since=\(now - 120)&until=\(now + 1)", method: .get) {
                response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let windows = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]]
                #expect(windows?.count == 1)
                #expect(String(buffer: response.body).contains("replayed from the recording"))
            }
            // Long before anything was recorded: the recording says what it holds.
            try await client.execute(uri: "/api/v1/diagnosis?since=1000&until=2000", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("it holds"))
            }
        }
    }
}
