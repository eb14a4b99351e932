import Profiling

extension ProfileTarget {
    /// The target in a few words, for the summary and the SVG title.
    package var summary: String {
        switch self {
        case .all: return "all CPUs"
        case .processes(let pids): return "PID \(pids.map(String.init).joined(separator: ", "))"
        case .containers(let names): return "container \(names.joined(separator: ", "))"
        }
    }
}
