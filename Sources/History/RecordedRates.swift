import Recording
import ResourceMetrics

/// A container's stored samples as the rates the live views show, interval by interval:
/// `CgroupRates` between each pair of consecutive samples, computed by the live code from the
/// stored counters (the agent's history API, and what the web UI charts).
package enum RecordedRates {
    /// One interval's rates, at the later sample's time.
    package struct Point: Sendable, Codable {
        package var unixTimeSeconds: Double
        package var rates: CgroupRates
        /// Threads in D state averaged over the interval's sweeps.
        package var averageDStateThreads: Double
    }

    /// The rates between consecutive `samples`; a pair whose counters went back (a restarted
    /// cgroup) or that are not apart in time gives no point.
    package static func cgroup(_ samples: [RecordedSample], hostCPUCount: Int) -> [Point] {
        var points: [Point] = []
        points.reserveCapacity(max(samples.count - 1, 0))
        var previous = samples.first.map { RecordedCounters.sample($0, RecordedCounters.cgroup($0.values)) }
        for sample in samples.dropFirst() {
            let current = RecordedCounters.sample(sample, RecordedCounters.cgroup(sample.values))
            defer { previous = current }
            guard let old = previous, let rates = CgroupRates(old: old, new: current, hostCPUCount: hostCPUCount)
            else { continue }
            points.append(
                Point(
                    unixTimeSeconds: RecordedSeries.seconds(sample), rates: rates,
                    averageDStateThreads: Double(sample.values[.dStateThreadsMilli] ?? 0) / 1000))
        }
        return points
    }
}
