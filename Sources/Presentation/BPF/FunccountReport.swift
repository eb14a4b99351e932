import BPF
import ContainerInventory
import Reporting

/// What `periscope funccount` prints: per interval, the hits of each probe (all tasks, or
/// per container), in bcc funccount's columns.
package struct FunccountReport: Encodable {
    package struct Row: Encodable {
        package var container: String?
        package var containerID: String?
        /// `subsystem:event` for a tracepoint, the symbol name for a function.
        package var function: String
        package var count: UInt64
    }

    package struct Interval: Encodable {
        package var rows: [Row]

        /// The probes with hits, summed per probe (and per container with `byContainer` or
        /// `only`), least hit first as bcc prints them, so the busiest end next to the prompt.
        package init(
            _ counts: [FunctionCountSession.Owner: UInt64], names: [String], byContainer: Bool, only: Container?
        ) {
            struct Group: Hashable {
                var owner: TaskContainerResolver.Owner?
                var probe: Int
            }
            var sums: [Group: UInt64] = [:]
            for (owner, value) in counts where only == nil || owner.container.key == only?.key {
                sums[
                    Group(owner: byContainer || only != nil ? owner.container : nil, probe: owner.probe), default: 0] +=
                    value
            }
            rows = sums.filter { $0.value > 0 && $0.key.probe < names.count }.map { group, value in
                Row(
                    container: group.owner.map(\.displayName), containerID: group.owner?.key?.id,
                    function: names[group.probe], count: value)
            }.sorted {
                ($0.container ?? "", $0.containerID ?? "", $0.count, $0.function)
                    < ($1.container ?? "", $1.containerID ?? "", $1.count, $1.function)
            }
        }

        /// bcc funccount's table (`FUNC COUNT`), under `container = NAME` when grouped.
        package func text() -> String {
            var text = ""
            var current: String??
            for row in rows {
                if current != .some(row.container) {
                    current = .some(row.container)
                    text += row.container.map { "\ncontainer = \($0)\n" } ?? "\n"
                    text += "FUNC".padded(toWidth: 36) + " " + "COUNT".leftPadded(toWidth: 8) + "\n"
                }
                text += row.function.padded(toWidth: 36) + " " + String(row.count).leftPadded(toWidth: 8) + "\n"
            }
            if rows.isEmpty { text += "\n(no hits)\n" }
            return text
        }
    }

    /// The pattern as given.
    package var pattern: String
    /// How many probes were attached.
    package var probes: Int
    package var intervals: [Interval]
    /// Hits lost because the kernel's counter map was full (0 normally).
    package var droppedHits: UInt64

    /// Creates a value from its fields.
    package init(pattern: String, probes: Int, intervals: [Interval], droppedHits: UInt64 = 0) {
        self.pattern = pattern
        self.probes = probes
        self.intervals = intervals
        self.droppedHits = droppedHits
    }
}
