import Captures
import Foundation
import Testing

@Suite struct AlertCaptureTriggerTests {
    /// A payload as Alertmanager 0.25 sends it (captured from a real webhook delivery).
    static func payload(alerts: [(status: String, labels: [String: String])]) -> [UInt8] {
        let items = alerts.enumerated().map { index, alert in
            let labels = alert.labels.map { "\"\($0.key)\":\"\($0.value)\"" }.sorted().joined(separator: ",")
            return """
                {"status":"\(alert.status)","labels":{\(labels)},"annotations":{"summary":"throttled"},"startsAt":"2026-12-03T12:00:00Z",\
                "endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus:9090/graph","fingerprint":"f\(index)"}
                """
        }
        return Array(
            """
            {"receiver":"periscope","status":"firing","alerts":[\(items.joined(separator: ","))],"groupLabels":{"alertname":"ContainerThrottled"},\
            "commonLabels":{},"commonAnnotations":{},"externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}:{alertname=\\"ContainerThrottled\\"}","truncatedAlerts":0}
            """.utf8)
    }

    @Test func aFiringAlertNamingAContainerStartsADiagnosisAndAProfile() throws {
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // The captures run until the test has handled the whole payload.
        let gate = Gate()
        let manager = try makeManager(root: root, release: gate)
        var policy = AlertCapturePolicy()
        policy.durationSeconds = 1
        let trigger = try AlertCaptureTrigger(manager: manager, policy: policy)
        let webhook = try AlertmanagerWebhook.decode(
            Self.payload(alerts: [
                ("firing", ["alertname": "ContainerThrottled", "name": "web"]),
                ("firing", ["alertname": "ContainerThrottled", "container": "db"]),
                ("resolved", ["alertname": "ContainerThrottled", "name": "web"]),
                ("firing", ["alertname": "HostDown"]),
                ("firing", ["alertname": "ContainerThrottled", "name": "gone"])
            ]))
        let outcomes = trigger.handle(webhook)
        #expect(
            outcomes.map(\.action) == [
                "started", "started", "resolved-alert", "no-container-label", "unknown-container"
            ])
        #expect(outcomes[0].container == "web" && outcomes[0].captureIDs.count == 2)
        gate.release()
        #expect(manager.waitUntilIdle(timeoutSeconds: 10))
        let byContainer = Dictionary(grouping: manager.captures, by: \.container)
        let web = try #require(byContainer["web"])
        #expect(Set(web.map(\.kind)) == [.diagnosis, .profile])
        #expect(
            web.allSatisfy {
                $0.state == .succeeded && $0.trigger == .alert(name: "ContainerThrottled", fingerprint: "f0")
            })
        // db's profile met web's in the one expensive slot: listed as skipped, with why.
        let dbProfile = try #require(byContainer["db"]?.first { $0.kind == .profile })
        #expect(dbProfile.state == .skipped)
        #expect(dbProfile.error?.contains("one capture at a time") == true)
    }

    @Test func aRealAlertmanagerDeliveryDecodes() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Fixtures/alertmanager-0.25-webhook.json"
        ).path
        let body = try #require(FileManager.default.contents(atPath: path))
        let webhook = try AlertmanagerWebhook.decode(Array(body))
        #expect(webhook.version == "4" && webhook.status == "firing" && webhook.receiver == "periscope")
        #expect(webhook.alerts.count == 1)
        let alert = try #require(webhook.alerts.first)
        #expect(alert.isFiring && alert.containerQuery == "web" && alert.labels["alertname"] == "ContainerCPUThrottled")
        #expect(alert.fingerprint == "0e69c99f40b3cf31")
    }

    @Test func alertsAboutTheSameContainerAreRateLimited() throws {
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = try makeManager(root: root)
        var policy = AlertCapturePolicy()
        policy.kinds = [.diagnosis]
        policy.durationSeconds = 1
        policy.minimumIntervalSeconds = 60
        let trigger = try AlertCaptureTrigger(manager: manager, policy: policy)
        let webhook = try AlertmanagerWebhook.decode(
            Self.payload(alerts: [("firing", ["alertname": "A", "name": "web"])]))
        #expect(trigger.handle(webhook, now: 1000).map(\.action) == ["started"])
        // The id and the name are the same container.
        let byID = try AlertmanagerWebhook.decode(
            Self.payload(alerts: [("firing", ["alertname": "B", "name": "aaaaaaaaaaaa"])]))
        #expect(trigger.handle(byID, now: 1030).map(\.action) == ["rate-limited"])
        #expect(manager.waitUntilIdle(timeoutSeconds: 10))
        #expect(trigger.handle(webhook, now: 1061).map(\.action) == ["started"])
        #expect(manager.waitUntilIdle(timeoutSeconds: 10))
        #expect(manager.captures.count == 2)
    }

    @Test func aPolicyBeyondTheDurationCapIsRefused() throws {
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var policy = AlertCapturePolicy()
        policy.durationSeconds = 3600
        #expect(throws: CaptureManager.StartError.self) {
            try AlertCaptureTrigger(manager: try makeManager(root: root), policy: policy)
        }
    }

    static let malformed: [(String, String)] = [
        ("", "not JSON"),
        ("{", "not JSON"),
        ("[]", "wrong type"),
        (#"{"version":"4","status":"firing"}"#, "missing alerts"),
        (#"{"version":"4","status":"firing","alerts":[{"status":"firing"}]}"#, "missing alerts.Index 0.labels"),
        (#"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"name":7}}]}"#, "wrong type"),
        (#"{"version":"4","status":"firing","alerts":[{"status":"pending","labels":{}}]}"#, "firing or resolved")
    ]

    @Test(arguments: malformed)
    func malformedBodiesAreRefusedWithTheReason(body: String, reason: String) {
        do {
            _ = try AlertmanagerWebhook.decode(Array(body.utf8))
            Issue.record("accepted \(body)")
        } catch {
            guard case .malformed(let detail) = error else { Issue.record("\(error)"); return }
            #expect(detail.contains(reason), "\(detail)")
        }
    }

    @Test func otherVersionsAndOversizedBodiesAreRefused() {
        #expect(throws: AlertmanagerWebhookError.unsupportedVersion("3")) {
            try AlertmanagerWebhook.decode(Array(#"{"version":"3","status":"firing","alerts":[]}"#.utf8))
        }
        let huge = [UInt8](repeating: 0x20, count: AlertmanagerWebhook.maximumBodyBytes + 1)
        #expect(
            throws: AlertmanagerWebhookError.tooLarge(bytes: huge.count, limit: AlertmanagerWebhook.maximumBodyBytes)
        ) {
            try AlertmanagerWebhook.decode(huge)
        }
    }
}
