#if canImport(Glibc)
import Glibc
#endif

/// What a user typed to name a container resolved against a snapshot: a name, a full id,
/// an id prefix, or any host PID of one of its processes.
public enum ContainerLookup {
    /// Why a name did not resolve, in words a user can act on.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case notFound(query: String, known: [String])
        case ambiguous(query: String, candidates: [String])
        case processNotFound(pid: Int32)
        /// Not found while some containers have no name because their runtime's metadata
        /// was unreadable (without root: the Docker socket and /var/lib/docker are root's).
        case namesUnreadable(query: String, unnamed: [String], reason: String)

        public var description: String {
            switch self {
            case .notFound(let query, let known):
                let list = known.isEmpty ? "no containers are running" : "running: \(known.prefix(12).joined(separator: ", "))"
                return "no running container matches '\(query)' (\(list))"
            case .ambiguous(let query, let candidates):
                return "'\(query)' matches several containers: \(candidates.joined(separator: ", ")); give more of the id or the full name"
            case .processNotFound(let pid):
                return "no process with PID \(pid) (it may have exited)"
            case .namesUnreadable(let query, let unnamed, let reason):
                return "no container named '\(query)' can be seen: container names come from the runtime, which this user cannot read (\(reason)); "
                    + "run as root (or, for Docker, join the docker group), or give an id prefix or a host PID "
                    + "(containers seen without a name: \(unnamed.prefix(12).joined(separator: ", ")))"
            }
        }
    }

    /// Runtimes that name their containers in metadata (not in the cgroup path).
    static let runtimesWithMetadata: Set<ContainerRuntime> = [.docker, .containerd, .crio, .podman]

    /// Resolves `query`; a number is taken as a host PID first.
    public static func resolve(_ query: String, in snapshot: InventorySnapshot) -> Result<Container, Failure> {
        if let pid = Int32(query) {
            if let process = snapshot.processes.first(where: { $0.pid == pid }),
               let container = snapshot.container(process.container) {
                return .success(container)
            }
            if !snapshot.containers.contains(where: { $0.id.hasPrefix(query) }) { return .failure(.processNotFound(pid: pid)) }
        }
        if query == "host" { return .success(snapshot.host) }
        if let exact = snapshot.containers.first(where: { $0.name == query || $0.id == query }) { return .success(exact) }
        let byPrefix = snapshot.containers.filter { $0.id.hasPrefix(query) }
        if byPrefix.count == 1 { return .success(byPrefix[0]) }
        if byPrefix.count > 1 {
            return .failure(.ambiguous(query: query, candidates: byPrefix.map { "\($0.shortID) (\($0.displayName))" }))
        }
        // Only when metadata was unreadable (the runtime said so, or no root): as root a
        // container between creation and the runtime's list is unnamed for a moment too.
        let unnamed = snapshot.containers.filter { $0.name == nil && $0.metadataSource == .unavailable && Self.runtimesWithMetadata.contains($0.runtime) }
        let runtimeProblem = snapshot.warnings.first { $0.pid == nil && $0.message.contains("API unavailable") }?.message
        if !unnamed.isEmpty, runtimeProblem != nil || geteuid() != 0 {
            return .failure(.namesUnreadable(query: query, unnamed: unnamed.map { "\($0.runtime.rawValue):\($0.shortID)" },
                                             reason: runtimeProblem ?? "uid \(geteuid())"))
        }
        return .failure(.notFound(query: query, known: snapshot.containers.map(\.displayName)))
    }
}
