import Foundation

/// The body Alertmanager posts to a `webhook_config` receiver (payload version 4, the only
/// one Alertmanager has sent since 0.x). Fields Periscope does not use are still decoded when
/// present so a malformed one is refused, not silently ignored.
package struct AlertmanagerWebhook: Decodable, Sendable {
    package struct Alert: Decodable, Sendable {
        /// `firing` or `resolved`.
        package var status: String
        package var labels: [String: String]
        package var annotations: [String: String]?
        package var startsAt: String?
        package var endsAt: String?
        package var generatorURL: String?
        package var fingerprint: String?

        /// The container the alert names: its `name` label (cAdvisor's, and Periscope's
        /// /metrics), else `container` (Kubernetes').
        package var containerQuery: String? {
            for key in ["name", "container"] {
                if let value = labels[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return value }
            }
            return nil
        }

        package var isFiring: Bool { status == "firing" }
    }

    package var version: String
    package var groupKey: String?
    package var truncatedAlerts: Int?
    /// `firing` or `resolved` for the group.
    package var status: String
    package var receiver: String?
    package var groupLabels: [String: String]?
    package var commonLabels: [String: String]?
    package var commonAnnotations: [String: String]?
    package var externalURL: String?
    package var alerts: [Alert]

    /// The largest body accepted: Alertmanager's payloads are a few KiB per alert.
    package static let maximumBodyBytes = 1 << 20
    /// Alerts acted on per payload; the rest are reported as ignored.
    package static let maximumAlerts = 200

    /// Decodes and checks a body.
    package static func decode(_ body: [UInt8]) throws(AlertmanagerWebhookError) -> AlertmanagerWebhook {
        guard body.count <= maximumBodyBytes else { throw .tooLarge(bytes: body.count, limit: maximumBodyBytes) }
        let payload: AlertmanagerWebhook
        do { payload = try JSONDecoder().decode(AlertmanagerWebhook.self, from: Data(body)) } catch {
            throw .malformed(Self.describe(error))
        }
        guard payload.version == "4" else { throw .unsupportedVersion(payload.version) }
        for alert in payload.alerts where alert.status != "firing" && alert.status != "resolved" {
            throw .malformed("alert status must be firing or resolved, not \(alert.status)")
        }
        return payload
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return
                "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case .dataCorrupted(let context)?:
            return "not JSON: \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

/// Why a webhook body was refused (HTTP 413 for too large, 400 otherwise).
package enum AlertmanagerWebhookError: Error, Equatable, CustomStringConvertible {
    case tooLarge(bytes: Int, limit: Int)
    case malformed(String)
    case unsupportedVersion(String)

    package var description: String {
        switch self {
        case .tooLarge(let bytes, let limit): return "the body has \(bytes) bytes; the limit is \(limit)"
        case .malformed(let detail): return "not an Alertmanager webhook payload: \(detail)"
        case .unsupportedVersion(let version):
            return "Alertmanager webhook payload version \(version) is not supported (only 4)"
        }
    }
}
