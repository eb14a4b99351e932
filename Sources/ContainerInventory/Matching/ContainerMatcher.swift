#if canImport(Glibc)
import Glibc
#endif

/// The one rule by which every command resolves a container argument, for running containers
/// (`ps`, `enter`, `stats`, `diagnose`, `profile`, `trace record`, `runqlat`, ...) and for
/// recorded ones (a saved window, a trace, the recorder's store: containers that may no longer
/// exist). In order:
///
/// 1. `host` names the host (when the candidates include it);
/// 2. a decimal number that is a host PID of a known process names that process's container
///    (running containers only: recordings have no PIDs to look up);
/// 3. the exact name or the exact full id (or `runtime:id`) of one container;
/// 4. a prefix of at least `minimumIDPrefixLength` characters of exactly one container's id.
///
/// Matching is case-sensitive (Docker names are, and ids are lowercase). Two containers with
/// the same name, or an id prefix of several, is an ambiguity error listing them; nothing
/// matching is a not-found error listing the known names. A number that is no PID and no id
/// prefix is a "no process with PID" error.
public struct ContainerMatcher: Sendable {
    /// Shorter prefixes name containers by accident (`ab` is a prefix of 1 in 256 ids).
    public static let minimumIDPrefixLength = 3

    /// How one candidate answers to a query.
    public enum Strength: Int, Sendable, Comparable {
        case idPrefix, exact

        public static func < (lhs: Strength, rhs: Strength) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// What can be named, the host included when it can be.
    public var candidates: [ContainerCandidate]
    /// Host PID to the index in `candidates` of its container (running containers only).
    public var containerIndexByPID: [Int32: Int]
    public var scope: ContainerMatchError.Scope
    /// When a name cannot match because the runtime's metadata was unreadable: the unnamed
    /// containers (`runtime:shortid`) and why (running containers only).
    var unreadableNames: (unnamed: [String], reason: String)?

    /// A matcher over recorded containers (a saved window, a trace, a store), described as
    /// `source` in errors ("the saved window /tmp/w.json").
    public init(recorded candidates: [ContainerCandidate], source: String) {
        self.candidates = candidates
        self.containerIndexByPID = [:]
        self.scope = .recorded(source)
    }

    /// A matcher over the running containers of `snapshot` (host first), with its PIDs.
    public init(running snapshot: InventorySnapshot) {
        let containers = snapshot.hostAndContainers
        candidates = containers.map(\.matchCandidate)
        scope = .running
        var indexByKey: [ContainerKey: Int] = [:]
        for (index, container) in containers.enumerated() where indexByKey[container.key] == nil {
            indexByKey[container.key] = index
        }
        var byPID: [Int32: Int] = [:]
        for process in snapshot.processes { byPID[process.pid] = indexByKey[process.container] }
        containerIndexByPID = byPID
        // Only when metadata was unreadable (the runtime said so, or no root): as root a
        // container between creation and the runtime's list is unnamed for a moment too.
        let unnamed = snapshot.containers.filter {
            $0.name == nil && $0.metadataSource == .unavailable && Self.runtimesWithMetadata.contains($0.runtime)
        }
        let runtimeProblem = snapshot.warnings.first { $0.pid == nil && $0.message.contains("API unavailable") }?
            .message
        if !unnamed.isEmpty, runtimeProblem != nil || geteuid() != 0 {
            unreadableNames = (
                unnamed.map { "\($0.runtime.rawValue):\($0.shortID)" }, runtimeProblem ?? "uid \(geteuid())"
            )
        }
    }

    /// Runtimes that name their containers in metadata (not in the cgroup path).
    static let runtimesWithMetadata: Set<ContainerRuntime> = [.docker, .containerd, .crio, .podman]

    /// How `candidate` answers to `query` by name or id (rules 1, 3 and 4), nil when not at all.
    /// For filters that meet containers one by one (a trace being replayed); `match` decides.
    public static func strength(of query: String, for candidate: ContainerCandidate) -> Strength? {
        if candidate.isHost { return query == "host" ? .exact : nil }
        if query == candidate.id || query == candidate.name || query == "\(candidate.runtime):\(candidate.id)" {
            return .exact
        }
        if query.count >= minimumIDPrefixLength && candidate.id.hasPrefix(query) { return .idPrefix }
        return nil
    }

    /// The index in `candidates` of the one container `query` names.
    public func match(_ query: String) -> Result<Int, ContainerMatchError> {
        if query == "host", let host = candidates.firstIndex(where: \.isHost) { return .success(host) }
        let pid = Int32(query)
        if let pid, pid > 0, let index = containerIndexByPID[pid] { return .success(index) }
        var best: Strength?
        var matches: [Int] = []
        for (index, candidate) in candidates.enumerated() where !candidate.isHost {
            guard let strength = Self.strength(of: query, for: candidate), strength >= best ?? strength else {
                continue
            }
            if strength != best { matches.removeAll() }
            best = strength
            matches.append(index)
        }
        if matches.count == 1 { return .success(matches[0]) }
        if matches.count > 1 {
            return .failure(
                .ambiguous(
                    query: query,
                    candidates: matches.map { "\(candidates[$0].shortID) (\(candidates[$0].displayName))" },
                    scope: scope))
        }
        if let pid, scope == .running { return .failure(.processNotFound(pid: pid)) }
        if let unreadableNames {
            return .failure(
                .namesUnreadable(query: query, unnamed: unreadableNames.unnamed, reason: unreadableNames.reason))
        }
        return .failure(
            .notFound(query: query, known: candidates.filter { !$0.isHost }.map(\.displayName), scope: scope))
    }

    /// The indices `queries` name, in order, duplicates removed; throws at the first that
    /// names none or several.
    public func matchAll(_ queries: [String]) throws(ContainerMatchError) -> [Int] {
        var indices: [Int] = []
        for query in queries {
            switch match(query) {
            case .success(let index): if !indices.contains(index) { indices.append(index) }
            case .failure(let error): throw error
            }
        }
        return indices
    }

    /// Resolves `query` among the running containers of `snapshot`.
    public static func resolve(
        _ query: String, in snapshot: InventorySnapshot
    ) -> Result<Container, ContainerMatchError> {
        ContainerMatcher(running: snapshot).match(query).map { snapshot.hostAndContainers[$0] }
    }
}
