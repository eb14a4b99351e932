import ContainerInventory

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

    /// Whether a thread passes the thread filters (container, tid, comm). Containers appear
    /// during the replay, so a thread's container passes when it answers to a `--container`
    /// value at all; `checkContainers` then applies `ContainerMatcher`'s rule to the whole trace.
    public func accepts(thread index: Int32, in state: KernelState) -> Bool {
        guard filtersThreads else { return true }
        guard index >= 0 else { return false }
        let thread = state.threads[Int(index)]
        if !tids.isEmpty && !tids.contains(thread.tid) && !tids.contains(thread.pid) { return false }
        if !processNames.isEmpty && !processNames.contains(thread.comm)
            && !processNames.contains(state.processName(pid: thread.pid))
        {
            return false
        }
        if !containers.isEmpty {
            let candidate = Self.candidate(state.containers[Int(thread.container)], isHost: thread.container == 0)
            if !containers.contains(where: { ContainerMatcher.strength(of: $0, for: candidate) != nil }) {
                return false
            }
        }
        return true
    }

    /// Throws when a `--container` value names no container of the replayed trace, or several
    /// (also when it is one container's name and another's id prefix: the replay kept both).
    func checkContainers(in state: KernelState) throws(ContainerMatchError) {
        let candidates = state.containers.indices.map { Self.candidate(state.containers[$0], isHost: $0 == 0) }
        let matcher = ContainerMatcher(recorded: candidates, source: "the trace")
        for wanted in containers.sorted() {
            let chosen = try matcher.matchAll([wanted])
            let kept = candidates.indices.filter { ContainerMatcher.strength(of: wanted, for: candidates[$0]) != nil }
            if kept != chosen {
                throw .ambiguous(
                    query: wanted, candidates: kept.map { "\(candidates[$0].shortID) (\(candidates[$0].displayName))" },
                    scope: matcher.scope)
            }
        }
    }

    /// A replayed container as the matcher sees it (unnamed PID namespaces by `pidns:INODE`).
    static func candidate(_ container: ContainerState, isHost: Bool) -> ContainerCandidate {
        ContainerCandidate(runtime: container.runtime, id: container.id, name: container.name, isHost: isHost)
    }

    public func accepts(cpu: Int) -> Bool { cpus.isEmpty || cpus.contains(cpu) }

    public func accepts(duration: UInt64) -> Bool {
        if let minimumDuration, duration < minimumDuration { return false }
        if let maximumDuration, duration > maximumDuration { return false }
        return true
    }
}
