import Captures
import Hummingbird

/// `POST /api/v1/alerts`: Alertmanager's webhook (`webhook_configs: [{url:
/// http://AGENT:9798/api/v1/alerts}]`). Every firing alert that names a container (`name` or
/// `container` label) starts the policy's captures of it, rate-limited per container; the
/// answer says what happened to each alert. Malformed bodies get 400, oversized ones 413.
/// With alert captures turned off (`--alert-captures none`) the payload is still checked and
/// every alert answered `not-taken`.
struct AlertRoutes: AgentRouteGroup {
    let trigger: AlertCaptureTrigger?

    struct Answer: Encodable {
        var alerts: [AlertCaptureTrigger.Outcome]
    }

    func addRoutes(to router: Router<AgentRequestContext>) {
        router.post("/api/v1/alerts") { request, _ -> Response in
            let body = try await RequestInput.body(of: request, maximumBytes: AlertmanagerWebhook.maximumBodyBytes)
            let payload: AlertmanagerWebhook
            do {
                payload = try AlertmanagerWebhook.decode(Array(body.readableBytesView))
            } catch let error as AlertmanagerWebhookError {
                if case .tooLarge = error { throw HTTPError(.contentTooLarge, message: error.description) }
                throw HTTPError(.badRequest, message: error.description)
            }
            // Resolving containers scans /proc: off the event loop.
            guard let trigger else {
                return try JSONResponse.make(
                    Answer(
                        alerts: payload.alerts.map {
                            AlertCaptureTrigger.Outcome(
                                alertName: $0.labels["alertname"], fingerprint: $0.fingerprint,
                                containerLabel: $0.containerQuery,
                                action: "not-taken", detail: "this agent runs with --alert-captures none")
                        }))
            }
            let outcomes = await Task.detached { trigger.handle(payload) }.value
            return try JSONResponse.make(Answer(alerts: outcomes))
        }
    }
}
