import Foundation

/// The body Alertmanager posts to a `webhook_config` receiver (payload version 4, the only
/// one Alertmanager has sent since 0.x). Fields Periscope does not use are still decoded when
/// present so a malformed one is refused, not silently ignored.
public struct AlertmanagerWebhook: Decodable, Sendable {
    public struct Alert: Decodable, Sendable {
        /// `firing` or `resolved`.
        public var status: String
        public var labels: [String: String]
        public var annotations: [String: String]?
        public var startsAt: String?
        public var endsAt: String?
        public var generatorURL: String?
        public var fingerprint: String?

        /// The container the alert names: its `name` label (cAdvisor's, and Periscope's
        /// /metrics), else `container` (Kubernetes').
        public var containerQuery: String? {
            for key in ["name", "container"] {
                if let value = labels[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return value }
            }
            return nil
        }

        public var isFiring: Bool { status == "firing" }
    }

    public var version: String
    public var groupKey: String?
    public var truncatedAlerts: Int?
    /// `firing` or `resolved` for the group.
    public var status: String
    public var receiver: String?
    public var groupLabels: [String: String]?
    public var commonLabels: [String: String]?
    public var commonAnnotations: [String: String]?
    public var externalURL: String?
    public var alerts: [Alert]

    /// The largest body accepted: Alertmanager's payloads are a few KiB per alert.
    public static let maximumBodyBytes = 1 << 20
    /// Alerts acted on per payload; the rest are reported as ignored.
    public static let maximumAlerts = 200

    /// Decodes and checks a body.
    public static func decode(_ body: [UInt8]) throws(AlertmanagerWebhookError) -> AlertmanagerWebhook {
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
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case .dataCorrupted(let context)?:
            return "not JSON: \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

/// Why a webhook body was refused (HTTP 413 for too large, 400 otherwise).
public enum AlertmanagerWebhookError: Error, Equatable, CustomStringConvertible {
    case tooLarge(bytes: Int, limit: Int)
    case malformed(String)
    case unsupportedVersion(String)

    public var description: String {
        switch self {
        case .tooLarge(let bytes, let limit): return "the body has \(bytes) bytes; the limit is \(limit)"
        case .malformed(let detail): return "not an Alertmanager webhook payload: \(detail)"
        case .unsupportedVersion(let version): return "Alertmanager webhook payload version \(version) is not supported (only 4)"
        }
    }
}
