import Foundation
import History
import Hummingbird
import Recording

/// `GET /api/v1/history?container=C&since=T&until=T`: one container's rates per interval over
/// a range (seconds since 1970; default the last 5 minutes), read from the recording the agent
/// writes: a container removed since is still found by its name or id.
struct HistoryRoutes: AgentRouteGroup {
    let agent: AgentState

    struct History: Encodable {
        var container: ContainerLabels
        var since: Double
        var until: Double
        var points: [RecordedRates.Point]
    }

    func addRoutes(to router: Router<AgentRequestContext>) {
        router.get("/api/v1/history") { request, _ -> Response in
            guard let reference = request.uri.queryParameters["container"].map(String.init) else {
                throw HTTPError(
                    .badRequest, message: "give container=NAME|KEY|ID-PREFIX (GET /api/v1/inventory lists them)")
            }
            let range = try TimeRange(request, defaultSeconds: 300)
            guard let recording = agent.recording else {
                throw HTTPError(.notFound, message: "this agent keeps no recording: history needs periscope serve --db")
            }
            let from = RecordingReader.milliseconds(range.since), to = RecordingReader.milliseconds(range.until)
            let seen = try Self.reading { try recording.store.containers(from: from, to: to) }.filter { !$0.key.isHost }
            let candidates = seen.map { container in
                agent.labels(of: container.key.rawValue)
                    ?? ContainerLabels(
                        key: container.key.rawValue, id: container.key.rawValue, name: container.name,
                        image: container.image ?? "")
            }
            let labels: ContainerLabels
            do {
                labels = try ContainerReference.resolve(reference, among: candidates)
            } catch let error as HTTPError where error.status == .notFound {
                // A name it had before a rename still finds it.
                let renamed = seen.indices.filter { seen[$0].names.dropLast().contains(reference) }
                guard renamed.count == 1 else { throw error }
                labels = candidates[renamed[0]]
            }
            let key = RecordedContainerKey(labels.key)
            let hostCPUCount = try Self.reading {
                try recording.store.samples(of: .host, from: from, to: to, metrics: [.hostCPUCount]).last?.values[
                    .hostCPUCount]
            }
            let samples = try Self.reading { try recording.store.samples(of: key, from: from, to: to) }
            return try JSONResponse.make(
                History(
                    container: labels, since: range.since, until: range.until,
                    points: RecordedRates.cgroup(samples, hostCPUCount: Int(hostCPUCount ?? 1))))
        }
    }

    /// Runs a store query; its failure is the agent's (500), said in the JSON error.
    static func reading<Value>(_ body: () throws -> Value) throws -> Value {
        do {
            return try body()
        } catch {
            throw HTTPError(.internalServerError, message: "reading the recording: \(error)")
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
