/// What part of a trace an analysis looks at: the common `--container`, `--tid`, `--procname`,
/// `--cpu`, `--begin/--end` and `--min/--max` options.
public struct AnalysisFilter: Sendable {
    /// A time bound: absolute trace-clock nanoseconds, or an offset from the first event.
    public enum TimeBound: Sendable, Equatable {
        case absolute(UInt64)
        case sinceStart(UInt64)

        func resolve(start: UInt64) -> UInt64 {
            switch self {
            case .absolute(let timestamp): timestamp
            case .sinceStart(let offset): start &+ offset
            }
        }
    }

    public var containers: Set<String> = []
    public var tids: Set<Int32> = []
    public var processNames: Set<String> = []
    public var cpus: Set<Int> = []
    public var begin: TimeBound?
    public var end: TimeBound?
    /// Durations below `minimumDuration` or above `maximumDuration` (ns) are left out.
    public var minimumDuration: UInt64?
    public var maximumDuration: UInt64?

    public init() {}

    var filtersThreads: Bool { !containers.isEmpty || !tids.isEmpty || !processNames.isEmpty }

    /// Whether a thread passes the thread filters (container name or id prefix, tid, comm).
    public func accepts(thread index: Int32, in state: KernelState) -> Bool {
        guard filtersThreads else { return true }
        guard index >= 0 else { return false }
        let thread = state.threads[Int(index)]
        if !tids.isEmpty && !tids.contains(thread.tid) && !tids.contains(thread.pid) { return false }
        if !processNames.isEmpty && !processNames.contains(thread.comm) && !processNames.contains(state.processName(pid: thread.pid)) {
            return false
        }
        if !containers.isEmpty {
            let container = state.containers[Int(thread.container)]
            let matches = containers.contains { wanted in
                wanted == container.name || (wanted.count >= 6 && container.id.hasPrefix(wanted))
                    || (wanted == "host" && thread.container == 0)
            }
            if !matches { return false }
        }
        return true
    }

    /// The `--container` values no container of the trace answers to (name, id prefix of 6 or
    /// more characters, or `host`).
    func unmatchedContainers(in state: KernelState) -> [String] {
        containers.sorted().filter { wanted in
            wanted != "host" && !state.containers.contains { $0.name == wanted || (wanted.count >= 6 && $0.id.hasPrefix(wanted)) }
        }
    }

    public func accepts(cpu: Int) -> Bool { cpus.isEmpty || cpus.contains(cpu) }

    public func accepts(duration: UInt64) -> Bool {
        if let minimumDuration, duration < minimumDuration { return false }
        if let maximumDuration, duration > maximumDuration { return false }
        return true
    }
}
