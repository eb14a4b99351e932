import Captures
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import PeriscopeServer
import Synchronization
import Testing

/// The capture, alert and web UI routes in-process, with a stand-in runner (the live tests in
/// CapturesTests take real profiles and traces): status codes, Retry-After, ids that cannot
/// name a path, bounded and checked bodies, the embedded UI files.
@Suite struct CaptureRoutesTests {
    /// Writes `bytes` after the gate opens (or the agent stops).
    struct StandInRunner: CaptureRunner {
        let gate: Gate
        func run(_ job: CaptureJob, shouldStop: @escaping @Sendable () -> Bool) throws -> CaptureOutput {
            while !gate.isOpen && !shouldStop() { usleep(2_000) }
            try Data("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8).write(
                to: URL(fileURLWithPath: "\(job.directory)/profile.svg"))
            return CaptureOutput(fileName: "profile.svg", contentType: "image/svg+xml", summary: "stand-in")
        }
    }

    final class Gate: Sendable {
        private let open = Atomic<Bool>(false)
        var isOpen: Bool { open.load(ordering: .acquiring) }
        func release() { open.store(true, ordering: .releasing) }
    }

    struct Fixture {
        let root: String
        let gate = Gate()
        let captures: CaptureManager
        let trigger: AlertCaptureTrigger

        init() throws {
            root = "/tmp/periscope-capture-routes-\(UUID().uuidString)"
            var configuration = CaptureManager.Configuration(root: root)
            configuration.maximumDurationSeconds = 30
            let runner = StandInRunner(gate: gate)
            let resolver = ContainerResolver { query in
                guard query == "web" || query == "docker:0123456789abcdef" else {
                    throw ContainerNotFound(query: query, detail: "no container \(query)")
                }
                return ResolvedContainer(displayName: "web", id: "0123456789abcdef", key: "docker:0123456789abcdef")
            }
            captures = try CaptureManager(
                configuration: configuration, runners: [.profile: runner, .trace: runner, .diagnosis: runner],
                resolver: resolver)
            var policy = AlertCapturePolicy()
            policy.durationSeconds = 1
            trigger = try AlertCaptureTrigger(manager: captures, policy: policy)
        }

        func app() throws -> some ApplicationProtocol {
            let configuration = try ServerConfiguration(maximumBodyBytes: 4096)
            let groups: [any AgentRouteGroup] = [
                CaptureRoutes(captures: captures, maximumBodyBytes: 4096), AlertRoutes(trigger: trigger), WebUIRoutes()
            ]
            return Application(router: AgentApplication.makeRouter(configuration: configuration, groups: groups))
        }

        func finish() {
            gate.release()
            _ = captures.waitUntilIdle(timeoutSeconds: 10)
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    static func json(_ body: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    @Test func aProfileIsStartedListedAndDownloadedAndASecondOneWaits() async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        try await fixture.app().test(.router) { client in
            let start = ByteBuffer(
                string: #"{"container": "web", "kind": "profile", "durationSeconds": 5, "format": "svg"}"#)
            var id = ""
            try await client.execute(uri: "/api/v1/captures", method: .post, body: start) { response in
                #expect(response.status == .accepted)
                let record = Self.json(response.body)
                id = record["id"] as? String ?? ""
                #expect(record["state"] as? String == "running" && record["container"] as? String == "web")
                #expect(response.headers[.location] == "/api/v1/captures/\(id)")
            }
            try await client.execute(
                uri: "/api/v1/captures", method: .post,
                body: ByteBuffer(string: #"{"container": "web", "kind": "trace"}"#)
            ) { response in
                #expect(response.status == .tooManyRequests)
                let seconds = response.headers[.retryAfter].flatMap(Int.init)
                // What is left of the 5 s capture plus 2 s: at most 7, and less when this request
                // came late (the suites run in parallel).
                #expect(
                    seconds != nil && (1...7).contains(seconds!),
                    "Retry-After: \(response.headers[.retryAfter] ?? "none")")
            }
            try await client.execute(uri: "/api/v1/captures/\(id)/file", method: .get) { response in
                #expect(response.status == .conflict, "still running")
            }
            fixture.gate.release()
            #expect(fixture.captures.waitUntilIdle(timeoutSeconds: 10))
            try await client.execute(uri: "/api/v1/captures/\(id)", method: .get) { response in
                #expect(Self.json(response.body)["state"] as? String == "succeeded")
            }
            try await client.execute(uri: "/api/v1/captures/\(id)/file?download=1", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/svg+xml")
                #expect(
                    response.headers[.contentDisposition] == "attachment; filename=\"periscope-web-profile-\(id).svg\"")
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(String(buffer: response.body).hasPrefix("<svg"))
            }
            try await client.execute(uri: "/api/v1/captures", method: .get) { response in
                let list = Self.json(response.body)
                #expect((list["captures"] as? [[String: Any]])?.first?["id"] as? String == id)
                #expect(list["budgetBytes"] as? Int == 512 << 20)
            }
        }
    }

    @Test(arguments: [
        (#"{"container": "web", "kind": "profile", "durationSeconds": 31}"#, HTTPResponse.Status.badRequest),
        (#"{"container": "web", "kind": "profile", "durationSeconds": -1}"#, .badRequest),
        (#"{"container": "web", "kind": "coredump"}"#, .badRequest),
        (#"{"container": "web", "kind": "trace", "format": "svg"}"#, .badRequest),
        (#"{"container": "nosuch", "kind": "profile"}"#, .notFound),
        (#"{"kind": "profile"}"#, .badRequest),
        ("not json", .badRequest),
        (String(repeating: " ", count: 5000) + "{}", .contentTooLarge)
    ])
    func badCaptureRequestsAreClientErrors(body: String, status: HTTPResponse.Status) async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/captures", method: .post, body: ByteBuffer(string: body)) {
                response in
                #expect(response.status == status, "\(body.prefix(60)): \(String(buffer: response.body))")
            }
        }
        #expect(fixture.captures.captures.isEmpty)
    }

    @Test(arguments: [
        "/api/v1/captures/..%2F..%2F..%2Fetc%2Fpasswd/file", "/api/v1/captures/..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/v1/captures/%2e%2e/file", "/api/v1/captures/captures.json/file", "/api/v1/captures/0123456789abcdef/file",
        "/api/v1/captures/0123456789ABCDEF/file", "/api/v1/captures/..%252F..%252Fetc%252Fpasswd/file",
        "/ui/..%2F..%2F..%2Fetc%2Fpasswd", "/ui/%2e%2e%2fPackage.swift", "/ui/no-such.js"
    ])
    func pathParametersCannotReachAFile(path: String) async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        try Data("secret".utf8).write(to: URL(fileURLWithPath: "\(fixture.root)/secret"))
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .notFound, "\(path): \(response.status)")
                #expect(
                    !String(buffer: response.body).contains("secret")
                        && !String(buffer: response.body).contains("root:"))
            }
        }
    }

