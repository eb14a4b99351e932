import Dispatch
import Foundation
import Diagnosis
import Recording
import ResourceMetrics
import Synchronization

/// Runs the `diagnose` pipeline (`WindowRecorder` then `Diagnoser`, unchanged) on a thread
/// of its own every `everySeconds`, over a window of `windowSeconds`, and queues the
/// findings for the next batch. The window is observed, not rebuilt from the stored samples,
/// so the verdicts are exactly those `periscope diagnose` gives at that moment (D-state
/// sweeps at 10 Hz, context switches, the kernel log since the previous window).
final class RollingDiagnosis: Sendable {
    private struct Pending {
        var findings: [RecordedFinding] = []
        var runs = 0
        var lastProblem: String?
        var lastCost: Cost?
    }

    /// What one evaluation cost on its thread: observing the window (the same sampling as
    /// `periscope diagnose`, for the whole window), then running the rules over it.
    struct Cost: Sendable, Equatable {
        var observationCPUNanoseconds: UInt64
        var rulesCPUNanoseconds: UInt64
    }
    private let pending = Mutex(Pending())
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    init(options: RecorderOptions) {
        var window = WindowOptions()
        window.durationSeconds = options.diagnoseWindowSeconds
        window.inventory = options.inventory
        window.kernelLogPath = options.kernelLogPath
        // Each window reports the kernel log since the previous one: an OOM kill between two
        // windows is diagnosed once.
        window.kernelLogLookbackSeconds = max(0, options.diagnoseEverySeconds - options.diagnoseWindowSeconds)
        let thresholds = options.thresholds
        let onDiagnosis = options.onDiagnosis
        let every = options.diagnoseEverySeconds
        let windowOptions = window
        let thread = Thread { [self] in
            var next = Date()
            while !stopping.load(ordering: .relaxed) {
                if Date() >= next {
                    next = Date().addingTimeInterval(every)
                    runOnce(window: windowOptions, thresholds: thresholds, onDiagnosis: onDiagnosis)
                }
                usleep(100_000)
            }
            finished.signal()
        }
        thread.name = "periscope-rolling-diagnosis"
        thread.start()
    }

    private func runOnce(
        window: WindowOptions, thresholds: Thresholds,
        onDiagnosis: (@Sendable (ObservationWindow, DiagnosisReport, Double) -> Void)?
    ) {
        let startMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
        do {
            let observingStart = Recorder.threadCPUNanoseconds()
            let observed = try WindowRecorder(options: window).record(shouldStop: { stopping.load(ordering: .relaxed) })
            let rulesStart = Recorder.threadCPUNanoseconds()
            let report = Diagnoser(thresholds: thresholds).diagnose(observed)
            let cost = Cost(
                observationCPUNanoseconds: rulesStart - observingStart,
                rulesCPUNanoseconds: Recorder.threadCPUNanoseconds() - rulesStart)
            let endMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
            onDiagnosis?(observed, report, Double(endMilliseconds) / 1000)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let findings = report.findings.map { finding in
                RecordedFinding(
                    unixMilliseconds: endMilliseconds, windowStartUnixMilliseconds: startMilliseconds,
                    ruleID: finding.rule,
                    severity: finding.severity.rawValue,
                    container: finding.containerKey.map { RecordedContainerKey($0.description) },
                    message: "\(finding.subject): \(finding.verdict)",
                    evidenceJSON: (try? encoder.encode(finding)).map { String(decoding: $0, as: UTF8.self) })
            }
            pending.withLock {
                $0.findings += findings
                $0.runs += 1
                $0.lastCost = cost
            }
        } catch {
            pending.withLock { $0.lastProblem = "rolling diagnosis failed: \(error)" }
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

    /// Ends the window in progress early and waits for the thread.
    func stop() {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        finished.wait()
    }
}
