import Foundation
import Hummingbird

/// `GET /api/v1/history?container=C&since=T&until=T`: one container's rates per interval over
/// a range (seconds since 1970; default the last 5 minutes), from what the agent recorded.
struct HistoryRoutes: AgentRouteGroup {
    let agent: AgentState

    struct History: Encodable {
        var container: ContainerLabels
        var since: Double
        var until: Double
        var points: [AgentState.HistoryPoint]
    }

    func addRoutes(to router: Router<AgentRequestContext>) {
        router.get("/api/v1/history") { request, _ -> Response in
            guard let reference = request.uri.queryParameters["container"].map(String.init) else {
                throw HTTPError(
                    .badRequest, message: "give container=NAME|KEY|ID-PREFIX (GET /api/v1/inventory lists them)")
            }
            let range = try TimeRange(request, defaultSeconds: 300)
            let labels = try ContainerReference.resolve(reference, among: agent.containersWithHistory)
            let points = agent.history(of: labels.key, since: range.since, until: range.until)
            return try JSONResponse.make(
                History(container: labels, since: range.since, until: range.until, points: points))
        }
    }
}

/// `since` and `until` query parameters (seconds since 1970), checked: until after since.
struct TimeRange {
    var since: Double
    var until: Double

    init(_ request: Request, defaultSeconds: Double) throws {
        let now = Date().timeIntervalSince1970
        until = try RequestInput.unixSeconds(request, "until") ?? now
        since = try RequestInput.unixSeconds(request, "since") ?? (until - defaultSeconds)
        guard since <= until else {
            throw HTTPError(.badRequest, message: "since (\(since)) is after until (\(until))")
        }
    }
}
