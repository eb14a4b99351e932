import Dispatch
import Foundation
import Diagnosis
import History
import Recording
import ResourceMetrics
import Synchronization

/// Runs `diagnose`'s rules every `everySeconds` over the last `windowSeconds` of the recording
/// the recorder writes, read back through History's replay (`RecordedWindow`): the one way a
/// window is built from recorded data, the one `periscope diagnose --db` takes, so the rolling
/// findings are those `diagnose --db` gives over the same range, and a window costs a read of
/// the store instead of a second live sampling of every container for the whole window (what
/// this did before: docs/performance.md). The recording thread only says when a batch is
/// committed; reading and evaluating run on a thread of their own, and the findings are queued
/// for the next batch.
final class RollingDiagnosis: Sendable {
    private struct Pending {
        var findings: [RecordedFinding] = []
        var runs = 0
        var lastProblem: String?
        var lastCost: Cost?
        /// The range asked for and not yet evaluated (ms since 1970).
        var requested: (from: Int64, to: Int64)?
    }

    /// What one evaluation cost on its thread: reading the window back from the store and
    /// computing its rates, then running the rules over it.
    struct Cost: Sendable, Equatable {
        var replayCPUNanoseconds: UInt64
        var rulesCPUNanoseconds: UInt64
    }

    /// When windows are due, on the recording thread only.
    private struct Schedule {
        var firstSampleMilliseconds: Int64?
        var nextDueMilliseconds: Int64 = .min
    }

    private let pending = Mutex(Pending())
    private let schedule = Mutex(Schedule())
    private let stopping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let everyMilliseconds: Int64
    private let windowMilliseconds: Int64
    private let slackMilliseconds: Int64

    /// Starts the evaluating thread over `recording` (the store the recorder writes to).
    init(options: RecorderOptions, recording: RecordingReader) {
        everyMilliseconds = Int64(options.diagnoseEverySeconds * 1000)
        windowMilliseconds = Int64(options.diagnoseWindowSeconds * 1000)
        // Samples are stamped when their counters were read, a few ms after the tick: half an
        // interval more at the start keeps the sample one window back inside the range.
        slackMilliseconds = Int64(options.intervalSeconds * 500)
        let thresholds = options.thresholds
        let onDiagnosis = options.onDiagnosis
        let thread = Thread { [self] in
            // Named from inside, in at most 15 bytes: on Linux a name set before start() does
            // not reach the kernel, nor does a longer one (pthread_setname_np fails with
            // ERANGE), and `top -H` or a per-thread CPU figure should tell this thread apart.
            Thread.current.name = "periscope-diag"
            while true {
                wake.wait()
                if stopping.load(ordering: .relaxed) { break }
                guard
                    let range = pending.withLock({ state in
                        defer { state.requested = nil }; return state.requested
                    })
                else { continue }
                runOnce(range, recording: recording, thresholds: thresholds, onDiagnosis: onDiagnosis)
            }
            finished.signal()
        }
        thread.name = "periscope-rolling-diagnosis"
        thread.start()
    }

    /// Called on the recording thread once a batch whose newest sample was read at
    /// `newestSampleMilliseconds` is committed: asks for a window ending there when one is due
    /// (the first once the recording holds a whole window, then every `everySeconds`).
    func batchCommitted(newestSampleMilliseconds end: Int64) {
        let due = schedule.withLock { schedule -> Bool in
            let first = schedule.firstSampleMilliseconds ?? end
            schedule.firstSampleMilliseconds = first
            guard end - first >= windowMilliseconds - slackMilliseconds, end >= schedule.nextDueMilliseconds
            else { return false }
            schedule.nextDueMilliseconds = end + everyMilliseconds - slackMilliseconds
            return true
        }
        guard due else { return }
        pending.withLock { $0.requested = (end - windowMilliseconds - slackMilliseconds, end) }
        wake.signal()
    }

    private func runOnce(
        _ range: (from: Int64, to: Int64), recording: RecordingReader, thresholds: Thresholds,
        onDiagnosis: (@Sendable (ObservationWindow, DiagnosisReport, Double) -> Void)?
    ) {
        do {
            let replayStart = Recorder.threadCPUNanoseconds()
            let window = try RecordedWindow(
                reader: recording, start: Double(range.from) / 1000, end: Double(range.to) / 1000
            ).observationWindow(focus: [])
            let rulesStart = Recorder.threadCPUNanoseconds()
            let report = Diagnoser(thresholds: thresholds).diagnose(window)
            let cost = Cost(
                replayCPUNanoseconds: rulesStart - replayStart,
                rulesCPUNanoseconds: Recorder.threadCPUNanoseconds() - rulesStart)
            onDiagnosis?(window, report, Double(range.to) / 1000)
            let findings = Self.recorded(report, from: range.from, to: range.to)
            pending.withLock {
                $0.findings += findings
                $0.runs += 1
                $0.lastCost = cost
            }
        } catch {
            pending.withLock { $0.lastProblem = "rolling diagnosis failed: \(error)" }
        }
    }

    /// The report's findings as stored: stamped with the window's end, and its start.
    static func recorded(_ report: DiagnosisReport, from: Int64, to: Int64) -> [RecordedFinding] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return report.findings.map { finding in
            RecordedFinding(
                unixMilliseconds: to, windowStartUnixMilliseconds: from,
                ruleID: finding.rule,
                severity: finding.severity.rawValue,
                container: finding.containerKey.map { RecordedContainerKey($0.description) },
                message: "\(finding.subject): \(finding.verdict)",
                evidenceJSON: (try? encoder.encode(finding)).map { String(decoding: $0, as: UTF8.self) })
        }
    }

    /// Findings produced since the last call, the last failure if any, and what the last
    /// completed evaluation cost.
    func drain() -> (findings: [RecordedFinding], problem: String?, runs: Int, lastCost: Cost?) {
        pending.withLock { state in
            defer {
                state.findings.removeAll()
                state.lastProblem = nil
            }
            return (state.findings, state.lastProblem, state.runs, state.lastCost)
        }
    }

    /// Diagnoses completed so far.
    var completedRuns: Int { pending.withLock { $0.runs } }

    /// Lets the evaluation in progress finish and waits for the thread.
    func stop() {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        wake.signal()
        finished.wait()
    }
}
