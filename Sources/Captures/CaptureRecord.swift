import Profiling

/// What a capture collects.
package enum CaptureKind: String, Sendable, Codable, CaseIterable {
    /// On-CPU call stacks of the container's processes (perf_event sampling).
    case profile
    /// Kernel events of the container's threads: a trace directory, as a tarball.
    case trace
    /// The container performance method over a window: findings with evidence, as JSON.
    case diagnosis

    /// Whether it holds kernel resources (perf events, a tracefs instance) and so takes the
    /// one expensive slot; diagnosis windows only read /proc and cgroup files.
    package var isExpensive: Bool { self != .diagnosis }
}

/// Where a capture is in its life.
package enum CaptureState: String, Sendable, Codable {
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
package struct CaptureTrigger: Sendable, Codable, Equatable {
    /// `api` (a user, the web UI) or `alert`.
    package var source: String
    /// The alert's name (`alertname` label) for alert-triggered captures.
    package var alertName: String?
    /// The alert's fingerprint, to match the capture with Alertmanager's view.
    package var alertFingerprint: String?

    package static let api = CaptureTrigger(source: "api")

    package static func alert(name: String?, fingerprint: String?) -> CaptureTrigger {
        CaptureTrigger(source: "alert", alertName: name, alertFingerprint: fingerprint)
    }
}

/// One capture in the list: what was asked, what happened, where the result is.
package struct CaptureRecord: Sendable, Codable, Equatable {
    package var id: CaptureID
    /// The container's display name and full id at the start.
    package var container: String
    package var containerID: String
    package var kind: CaptureKind
    /// For profiles, the file format.
    package var format: ProfileOutputFormat?
    package var trigger: CaptureTrigger
    /// Seconds asked for (after the cap).
    package var durationSeconds: Double
    /// Unix times, seconds.
    package var startedAt: Double
    package var finishedAt: Double?
    package var state: CaptureState
    /// The result file, inside the capture's own directory; nil until it exists.
    package var fileName: String?
    package var sizeBytes: UInt64?
    package var contentType: String?
    /// Why it failed or was skipped; for a success, what to know about it (samples lost...).
    package var error: String?
    /// A one-line summary of what was collected ("1234 samples kept of 1300").
    package var summary: String?
    /// The file was deleted to keep the capture directory within its size budget.
    package var evicted: Bool = false

    /// Whether the result can be downloaded.
    package var hasFile: Bool { fileName != nil && !evicted && state != .running }
}