    @Test func anAlertmanagerWebhookStartsCapturesOfTheNamedContainer() async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        let body = #"""
            {"receiver":"periscope","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"ContainerCPUThrottled","name":"web"},
            "annotations":{},"startsAt":"2026-12-03T12:43:29Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"0e69c99f40b3cf31"}],
            "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://vm:9093","version":"4","groupKey":"{}","truncatedAlerts":0}
            """#
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/alerts", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
                let alerts = Self.json(response.body)["alerts"] as? [[String: Any]]
                #expect(alerts?.first?["action"] as? String == "started")
                #expect((alerts?.first?["captureIDs"] as? [String])?.count == 2)
            }
            try await client.execute(uri: "/api/v1/alerts", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(
                    (Self.json(response.body)["alerts"] as? [[String: Any]])?.first?["action"] as? String
                        == "rate-limited")
            }
        }
        fixture.gate.release()
        #expect(fixture.captures.waitUntilIdle(timeoutSeconds: 10))
        #expect(Set(fixture.captures.captures.map(\.kind)) == [.diagnosis, .profile])
        #expect(fixture.captures.captures.allSatisfy { $0.trigger.source == "alert" && $0.container == "web" })
    }

    @Test(arguments: [
        ("", HTTPResponse.Status.badRequest), ("{}", .badRequest),
        (#"{"version":"3","status":"firing","alerts":[]}"#, .badRequest),
        (#"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":[]}]}"#, .badRequest),
        (String(repeating: "[", count: 100_000), .badRequest),
        (
            "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[],\"x\":\"" + String(repeating: "a", count: 1 << 20)
                + "\"}", .contentTooLarge
        )
    ])
    func malformedOrOversizedWebhooksAreClientErrors(body: String, status: HTTPResponse.Status) async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/alerts", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == status, "\(body.prefix(60)): \(String(buffer: response.body).prefix(200))")
            }
        }
        #expect(fixture.captures.captures.isEmpty)
    }

    @Test(arguments: [
        ("/", "text/html; charset=utf-8", "index.html"), ("/ui/app.js", "text/javascript; charset=utf-8", "app.js"),
        ("/ui/charts.js", "text/javascript; charset=utf-8", "charts.js"),
        ("/ui/style.css", "text/css; charset=utf-8", "style.css")
    ])
    func theWebUIIsServedFromTheBinaryAsInTheRepository(path: String, contentType: String, file: String) async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../WebUI/\(file)"
        ).standardized
        let onDisk = try #require(
            FileManager.default.contents(atPath: repository.path),
            "run scripts/generate-web-assets.sh after editing WebUI/")
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == contentType)
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
                #expect(
                    Data(buffer: response.body) == onDisk,
                    "the embedded \(file) differs from WebUI/\(file): run scripts/generate-web-assets.sh")
            }
        }
    }
}
