/// A condition on a live metric that triggers a snapshot: `throttled>50` (percent of CFS
/// periods throttled since the previous sample), `cpu-pressure>40`, `memory-pressure>10`,
/// `io-pressure>20` (PSI `some` avg10, percent), each for the host or, prefixed with
/// `container:NAME:`, for one container.
public struct SnapshotCondition: Sendable, Equatable, CustomStringConvertible {
    public enum Metric: String, Sendable, CaseIterable {
        case throttled
        case cpuPressure = "cpu-pressure"
        case memoryPressure = "memory-pressure"
        case ioPressure = "io-pressure"
    }

    /// The container query (name, id prefix, PID); nil for the host.
    public var container: String?
    public var metric: Metric
    public var threshold: Double
    /// `>=` rather than `>`.
    public var inclusive: Bool

    public var description: String {
        (container.map { "container:\($0):" } ?? "") + metric.rawValue + (inclusive ? ">=" : ">") + String(threshold)
    }

    public func isMet(by value: Double) -> Bool { inclusive ? value >= threshold : value > threshold }

    /// Parses `[container:NAME:]METRIC>VALUE` (or `>=`).
    public static func parse(_ text: String) throws(SnapshotConditionError) -> SnapshotCondition {
        guard let operatorStart = text.firstIndex(of: ">") else { throw .malformed(text) }
        var subject = Substring(text[..<operatorStart])
        var valueText = text[text.index(after: operatorStart)...]
        let inclusive = valueText.hasPrefix("=")
        if inclusive { valueText = valueText.dropFirst() }
        guard let threshold = Double(valueText.trimmingCharacters(in: " ")), threshold.isFinite else {
            throw .malformed(text)
        }
        var container: String?
        if subject.hasPrefix("container:") {
            subject = subject.dropFirst("container:".count)
            guard let colon = subject.lastIndex(of: ":"), colon > subject.startIndex else { throw .malformed(text) }
            container = String(subject[..<colon])
            subject = subject[subject.index(after: colon)...]
        }
        guard let metric = Metric(rawValue: String(subject.trimmingCharacters(in: " "))) else {
            throw .unknownMetric(String(subject))
        }
        if metric == .throttled && container == nil { throw .needsContainer(metric.rawValue) }
        return SnapshotCondition(container: container, metric: metric, threshold: threshold, inclusive: inclusive)
    }
}

public enum SnapshotConditionError: Error, Sendable, CustomStringConvertible, Equatable {
    case malformed(String)
    case unknownMetric(String)
    case needsContainer(String)

    public var description: String {
        switch self {
        case .malformed(let text):
            return "'\(text)' is not [container:NAME:]METRIC>VALUE (e.g. container:web:throttled>50, cpu-pressure>40)"
        case .unknownMetric(let name):
            return
                "unknown metric '\(name)'; use \(SnapshotCondition.Metric.allCases.map(\.rawValue).joined(separator: ", "))"
        case .needsContainer(let name): return "\(name) is a per-container metric: write container:NAME:\(name)>VALUE"
        }
    }
}
