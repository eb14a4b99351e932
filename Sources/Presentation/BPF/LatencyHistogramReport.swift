import BPF
import ContainerInventory
import Reporting
import TraceAnalysis

/// What the BPF histogram commands (`runqlat`, `biolatency`) print: per interval, one log2
/// histogram per group (all tasks, or per container and/or disk), rendered by TraceAnalysis'
/// bcc-style renderer.
package struct LatencyHistogramReport: Encodable {
    package struct Bucket: Encodable {
        package var low: UInt64
        package var high: UInt64
        package var count: UInt64
    }

    package struct Histogram: Encodable {
        /// The container's name (`host` for host processes, `(exited)`); nil when not grouped by container.
        package var container: String?
        package var containerID: String?
        package var runtime: String?
        /// The disk's name; nil when not grouped by disk.
        package var disk: String?
        package var total: UInt64
        package var buckets: [Bucket]
        package let slotCounts: [UInt64]

        enum CodingKeys: String, CodingKey { case container, containerID, runtime, disk, total, buckets }
    }

    /// One measured slice: (container, disk, slot counts) before grouping.
    package struct Entry {
        package var owner: TaskContainerResolver.Owner
        package var disk: String?
        package var slots: [UInt64]

        /// Creates a value from its fields.
        package init(owner: TaskContainerResolver.Owner, disk: String?, slots: [UInt64]) {
            self.owner = owner
            self.disk = disk
            self.slots = slots
        }
    }

    package struct Interval: Encodable {
        package var histograms: [Histogram]

        /// Sums `entries` into one histogram per container (`byContainer`, or `only` that
        /// container) and per disk (`byDisk`), or into one for everything.
        package init(_ entries: [Entry], byContainer: Bool, byDisk: Bool, only: Container?) {
            struct Group: Hashable {
                var owner: TaskContainerResolver.Owner?
                var disk: String?
            }
            var sums: [Group: [UInt64]] = [:]
            for entry in entries where only == nil || entry.owner.key == only?.key {
                let group = Group(
                    owner: byContainer || only != nil ? entry.owner : nil, disk: byDisk ? entry.disk : nil)
                var total = sums[group] ?? []
                if entry.slots.count > total.count {
                    total += Array(repeating: 0, count: entry.slots.count - total.count)
                }
                for index in entry.slots.indices { total[index] += entry.slots[index] }
                sums[group] = total
            }
            if sums.isEmpty { sums[Group(owner: only.map { .container($0) }, disk: nil)] = [] }
            histograms = sums.map { Histogram(owner: $0.key.owner, disk: $0.key.disk, slots: $0.value) }
                .sorted {
                    ($0.container ?? "", $0.containerID ?? "", $0.disk ?? "") < (
                        $1.container ?? "", $1.containerID ?? "", $1.disk ?? ""
                    )
                }
        }

        /// bcc's text: a blank line, then each histogram, under a `container = NAME` /
        /// `disk = NAME` header when grouped (bcc's `section = value` headers).
        package func text(unit: String) -> String {
            var text = ""
            for histogram in histograms {
                let sections = [histogram.container.map { "container = \($0)" }, histogram.disk.map { "disk = \($0)" }]
                    .compactMap { $0 }
                text += sections.isEmpty ? "\n" : "\n\(sections.joined(separator: ", "))\n"
                let rendered = Log2Histogram(slots: histogram.slotCounts).render(unit: unit)
                text += rendered.isEmpty ? "     \(unit.padded(toWidth: 19)) : count     distribution\n" : rendered
            }
            return text
        }
    }

    package var unit: String
    package var intervals: [Interval]

    /// Creates a value from its fields.
    package init(unit: String, intervals: [Interval]) {
        self.unit = unit
        self.intervals = intervals
    }
}

extension LatencyHistogramReport.Histogram {
    init(owner: TaskContainerResolver.Owner?, disk: String?, slots: [UInt64]) {
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
        self.disk = disk
        self.slotCounts = slots
        let histogram = Log2Histogram(slots: slots)
        self.total = histogram.total
        self.buckets = histogram.rows.map { LatencyHistogramReport.Bucket(low: $0.low, high: $0.high, count: $0.count) }
    }
}
