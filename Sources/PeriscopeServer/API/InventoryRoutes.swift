import Hummingbird
import LinuxHost
import ResourceMetrics

/// `GET /api/v1/inventory`: the containers seen at the latest sample;
/// `GET /api/v1/latest`: each one's counters and its rates over the latest interval.
struct InventoryRoutes: AgentRouteGroup {
    let agent: AgentState

    struct Inventory: Encodable {
        var unixTimeSeconds: Double?
        var containers: [AgentState.InventoryEntry]
    }

    struct Latest: Encodable {
        struct Entry: Encodable {
            var labels: ContainerLabels
            var counters: CgroupCounters?
            var rates: CgroupRates?
            var averageDStateThreads: Double
        }
        var unixTimeSeconds: Double
        var intervalSeconds: Double?
        var containers: [Entry]
    }

    func addRoutes(to router: Router<AgentRequestContext>) {
        router.get("/api/v1/inventory") { _, _ -> Response in
            try JSONResponse.make(
                Inventory(unixTimeSeconds: agent.latestSamples?.latest.unixTimeSeconds, containers: agent.inventory))
        }
        router.get("/api/v1/latest") { request, _ -> Response in
            guard let (latest, previous) = agent.latestSamples else {
                throw HTTPError(
                    .serviceUnavailable, headers: [.retryAfter: "1"],
                    message: "no sample yet: the recorder takes its first one within one interval")
            }
            let wanted = request.uri.queryParameters["container"].map(String.init)
            let before = Dictionary(uniqueKeysWithValues: (previous?.containers ?? []).map { ($0.key, $0) })
            var entries: [Latest.Entry] = []
            for container in latest.containers {
                guard let labels = agent.labels(of: container.key) else { continue }
                if let wanted, !ContainerReference.matches(wanted, labels) { continue }
                var rates: CgroupRates?
                if let previous, let old = before[container.key]?.counters, let new = container.counters {
                    rates = CgroupRates(
                        old: CounterSample(takenAt: previous.takenAt, counters: old),
                        new: CounterSample(takenAt: latest.takenAt, counters: new), hostCPUCount: latest.hostCPUCount)
                }
                entries.append(
                    Latest.Entry(
                        labels: labels, counters: container.counters, rates: rates,
                        averageDStateThreads: container.averageDStateThreads))
            }
            if let wanted, entries.isEmpty { throw ContainerReference.notFound(wanted) }
            let interval = previous.map { latest.takenAt.seconds(since: $0.takenAt) }
            return try JSONResponse.make(
                Latest(unixTimeSeconds: latest.unixTimeSeconds, intervalSeconds: interval, containers: entries))
        }
    }
}
