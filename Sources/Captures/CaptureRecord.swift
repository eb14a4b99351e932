import Profiling

/// What a capture collects.
public enum CaptureKind: String, Sendable, Codable, CaseIterable {
    /// On-CPU call stacks of the container's processes (perf_event sampling).
    case profile
    /// Kernel events of the container's threads: a trace directory, as a tarball.
    case trace
    /// The container performance method over a window: findings with evidence, as JSON.
    case diagnosis

    /// Whether it holds kernel resources (perf events, a tracefs instance) and so takes the
    /// one expensive slot; diagnosis windows only read /proc and cgroup files.
    public var isExpensive: Bool { self != .diagnosis }
}

/// Where a capture is in its life.
public enum CaptureState: String, Sendable, Codable {
    case running
    case succeeded
    /// It ran and failed; `error` says why.
    case failed
    /// It was stopped before its end (the agent stopping); what was collected is kept.
    case cancelled
    /// It never ran (an alert's capture while another ran, or rate-limited); `error` says why.
    case skipped
}

/// Why a capture was taken.
public struct CaptureTrigger: Sendable, Codable, Equatable {
    /// `api` (a user, the web UI) or `alert`.
    public var source: String
    /// The alert's name (`alertname` label) for alert-triggered captures.
    public var alertName: String?
    /// The alert's fingerprint, to match the capture with Alertmanager's view.
    public var alertFingerprint: String?

    public static let api = CaptureTrigger(source: "api")

    public static func alert(name: String?, fingerprint: String?) -> CaptureTrigger {
        CaptureTrigger(source: "alert", alertName: name, alertFingerprint: fingerprint)
    }
}

/// One capture in the list: what was asked, what happened, where the result is.
public struct CaptureRecord: Sendable, Codable, Equatable {
    public var id: CaptureID
    /// The container's display name and full id at the start.
    public var container: String
    public var containerID: String
    public var kind: CaptureKind
    /// For profiles, the file format.
    public var format: ProfileOutputFormat?
    public var trigger: CaptureTrigger
    /// Seconds asked for (after the cap).
    public var durationSeconds: Double
    /// Unix times, seconds.
    public var startedAt: Double
    public var finishedAt: Double?
    public var state: CaptureState
    /// The result file, inside the capture's own directory; nil until it exists.
    public var fileName: String?
    public var sizeBytes: UInt64?
    public var contentType: String?
    /// Why it failed or was skipped; for a success, what to know about it (samples lost...).
    public var error: String?
    /// A one-line summary of what was collected ("1234 samples kept of 1300").
    public var summary: String?
    /// The file was deleted to keep the capture directory within its size budget.
    public var evicted: Bool = false

    /// Whether the result can be downloaded.
    public var hasFile: Bool { fileName != nil && !evicted && state != .running }
}
