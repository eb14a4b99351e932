/// Which tasks the kernel samples, and so how much filtering is left to Periscope.
package enum SamplingScope: Sendable, Equatable {
    /// Every task on every CPU (`--all`).
    case everyTask
    /// Only tasks in these cgroup directories (PERF_FLAG_PID_CGROUP): the kernel filters,
    /// other containers and the host cost nothing.
    case cgroups([String])
    /// Every task on every CPU, kept or dropped by PID in user space, and why.
    case pidFilter(reason: String)

    /// Whether samples need the PID-to-container map.
    var needsAttribution: Bool {
        if case .cgroups = self { return false }
        return true
    }

    /// A short phrase for summaries.
    package var summary: String {
        switch self {
        case .everyTask: return "every task"
        case .cgroups(let directories): return "cgroup-scoped events (\(directories.joined(separator: ", ")))"
        case .pidFilter(let reason): return "every task, filtered by PID (\(reason))"
        }
    }
}
