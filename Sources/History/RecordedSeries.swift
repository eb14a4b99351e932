import Presentation
import Recording

/// Stored samples turned into the points a chart or a table shows: counters become rates
/// between consecutive samples, gauges are scaled, and a missing value leaves a hole.
package enum RecordedSeries {
    /// Σ`metrics` per second between consecutive samples that both hold them, times `scale`,
    /// at the later sample's time. A decrease (the counter restarted) gives no point.
    package static func rate(
        _ samples: [RecordedSample], _ metrics: [RecordedMetric], scale: Double = 1
    ) -> [ChartPoint] {
        pairs(samples) { old, new, seconds in
            guard let before = sum(old, metrics), let after = sum(new, metrics), after >= before else { return nil }
            return Double(after - before) / seconds * scale
        }
    }

    /// Σ`numerator` increase over Σ`denominator` increase between consecutive samples, times
    /// `scale`; no point when the denominator did not grow (a latency with no I/O is unknown).
    package static func ratio(
        _ samples: [RecordedSample], _ numerator: [RecordedMetric], over denominator: [RecordedMetric],
        scale: Double = 1
    ) -> [ChartPoint] {
        pairs(samples) { old, new, _ in
            guard let top0 = sum(old, numerator), let top1 = sum(new, numerator), let bottom0 = sum(old, denominator),
                let bottom1 = sum(new, denominator), top1 >= top0, bottom1 > bottom0
            else { return nil }
            return Double(top1 - top0) / Double(bottom1 - bottom0) * scale
        }
    }

    /// Σ`metrics` at each sample that holds them, times `scale`.
    package static func gauge(
        _ samples: [RecordedSample], _ metrics: [RecordedMetric], scale: Double = 1
    ) -> [ChartPoint] {
        samples.compactMap { sample in
            sum(sample, metrics).map { ChartPoint(timeSeconds: seconds(sample), value: Double($0) * scale) }
        }
    }

    /// How much a counter grew since the first sample of the range, at each sample.
    package static func increase(_ samples: [RecordedSample], _ metric: RecordedMetric) -> [ChartPoint] {
        var total = 0.0
        var previous: Int64?
        return samples.compactMap { sample in
            guard let value = sample.values[metric] else { return nil }
            // A restarted counter (a new container with the same key) counts from zero again.
            if let previous { total += Double(value >= previous ? value - previous : value) }
            previous = value
            return ChartPoint(timeSeconds: seconds(sample), value: total)
        }
    }

    /// Seconds since 1970 of a sample.
    package static func seconds(_ sample: RecordedSample) -> Double { Double(sample.unixMilliseconds) / 1000 }

    private static func sum(_ sample: RecordedSample, _ metrics: [RecordedMetric]) -> Int64? {
        var total: Int64 = 0
        for metric in metrics {
            guard let value = sample.values[metric] else { return nil }
            total &+= value
        }
        return total
    }

    private static func pairs(
        _ samples: [RecordedSample], _ value: (RecordedSample, RecordedSample, Double) -> Double?
    ) -> [ChartPoint] {
        guard samples.count > 1 else { return [] }
        var points: [ChartPoint] = []
        points.reserveCapacity(samples.count - 1)
        for index in 1..<samples.count {
            let old = samples[index - 1], new = samples[index]
            let elapsed = Double(new.unixMilliseconds - old.unixMilliseconds) / 1000
            guard elapsed > 0, let result = value(old, new, elapsed), result.isFinite else { continue }
            points.append(ChartPoint(timeSeconds: seconds(new), value: result))
        }
        return points
    }
}
