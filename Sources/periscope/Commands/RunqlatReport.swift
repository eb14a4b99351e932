import BPF
import ContainerInventory
import TraceAnalysis

/// What `periscope runqlat` prints: per interval, one histogram (all threads) or one per
/// container, rendered by TraceAnalysis' bcc-style log2 renderer.
struct RunqlatReport: Encodable {
    struct Bucket: Encodable {
        var low: UInt64
        var high: UInt64
        var count: UInt64
    }

    struct Histogram: Encodable {
        /// The container's name (`host` for host processes, `(exited)`), nil for all threads.
        var container: String?
        var containerID: String?
        var runtime: String?
        var total: UInt64
        var buckets: [Bucket]
        var slots: Log2Histogram { Log2Histogram(slots: slotCounts) }
        let slotCounts: [UInt64]

        enum CodingKeys: String, CodingKey { case container, containerID, runtime, total, buckets }
    }

    struct Interval: Encodable {
        var histograms: [Histogram]

        init(_ byOwner: RunQueueLatencySession.Histograms, perContainer: Bool, only: Container?) {
            if perContainer || only != nil {
                histograms = byOwner
                    .filter { only == nil || $0.key.key == only?.key }
                    .map { Histogram(owner: $0.key, slots: $0.value) }
                    .sorted { ($0.container ?? "", $0.containerID ?? "") < ($1.container ?? "", $1.containerID ?? "") }
                if let only, histograms.isEmpty { histograms = [Histogram(owner: .container(only), slots: [])] }
            } else {
                var total: [UInt64] = []
                for slots in byOwner.values {
                    if slots.count > total.count { total += Array(repeating: 0, count: slots.count - total.count) }
                    for index in slots.indices { total[index] += slots[index] }
                }
                histograms = [Histogram(owner: nil, slots: total)]
            }
        }

        /// bcc's text: a blank line, then each histogram (`container = NAME` above each one
        /// when per container, as bcc's `section = value` headers).
        func text(unit: String) -> String {
            var text = ""
            for histogram in histograms {
                if let name = histogram.container { text += "\ncontainer = \(name)\n" } else { text += "\n" }
                let rendered = histogram.slots.render(unit: unit)
                text += rendered.isEmpty ? "     \(unit.padding(toLength: 19)) : count     distribution\n" : rendered
            }
            return text
        }
    }

    var unit: String
    var intervals: [Interval]
}

extension RunqlatReport.Histogram {
    init(owner: TaskContainerResolver.Owner?, slots: [UInt64]) {
        switch owner {
        case .container(let container)?:
            self.container = container.displayName
            self.containerID = container.id
            self.runtime = container.runtime.rawValue
        case .exited?:
            self.container = "(exited)"
        case nil:
            break
        }
        self.slotCounts = slots
        let histogram = Log2Histogram(slots: slots)
        self.total = histogram.total
        var buckets: [RunqlatReport.Bucket] = []
        if let last = histogram.slots.lastIndex(where: { $0 > 0 }) {
            for slot in 1...max(last, 1) {
                let range = Log2Histogram.range(ofSlot: slot)
                let count = (slot < histogram.slots.count ? histogram.slots[slot] : 0) + (slot == 1 ? histogram.slots[0] : 0)
                buckets.append(.init(low: slot == 1 ? 0 : range.low, high: range.high, count: count))
            }
        }
        self.buckets = buckets
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
