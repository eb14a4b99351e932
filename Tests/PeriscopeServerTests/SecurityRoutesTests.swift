import Diagnosis
import Foundation
import Hummingbird
import HummingbirdTesting
import PeriscopeServer
import Testing

/// The token guard and input checks, in-process: no route answers without the token when
/// there is one, and malformed or oversized input is a 4xx JSON error, never a crash.
@Suite struct SecurityRoutesTests {
    static let secret = "0123456789abcdef-secret"

    static func app(token: Bool, maximumBodyBytes: Int = 1024) throws -> some ApplicationProtocol {
        let configuration = try ServerConfiguration(
            listen: ListenAddress(host: token ? "0.0.0.0" : "127.0.0.1", port: 0),
            token: token ? AccessToken(secret: secret) : nil,
            maximumBodyBytes: maximumBodyBytes)
        let agent = AgentState(recording: try AgentFixtures.recording())
        agent.publish(
            AgentFixtures.sample(at: 0, [AgentFixtures.web(cpuSeconds: 1, throttledPeriods: 0)]),
            metadata: AgentFixtures.metadata)
        agent.publish(
            AgentFixtures.sample(at: 1, [AgentFixtures.web(cpuSeconds: 1.5, throttledPeriods: 5)]),
            metadata: AgentFixtures.metadata)
        let window = AgentFixtures.cappedWindow()
        agent.publish(window: window, report: Diagnoser().diagnose(window), endUnixSeconds: 1_767_000_001)
        return Application(
            router: AgentApplication.makeRouter(
                configuration: configuration,
                groups: AgentApplication.standardRouteGroups(agent: agent, configuration: configuration)))
    }

    @Test(arguments: [
        "/metrics", "/api/v1/inventory", "/api/v1/latest", "/api/v1/diagnosis", "/api/v1/history?container=web",
        "/no/such/path"
    ])
    func refusedWithoutTheToken(path: String) async throws {
        try await Self.app(token: true).test(.router) { client in
            for authorization in [
                nil, "Bearer wrong-token-0123456789", "Bearer ", "Basic \(Self.secret)", "Bearer \(Self.secret)x"
            ] {
                let headers: HTTPFields = authorization.map { [.authorization: $0] } ?? [:]
                try await client.execute(uri: path, method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized, "\(path) with \(authorization ?? "no header")")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"periscope\"")
                    #expect(String(buffer: response.body).contains("\"error\""))
                }
            }
        }
    }

    // `since=0`: the shared recording's samples are as old as the test process, and a slow
    // run can outlast history's default window (the last 5 minutes).
    @Test(arguments: [
        "/metrics", "/api/v1/inventory", "/api/v1/latest", "/api/v1/diagnosis",
        "/api/v1/history?container=web&since=0"
    ])
    func acceptedWithTheToken(path: String) async throws {
        try await Self.app(token: true).test(.router) { client in
            for scheme in ["Bearer", "bearer"] {
                try await client.execute(uri: path, method: .get, headers: [.authorization: "\(scheme) \(Self.secret)"])
                { response in
                    #expect(response.status == .ok, "\(path): \(String(buffer: response.body))")
                }
            }
        }
    }

    @Test(arguments: [
        ("/api/v1/history", HTTPResponse.Status.badRequest), ("/api/v1/history?container=nosuch", .notFound),
        ("/api/v1/history?container=web&since=yesterday", .badRequest),
        ("/api/v1/history?container=web&since=nan", .badRequest),
        ("/api/v1/history?container=web&since=-5", .badRequest),
        ("/api/v1/history?container=web&since=20&until=10", .badRequest),
        ("/api/v1/history?container=\(String(repeating: "x", count: 300))", .badRequest),
        ("/api/v1/diagnosis?since=1e400", .badRequest), ("/api/v1/latest?container=nosuch", .notFound)
    ])
    func malformedQueriesAreClientErrors(path: String, status: HTTPResponse.Status) async throws {
        try await Self.app(token: false).test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == status, "\(path)")
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(
                    (body?["error"] as? [String: Any])?["message"] is String,
                    "\(path): the error is JSON with a message")
            }
        }
    }

    @Test(arguments: [
        ("{\"throttled-ms-per-second\": \"high\"}", HTTPResponse.Status.badRequest), ("not json", .badRequest),
        ("[1, 2]", .badRequest),
        ("{\"no-such-threshold\": 1}", .badRequest), (String(repeating: " ", count: 2000) + "{}", .contentTooLarge)
    ])
    func malformedOrOversizedBodiesAreClientErrors(body: String, status: HTTPResponse.Status) async throws {
        try await Self.app(token: false, maximumBodyBytes: 1024).test(.router) { client in
            try await client.execute(uri: "/api/v1/diagnosis", method: .post, body: ByteBuffer(string: body)) {
                response in
                #expect(response.status == status, "\(body.prefix(40)): \(String(buffer: response.body))")
            }
        }
    }

    @Test func rediagnosesTheKeptWindowWithOtherThresholds() async throws {
        try await Self.app(token: false).test(.router) { client in
            try await client.execute(uri: "/api/v1/diagnosis", method: .post, body: ByteBuffer(string: "{}")) {
                response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"outcome\":\"cap throttled\""))
            }
            // 400 ms/s of throttling is under a 1000 ms/s threshold: no longer "throttled_time increasing".
            try await client.execute(
                uri: "/api/v1/diagnosis", method: .post, body: ByteBuffer(string: "{\"throttled-ms-per-second\": 1000}")
            ) { response in
                #expect(response.status == .ok)
                #expect(!String(buffer: response.body).contains("\"outcome\":\"cap throttled\""))
            }
        }
    }

    /// A browser cannot send the header: the UI's files load without the token, and the
    /// session cookie its sign-in form sets opens the API (a wrong header still closes it).
    @Test func webUIFilesLoadWithoutTheTokenAndItsCookieOpensTheAPI() async throws {
        try await Self.app(token: true).test(.router) { client in
            for path in ["/", "/ui/app.js", "/ui/style.css"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                }
            }
            try await client.execute(
                uri: "/metrics", method: .get, headers: [.cookie: "theme=dark; periscope_token=\(Self.secret)"]
            ) { response in
                #expect(response.status == .ok)
            }
            for headers: HTTPFields in [
                [.cookie: "periscope_token=wrong-\(Self.secret)"], [.cookie: "periscope_token="],
                [.cookie: "periscope_token=\(Self.secret)", .authorization: "Bearer wrong-\(Self.secret)"],
                [.cookie: "other_periscope_token=\(Self.secret)"]
            ] {
                try await client.execute(uri: "/api/v1/inventory", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized, "\(headers)")
                }
            }
            try await client.execute(uri: "/api/v1/captures", method: .post) { response in
                #expect(response.status == .unauthorized, "only the static files are open")
            }
        }
    }
}
