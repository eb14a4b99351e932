import Diagnosis
import Foundation
import History
import Hummingbird
import ResourceMetrics

/// `GET /api/v1/diagnosis`: the newest rolling diagnosis window (what `periscope diagnose
/// --json` reports for it). With `since` and/or `until`, the diagnosis of that recorded range,
/// replayed from the recording as `periscope diagnose --db` does (without a recording: the
/// rolling windows kept in memory in that range). `POST` with a JSON object of thresholds
/// (`{"NAME": NUMBER}`, as `--thresholds-file`) diagnoses the same window or range again with
/// those thresholds.
struct DiagnosisRoutes: AgentRouteGroup {
    let agent: AgentState
    let maximumBodyBytes: Int

    struct Window: Encodable {
        var startUnixSeconds: Double
        var endUnixSeconds: Double
        var report: DiagnosisReport
    }

    /// Whose observation is diagnosed: a kept rolling window's, or a recorded range's.
    private struct Observed {
        var startUnixSeconds: Double
        var endUnixSeconds: Double
        var report: DiagnosisReport?
        var observation: ObservationWindow?
    }

    func addRoutes(to router: Router<AgentRequestContext>) {
        router.get("/api/v1/diagnosis") { request, _ -> Response in
            let diagnoser = Diagnoser()
            return try JSONResponse.make(
                try observed(request).map { window in
                    Window(
                        startUnixSeconds: window.startUnixSeconds, endUnixSeconds: window.endUnixSeconds,
                        report: window.report ?? diagnoser.diagnose(window.observation!))
                })
        }
        router.post("/api/v1/diagnosis") { request, _ -> Response in
            let body = try await RequestInput.body(of: request, maximumBytes: maximumBodyBytes)
            var thresholds = Thresholds()
            do {
                try thresholds.apply(fileContents: Data(body.readableBytesView), source: "the request body")
            } catch {
                throw HTTPError(.badRequest, message: "\(error)")
            }
            let kept = try observed(request).filter { $0.observation != nil }
            guard !kept.isEmpty else {
                throw HTTPError(
                    .notFound,
                    message:
                        "no window in that range keeps its observations (the agent records nothing; only the newest \(AgentState.observationsKept) rolling windows are kept)"
                )
            }
            let diagnoser = Diagnoser(thresholds: thresholds)
            return try JSONResponse.make(
                kept.map { window in
                    Window(
                        startUnixSeconds: window.startUnixSeconds, endUnixSeconds: window.endUnixSeconds,
                        report: diagnoser.diagnose(window.observation!))
                })
        }
    }

    private func observed(_ request: Request) throws -> [Observed] {
        if request.uri.queryParameters["since"] == nil && request.uri.queryParameters["until"] == nil {
            guard let latest = agent.latestWindow else {
                throw HTTPError(
                    .serviceUnavailable, headers: [.retryAfter: "10"], message: "no diagnosis window has closed yet")
            }
            return [
                Observed(
                    startUnixSeconds: latest.startUnixSeconds, endUnixSeconds: latest.endUnixSeconds,
                    report: latest.report, observation: latest.observation)
            ]
        }
        let range = try TimeRange(request, defaultSeconds: 300)
        guard let recording = agent.recording else {
            return agent.windows(since: range.since, until: range.until).map {
                Observed(
                    startUnixSeconds: $0.startUnixSeconds, endUnixSeconds: $0.endUnixSeconds, report: $0.report,
                    observation: $0.observation)
            }
        }
        let window: ObservationWindow
        do {
            try recording.requireSamples(from: range.since, to: range.until)
            window = try RecordedWindow(reader: recording, start: range.since, end: range.until)
                .observationWindow(focus: [])
        } catch let error as HistoryError {
            throw HTTPError(.notFound, message: error.description)
        }
        return [Observed(startUnixSeconds: range.since, endUnixSeconds: range.until, observation: window)]
    }
}
