import Foundation
import Synchronization

/// What an alert about a container starts.
package struct AlertCapturePolicy: Sendable {
    /// The captures each firing alert starts (a diagnosis window and a profile by default; a
    /// trace snapshot takes the same expensive slot as the profile, so only one of them runs).
    package var kinds: [CaptureKind] = [.diagnosis, .profile]
    /// How long each capture lasts.
    package var durationSeconds: Double = 10
    /// After captures of a container start, alerts about it start none for this long:
    /// Alertmanager repeats a firing alert every `repeat_interval`, and several rules can fire
    /// for one container at once.
    package var minimumIntervalSeconds: Double = 300

    package init() {}
}

/// Turns Alertmanager webhooks into captures: for each firing alert that names a container,
/// the policy's captures, at most once per `minimumIntervalSeconds` per container.
package final class AlertCaptureTrigger: Sendable {
    /// What happened to one alert.
    package struct Outcome: Sendable, Encodable, Equatable {
        package var alertName: String?
        package var fingerprint: String?
        /// The `name`/`container` label, if any.
        package var containerLabel: String?
        /// The container resolved from it.
        package var container: String?
        /// started, rate-limited, resolved-alert, no-container-label, unknown-container, not-taken.
        package var action: String
        package var detail: String?
        /// Captures started or recorded as skipped for it.
        package var captureIDs: [String] = []

        package init(
            alertName: String?, fingerprint: String?, containerLabel: String?, action: String, detail: String? = nil
        ) {
            self.alertName = alertName
            self.fingerprint = fingerprint
            self.containerLabel = containerLabel
            self.action = action
            self.detail = detail
        }
    }

    package let policy: AlertCapturePolicy
    private let manager: CaptureManager
    private let lastStart = Mutex<[String: Double]>([:])

    package init(manager: CaptureManager, policy: AlertCapturePolicy) throws(CaptureManager.StartError) {
        _ = try manager.checkedDuration(policy.durationSeconds)
        self.manager = manager
        self.policy = policy
    }

    /// Acts on every alert of the payload, in order; returns one outcome per alert.
    package func handle(_ payload: AlertmanagerWebhook, now: Double = Date().timeIntervalSince1970) -> [Outcome] {
        var outcomes: [Outcome] = []
        for (index, alert) in payload.alerts.enumerated() {
            var outcome = Outcome(
                alertName: alert.labels["alertname"], fingerprint: alert.fingerprint,
                containerLabel: alert.containerQuery, action: "")
            if index >= AlertmanagerWebhook.maximumAlerts {
                outcome.action = "not-taken"
                outcome.detail = "more than \(AlertmanagerWebhook.maximumAlerts) alerts in one payload"
            } else if !alert.isFiring {
                outcome.action = "resolved-alert"
            } else if let query = alert.containerQuery {
                act(on: alert, query: query, now: now, outcome: &outcome)
            } else {
                outcome.action = "no-container-label"
                outcome.detail = "the alert has no name or container label"
            }
            outcomes.append(outcome)
        }
        return outcomes
    }

    private func act(on alert: AlertmanagerWebhook.Alert, query: String, now: Double, outcome: inout Outcome) {
        let container: ResolvedContainer
        do { container = try manager.resolve(query) } catch {
            outcome.action = "unknown-container"
            outcome.detail = "\(error)"
            return
        }
        outcome.container = container.displayName
        // Claimed before starting, so two payloads at once cannot both pass.
        let previous: Double? = lastStart.withLock { starts in
            if let last = starts[container.id], now - last < policy.minimumIntervalSeconds { return last }
            starts[container.id] = now
            return nil
        }
        if let previous {
            outcome.action = "rate-limited"
            outcome.detail =
                "captures of \(container.displayName) started \(Int(now - previous)) s ago; at most one set every \(Int(policy.minimumIntervalSeconds)) s"
            return
        }
        let trigger = CaptureTrigger.alert(name: alert.labels["alertname"], fingerprint: alert.fingerprint)
        var notes: [String] = []
        for kind in policy.kinds {
            do {
                let record = try manager.start(
                    container: container.id, kind: kind, durationSeconds: policy.durationSeconds, trigger: trigger)
                outcome.captureIDs.append(record.id.text)
            } catch {
                // Listed, so whoever reads the capture list sees the alert asked for it.
                let record = manager.recordSkipped(
                    container: container.displayName, containerID: container.id, kind: kind, trigger: trigger,
                    reason: error.description)
                outcome.captureIDs.append(record.id.text)
                notes.append("\(kind.rawValue) not taken: \(error.description)")
            }
        }
        outcome.action = "started"
        outcome.detail = notes.isEmpty ? nil : notes.joined(separator: "; ")
    }
}
