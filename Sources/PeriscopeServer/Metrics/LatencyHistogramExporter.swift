import Recording
import Synchronization

/// The `--bpf` latency histograms of every container as Prometheus histograms, from the
/// recorder's latest batch: `periscope_runqueue_latency_seconds` and
/// `periscope_block_io_latency_seconds`, with the container's `id`, `name` and `image`.
///
/// The kernel's log2 slots become cumulative buckets: slot i counts latencies in
/// [2^(i-1), 2^i) µs, so the bucket `le` = 2^i µs (in seconds) holds slots 0 through i. The
/// counts are cumulative since the agent started tracking the container: they only grow, and a
/// container that is gone (absent from the batch) is no longer exported. swift-prometheus
/// histograms observe values one by one; these arrive already bucketed, so they are written
/// as text after the registry's families.
package final class LatencyHistogramExporter: Sendable {
    /// One exported histogram family.
    package struct Family: Sendable {
        package var kind: RecordedLatencyHistogram.Kind
        package var name: String
        package var help: String
    }

    /// The families, in exposition order.
    package static let families = [
        Family(
            kind: .runQueue, name: "periscope_runqueue_latency_seconds",
            help:
                "Run-queue latency of the container's tasks (from becoming runnable to running on a CPU), counted in the kernel by BPF as runqlat does, keyed by the woken task's container. Cumulative since the agent started tracking the container."
        ),
        Family(
            kind: .blockIO, name: "periscope_block_io_latency_seconds",
            help:
                "Block I/O latency of the requests the container issued (issue to completion, every disk), counted in the kernel by BPF as biolatency does. Cumulative since the agent started tracking the container."
        )
    ]

    /// Finite buckets exported: `le` from 2^0 µs to 2^(n-1) µs (16.8 s); slower latencies
    /// are in `+Inf` only. Fixed, so every scrape has the same buckets.
    package static let finiteBucketCount = 25

    /// The `le` label of each finite bucket, in seconds.
    package static let bucketBounds: [String] = (0..<finiteBucketCount).map { "\(Double(1 << $0) / 1e6)" }

    private struct Entry {
        var labels: ContainerLabels
        var histograms: [RecordedLatencyHistogram.Kind: RecordedLatencyHistogram]
    }

    private let latest = Mutex<[Entry]>([])

    /// An exporter with nothing to export.
    package init() {}

    /// Takes the histograms of every labelled container in `batch` (the host is not exported,
    /// as no other per-container series is).
    package func update(_ batch: RecordingBatch, labels: [String: ContainerLabels]) {
        var entries: [Entry] = []
        for sample in batch.samples where !sample.container.isHost {
            guard let containerLabels = labels[sample.container.rawValue] else { continue }
            var histograms: [RecordedLatencyHistogram.Kind: RecordedLatencyHistogram] = [:]
            for family in Self.families {
                histograms[family.kind] = RecordedLatencyHistogram(family.kind, in: sample.values)
            }
            if !histograms.isEmpty { entries.append(Entry(labels: containerLabels, histograms: histograms)) }
        }
        entries.sort { ($0.labels.name, $0.labels.key) < ($1.labels.name, $1.labels.key) }
        latest.withLock { $0 = entries }
    }

    /// The exposition text of every family that has a container (nothing without `--bpf`).
    ///
    /// Written as bytes, not interpolated strings: with 100 containers a family is 2,800
    /// lines, and a scrape renders them once per batch.
    package func render() -> [UInt8] {
        latest.withLock { entries in
            var bytes: [UInt8] = []
            for family in Self.families {
                let members = entries.compactMap { entry in entry.histograms[family.kind].map { (entry.labels, $0) } }
                guard !members.isEmpty else { continue }
                bytes.reserveCapacity(bytes.count + members.count * (Self.finiteBucketCount + 3) * 150)
                Self.append(family, members, to: &bytes)
            }
            return bytes
        }
    }

    /// `"} ` closing each finite bucket's labels after its bound, as bytes.
    private static let boundSuffixes: [[UInt8]] = bucketBounds.map { Array("\($0)\"} ".utf8) }

    /// One family's HELP, TYPE and series.
    static func append(
        _ family: Family, _ members: [(ContainerLabels, RecordedLatencyHistogram)], to bytes: inout [UInt8]
    ) {
        bytes += "# HELP \(family.name) \(escapeHelp(family.help))\n# TYPE \(family.name) histogram\n".utf8
        for (labels, histogram) in members {
            let identity =
                "id=\"\(escapeLabel(labels.id))\",name=\"\(escapeLabel(labels.name))\",image=\"\(escapeLabel(labels.image))\""
            let bucketPrefix = Array("\(family.name)_bucket{\(identity),le=\"".utf8)
            var cumulative: UInt64 = 0
            for slot in 0..<finiteBucketCount {
                cumulative &+= histogram.slots[slot]
                bytes += bucketPrefix
                bytes += boundSuffixes[slot]
                appendDecimal(cumulative, to: &bytes)
                bytes.append(UInt8(ascii: "\n"))
            }
            let count = histogram.count
            bytes += bucketPrefix
            bytes += "+Inf\"} ".utf8
            appendDecimal(count, to: &bytes)
            bytes += "\n\(family.name)_sum{\(identity)} \(Double(histogram.totalMicroseconds) / 1e6)\n".utf8
            bytes += "\(family.name)_count{\(identity)} ".utf8
            appendDecimal(count, to: &bytes)
            bytes.append(UInt8(ascii: "\n"))
        }
    }

    /// `value` in decimal digits, without an intermediate string.
    static func appendDecimal(_ value: UInt64, to bytes: inout [UInt8]) {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor &*= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// A label value as the text format wants it: backslash, double quote and newline escaped.
    static func escapeLabel(_ value: String) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// HELP text: backslash and newline escaped.
    static func escapeHelp(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
