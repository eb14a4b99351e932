import Diagnosis
import Foundation
import Hummingbird

/// `GET /api/v1/diagnosis[?since=T&until=T]`: the diagnoses of the recorded windows in that
/// range (default: the latest window), each what `periscope diagnose --json` reports for it.
/// `POST` with a JSON object of thresholds (`{"NAME": NUMBER}`, as `--thresholds-file`)
/// diagnoses the same windows again with those thresholds (the newest windows only: older
/// ones keep their reports, not their observations).
struct DiagnosisRoutes: AgentRouteGroup {
    let agent: AgentState
    let maximumBodyBytes: Int

    struct Window: Encodable {
        var startUnixSeconds: Double
        var endUnixSeconds: Double
        var report: DiagnosisReport
    }

    func addRoutes(to router: Router<AgentRequestContext>) {
        router.get("/api/v1/diagnosis") { request, _ -> Response in
            try JSONResponse.make(
                try windows(request).map {
                    Window(startUnixSeconds: $0.startUnixSeconds, endUnixSeconds: $0.endUnixSeconds, report: $0.report)
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
            let kept = try windows(request).filter { $0.observation != nil }
            guard !kept.isEmpty else {
                throw HTTPError(
                    .notFound,
                    message:
                        "no window in that range keeps its observations (only the newest \(AgentState.observationsKept) do): GET gives their stored reports"
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

    private func windows(_ request: Request) throws -> [AgentState.DiagnosedWindow] {
        if request.uri.queryParameters["since"] == nil && request.uri.queryParameters["until"] == nil {
            guard let latest = agent.latestWindow else {
                throw HTTPError(
                    .serviceUnavailable, headers: [.retryAfter: "10"], message: "no diagnosis window has closed yet")
            }
            return [latest]
        }
        let range = try TimeRange(request, defaultSeconds: 300)
        return agent.windows(since: range.since, until: range.until)
    }
}
