import BPF
import ContainerInventory
import KernelTrace
import Reporting

/// What `periscope syscount` prints: per interval, the top syscalls (all tasks, or per
/// container), in bcc syscount's columns.
package struct SyscountReport: Encodable {
    package struct Row: Encodable {
        package var container: String?
        package var containerID: String?
        package var syscall: String
        package var calls: UInt64
        package var errors: UInt64
        /// Total time inside the calls, µs; nil unless -L.
        package var totalMicroseconds: Double?
    }

    package struct Interval: Encodable {
        package var rows: [Row]

        /// The `top` busiest syscalls of each group (per container with `byContainer` or
        /// `only`), by calls (failed calls with `errorsOnly`).
        package init(
            _ counts: [SyscallCountSession.Owner: SyscallCountProbe.Counts], table: SyscallTable, byContainer: Bool,
            only: Container?,
            top: Int, timed: Bool, errorsOnly: Bool
        ) {
            struct Group: Hashable {
                var owner: TaskContainerResolver.Owner?
                var syscall: UInt32
            }
            var sums: [Group: SyscallCountProbe.Counts] = [:]
            for (owner, value) in counts where only == nil || owner.container.key == only?.key {
                sums[
                    Group(owner: byContainer || only != nil ? owner.container : nil, syscall: owner.syscall),
                    default: .init()] += value
            }
            let ranked = { (counts: SyscallCountProbe.Counts) in errorsOnly ? counts.errors : counts.calls }
            var rows: [Row] = []
            for (owner, groups) in Dictionary(grouping: sums, by: \.key.owner) {
                let best = groups.filter { ranked($0.value) > 0 }.sorted {
                    (ranked($0.value), $1.key.syscall) > (ranked($1.value), $0.key.syscall)
                }.prefix(top)
                for (group, value) in best {
                    rows.append(
                        Row(
                            container: owner.map(\.displayName), containerID: owner?.key?.id,
                            syscall: table.name(Int64(group.syscall)),
                            calls: value.calls, errors: value.errors,
                            totalMicroseconds: timed ? Double(value.totalNanoseconds) / 1000 : nil))
                }
            }
            // Groups come from a Dictionary: ties fall back to the container id and syscall name.
            self.rows = rows.sorted {
                (
                    $0.container ?? "", $0.containerID ?? "", ranked(.init(calls: $1.calls, errors: $1.errors)),
                    $0.syscall
                )
                    < (
                        $1.container ?? "", $1.containerID ?? "", ranked(.init(calls: $0.calls, errors: $0.errors)),
                        $1.syscall
                    )
            }
        }

        /// bcc syscount's table (`SYSCALL COUNT [TIME (us)]`), under `container = NAME` when grouped.
        package func text(timed: Bool, errorsOnly: Bool) -> String {
            var text = ""
            var current: String??
            for row in rows {
                if current != .some(row.container) {
                    current = .some(row.container)
                    text += row.container.map { "\ncontainer = \($0)\n" } ?? "\n"
                    text +=
                        "SYSCALL".padded(toWidth: 22) + " " + "COUNT".leftPadded(toWidth: 8)
                        + (timed ? " " + "TIME (us)".leftPadded(toWidth: 16) : "") + "\n"
                }
                let count = errorsOnly ? row.errors : row.calls
                let time = timed ? " " + fixed(row.totalMicroseconds ?? 0, 3).leftPadded(toWidth: 16) : ""
                text += row.syscall.padded(toWidth: 22) + " " + String(count).leftPadded(toWidth: 8) + time + "\n"
            }
            if rows.isEmpty { text += "\n(no system calls counted)\n" }
            return text
        }
    }

    package var intervals: [Interval]

    /// Creates a value from its fields.
    package init(intervals: [Interval]) { self.intervals = intervals }
}
